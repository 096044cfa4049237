/**
 * What the recap says beyond the §6 numbers: top comment keywords, unanswered questions, the
 * follow-up list for the 私域 team, and promoter (导购) commissions. Pure functions over a session's
 * stored events, like the metrics.
 */
import { isQuestion } from '../rules/index.js';
import type { LiveEvent } from '../protocol/index.js';
import { foldOrderEvent, newOrderState, refundedFen, type OrderState } from '../rules/orders.js';

/** How a promoter is paid: fixed fen per unit sold, or a fraction of paid GMV. */
export type CommissionRule = { kind: 'perUnit'; fen: number } | { kind: 'percent'; rate: number };

/**
 * What a promoter is owed under `rule` for sales of `units` units worth `paidGmvFen` (paid orders,
 * later refunds included), unrounded; 0 without a rule. The one home of the rule: a show's promoter
 * table and the period statement both pay by it.
 */
export function commissionFen(rule: CommissionRule | null | undefined, sales: { units: number; paidGmvFen: number }): number {
  if (rule?.kind === 'perUnit') return sales.units * rule.fen;
  if (rule?.kind === 'percent') return sales.paidGmvFen * rule.rate;
  return 0;
}

export interface Keyword {
  word: string;
  count: number;
}

export interface OpenQuestion {
  key: string;
  platform: string;
  userId: string;
  nick: string;
  text: string;
  ts: number;
  /** The sku on air when it was asked, if any. */
  sku: string | null;
}

/** A viewer who asked about or clicked products and bought none of them. */
export interface FollowUp {
  platform: string;
  userId: string;
  nick: string;
  /** Skus asked about or clicked and not bought, in the order first shown interest. */
  skus: string[];
  /** Their questions, oldest first. */
  questions: string[];
  clicks: number;
  lastTs: number;
}

export interface PromoterRow {
  promoter: string;
  orders: number;
  units: number;
  paidGmvFen: number;
  refundFen: number;
  rule: CommissionRule | null;
  /** By the rule on paid orders (per unit × units, or rate × paid GMV), unrounded; 0 without a rule. */
  commissionFen: number;
}

export interface Insights {
  keywords: Keyword[];
  unanswered: OpenQuestion[];
  followUp: FollowUp[];
  promoters: PromoterRow[];
}

export interface InsightsInput {
  /** The session's stored events: items on air, comments and clicks sorted by ts; order events anywhere among them. */
  events: Iterable<LiveEvent>;
  /** Keys (`platform:id`) of questions the moderators marked answered. */
  answered: ReadonlySet<string>;
  rules?: Record<string, CommissionRule>;
  /** How many keywords to list. */
  topKeywords?: number;
  /**
   * Which orders count, by order time (their earliest event's ts); all by default. `events` then
   * carries every event of those orders, the ones after the window (a late refund) too.
   */
  orderTime?: (ts: number) => boolean;
}

/** Words too common in live-room chat to say anything. */
export const STOP_WORDS = new Set([
  '的',
  '了',
  '是',
  '我',
  '你',
  '他',
  '她',
  '吗',
  '呢',
  '吧',
  '啊',
  '呀',
  '哦',
  '嗯',
  '么',
  '这',
  '那',
  '个',
  '就',
  '都',
  '也',
  '还',
  '在',
  '有',
  '和',
  '要',
  '不',
  '没',
  '很',
  '好',
  '吗',
  '什么',
  '怎么',
  '这个',
  '那个',
  '一个',
  '可以',
  '主播',
  '一下',
  '我们',
  '你们',
  '现在',
  '已经',
  '真的',
  '没有',
  '还有',
  '多少',
  '能不能',
  '有没有',
  'the',
  'a',
  'is',
  'it',
  'to',
  'and',
  'of',
  'i',
  'you',
  // Fragments the word segmenter cuts out of live-room chat (家人们 → 家 + 人们, 买不了 → 买 + 不了): no topic in them.
  '人们',
  '不了',
  '家人',
  '宝宝',
  '宝宝们',
  '姐妹',
  '姐妹们',
  '家人们',
  '就是',
  '不是',
  '还是',
  '这么',
  '那么',
  '怎么样',
  '一样',
  '一点',
  '知道',
  '觉得',
  '可能',
  '自己',
  '大家',
  '为什么',
  '的话',
  '时候',
  '那个',
  '啥',
  '哈哈',
  '哈哈哈',
  '啊啊',
  '嗯嗯',
  '好的',
  '谢谢',
]);

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });

/** Words of texts already segmented: live comments repeat a lot (“多少钱?”, “链接在哪”), and segmenting is the costly part. */
const wordsOf = new Map<string, readonly string[]>();
const WORDS_KEPT = 50_000;

/** The words of a comment that count as keywords; the same array for the same text (do not change it). */
export function commentWords(text: string): readonly string[] {
  const known = wordsOf.get(text);
  if (known) return known;
  const words = segmentWords(text);
  if (wordsOf.size >= WORDS_KEPT) wordsOf.clear();
  wordsOf.set(text, words);
  return words;
}

/** Words of a comment as Intl.Segmenter splits Chinese, without stop-words, digits or single characters. */
function segmentWords(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.toLowerCase())) {
    if (!s.isWordLike) continue;
    const w = s.segment.trim();
    if (w.length < 2 || STOP_WORDS.has(w) || /^\d+$/.test(w)) continue;
    out.push(w);
  }
  return out;
}

export function computeInsights(input: InsightsInput): Insights {
  const words = new Map<string, number>();
  const questions: OpenQuestion[] = [];
  const orders = new Map<string, { platform: string; state: OrderState }>();
  const interest = new Map<string, { platform: string; userId: string; nick: string; skus: string[]; questions: string[]; clicks: number; lastTs: number }>();
  let onAir: string | null = null;

  const person = (platform: string, userId: string) => {
    const key = `${platform}\u0000${userId}`;
    let p = interest.get(key);
    if (!p) interest.set(key, (p = { platform, userId, nick: '', skus: [], questions: [], clicks: 0, lastTs: 0 }));
    return p;
  };
  const showInterest = (p: ReturnType<typeof person>, sku: string | null, ts: number) => {
    if (sku && !p.skus.includes(sku)) p.skus.push(sku);
    if (ts > p.lastTs) p.lastTs = ts;
  };

  for (const e of input.events) {
    switch (e.type) {
      case 'item.live':
        onAir = e.sku;
        break;
      case 'comment': {
        for (const w of commentWords(e.text)) words.set(w, (words.get(w) ?? 0) + 1);
        if (!isQuestion(e.text)) break;
        const key = `${e.platform}:${e.id}`;
        if (!input.answered.has(key)) questions.push({ key, platform: e.platform, userId: e.userId, nick: e.nick, text: e.text, ts: e.ts, sku: onAir });
        const p = person(e.platform, e.userId);
        p.nick = e.nick || p.nick;
        p.questions.push(e.text);
        showInterest(p, onAir, e.ts);
        break;
      }
      case 'product.click': {
        const p = person(e.platform, e.userId);
        p.clicks++;
        showInterest(p, e.sku, e.ts);
        break;
      }
      case 'order': {
        const key = `${e.platform}\u0000${e.orderId}`;
        const o = orders.get(key);
        if (o) foldOrderEvent(o.state, e);
        else orders.set(key, { platform: e.platform, state: newOrderState(e) });
        break;
      }
      default:
        break;
    }
  }

  const bought = new Set<string>();
  const promoters = new Map<string, PromoterRow>();
  for (const { platform, state: o } of orders.values()) {
    if (!o.reachedPaid || (input.orderTime && !input.orderTime(o.firstTs))) continue;
    bought.add(`${platform}\u0000${o.userId}\u0000${o.sku}`);
    if (o.promoter === null) continue;
    let row = promoters.get(o.promoter);
    if (!row) promoters.set(o.promoter, (row = { promoter: o.promoter, orders: 0, units: 0, paidGmvFen: 0, refundFen: 0, rule: input.rules?.[o.promoter] ?? null, commissionFen: 0 }));
    row.orders++;
    row.units += o.qty;
    row.paidGmvFen += o.amountFen;
    row.refundFen += refundedFen(o);
  }
  for (const row of promoters.values()) row.commissionFen = commissionFen(row.rule, row);

  const followUp: FollowUp[] = [];
  for (const [who, p] of interest) {
    const skus = p.skus.filter((sku) => !bought.has(`${who}\u0000${sku}`));
    if (skus.length) followUp.push({ ...p, skus });
  }
  followUp.sort((a, b) => b.questions.length - a.questions.length || b.clicks - a.clicks || a.lastTs - b.lastTs);

  const keywords = [...words]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : 1))
    .slice(0, input.topKeywords ?? 30);

  return {
    keywords,
    unanswered: questions,
    followUp,
    promoters: [...promoters.values()].sort((a, b) => b.paidGmvFen - a.paidGmvFen || (a.promoter < b.promoter ? -1 : 1)),
  };
}
