/**
 * The live model: what every screen draws, kept in memory and fed by committed events. It is rebuilt
 * from the stored events after a restart by applying them again, so `apply` is the only way in.
 * Screens get a snapshot, then ticks holding only what changed (buckets touched, new comments, ...).
 */
import type {
  Bucket,
  CommentEntry,
  ItemAiring,
  Kpis,
  LiveCoupon,
  LiveDeal,
  LiveEvent,
  LiveSnapshot,
  LiveState,
  LiveTick,
  Marker,
  Product,
  QuestionCard,
  RunsheetItem,
  SessionInfo,
} from '../protocol/index.js';
import { QUESTIONS_SENT } from '../protocol/index.js';
import type { CommentStateRow } from '../store/index.js';
import type { OrderChange } from '../rules/orders.js';
import { createOrderLedger, type OrderLedger } from './orders.js';
import { createOnlineTracker } from './online.js';
import { questionGroupKey, triageComment } from '../rules/index.js';
import { prompterOnGo, steerPrompter, type PrompterChange } from './prompter.js';
import { DEFAULT_PROMPTER, type PrompterState } from '../protocol/prompter.js';
import { EVENT_FUTURE_MS, GAP_MERGE_MS, MAX_MARKERS } from '../protocol/bounds.js';

export interface LiveModelOptions {
  /** How many seconds of per-second buckets screens get (older ones live on in minute buckets). */
  secondsKept?: number;
  /** How many comments the feed keeps. */
  feedSize?: number;
  /** Non-question comments let into the feed per second; the rest are counted, not shown. */
  feedPerSecond?: number;
  /** Open question cards kept; the oldest unclaimed ones drop off first. */
  questionLimit?: number;
  /**
   * New question cards per second; past it, questions are treated as chatter. A moderator answers a
   * few a minute: at thousands of comments a second the inbox must stay readable and cheap to draw.
   */
  questionsPerSecond?: number;
  /**
   * True when every live order event comes with what it changed in the store (the hub): then the
   * ledger a replay needs is dropped once `reset` is done, and memory does not grow with orders.
   */
  ordersFromStore?: boolean;
  /**
   * The hub's clock. With it, a feed's last event is counted no later than when it arrived and no
   * event stamped ahead of the clock moves the per-second chart past now: a connector's clock cannot
   * make a dead feed look alive or freeze the chart.
   */
  now?: () => number;
  /**
   * Told how many kept entries (question cards, online instants) a step visited: for tests that hold
   * a tick's work to what changed, not to how many questions wait or how long the show has run.
   */
  countWork?: (visited: number) => void;
}

/** A platform's stream gap as drawn: merged with its neighbours (see `GAP_MERGE_MS`). */
interface GapSpan {
  fromTs: number;
  toTs: number;
  marker: Marker;
}

interface PlatformAcc {
  paidGmvFen: number;
  refundFen: number;
  orders: number;
  units: number;
  buyers: Set<string>;
  views: number;
  viewers: Set<string>;
  comments: number;
  lastEventAt: number;
}

const emptyBucket = (sec: number): Bucket => ({ sec, gmvFen: 0, orders: 0, units: 0, comments: 0, online: -1, enters: 0, clicks: 0 });

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export type LiveModel = ReturnType<typeof createLiveModel>;

export function createLiveModel(options: LiveModelOptions = {}) {
  const secondsKept = options.secondsKept ?? 1800;
  const feedSize = options.feedSize ?? 200;
  const feedPerSecond = options.feedPerSecond ?? 8;
  const questionLimit = options.questionLimit ?? 20_000;
  const questionsPerSecond = options.questionsPerSecond ?? 4;
  const countWork = options.countWork ?? (() => {});

  let seq = 0;
  let session: SessionInfo | null = null;
  let platforms = new Map<string, PlatformAcc>();
  // Only for orders applied without the store's word: the replay in `reset`, and callers that keep no
  // store (unit tests). The hub passes each order's change from the orders table.
  let ledger: OrderLedger | null = null;
  // Online and its peaks as the recap reads them, whatever order snapshots arrive in.
  let online = createOnlineTracker({ countWork });
  let seconds = new Map<number, Bucket>();
  let minutes = new Map<number, Bucket>();
  let newestSec = 0;
  let dirtySeconds = new Set<number>();
  let dirtyMinutes = new Set<number>();
  let markers: Marker[] = [];
  let newMarkers: Marker[] = [];
  let gaps = new Map<string, GapSpan[]>();
  let feed: CommentEntry[] = [];
  let newComments: CommentEntry[] = [];
  let feedSecond = 0;
  let feedInSecond = 0;
  let questionsInSecond = 0;
  let questions = new Map<string, QuestionCard>();
  /** Unanswered cards by their text's {@link questionGroupKey}: a repeat joins its card. */
  let questionGroups = new Map<string, string>();
  // The inbox kept in the order screens read it, card by card as cards change, so a tick takes the
  // oldest few without walking (and sorting) every open card: 20,000 may wait on a long night.
  /** Open cards nobody holds, oldest first (same ts: in arrival order). */
  let openCards: QuestionCard[] = [];
  /** Unanswered cards someone claimed or sent to the prompter. */
  let heldCards = new Set<QuestionCard>();
  /** Answered cards in the order they were answered: the first to go past the limit. */
  let answeredCards = new Set<QuestionCard>();
  /** Each card's arrival number, for the order of cards of the same ts. */
  let arrival = new WeakMap<QuestionCard, number>();
  let arrivals = 0;
  /** The cards last sent, until a card joins, leaves or moves in the inbox. */
  let shownQuestions: { cards: QuestionCard[]; waiting: number } | null = null;
  let promptedKey: string | null = null;
  let airings: ItemAiring[] = [];
  let deals = new Map<string, LiveDeal>();
  let coupons = new Map<string, LiveCoupon>();
  let catalog: Product[] = [];
  let runsheet: RunsheetItem[] = [];
  let catalogDirty = false;
  let runsheetDirty = false;
  let changed = true;
  let resetPending = false;
  let alarm: string | null = null;
  let prompter: PrompterState = DEFAULT_PROMPTER;
  let obs: LiveState['obs'] = null;
  let sources: NonNullable<LiveState['sources']> = [];
  let floorRatio: number | null = null;

  function platformAcc(p: string): PlatformAcc {
    let acc = platforms.get(p);
    if (!acc) {
      acc = {
        paidGmvFen: 0,
        refundFen: 0,
        orders: 0,
        units: 0,
        buyers: new Set(),
        views: 0,
        viewers: new Set(),
        comments: 0,
        lastEventAt: 0,
      };
      platforms.set(p, acc);
    }
    return acc;
  }

  /** The second and minute buckets an event at `ts` lands in, both marked dirty. */
  function touch(ts: number): [Bucket, Bucket | null] {
    const sec = Math.floor(ts / 1000);
    const min = Math.floor(sec / 60) * 60;
    let m = minutes.get(min);
    if (!m) minutes.set(min, (m = emptyBucket(min)));
    dirtyMinutes.add(min);
    if (sec > newestSec && (!options.now || sec * 1000 <= options.now() + EVENT_FUTURE_MS)) newestSec = sec;
    if (sec <= newestSec - secondsKept) return [m, null];
    let s = seconds.get(sec);
    if (!s) seconds.set(sec, (s = emptyBucket(sec)));
    dirtySeconds.add(sec);
    return [m, s];
  }

  function add(ts: number, field: 'gmvFen' | 'orders' | 'units' | 'comments' | 'enters' | 'clicks', n: number): void {
    const [m, s] = touch(ts);
    m[field] += n;
    if (s) s[field] += n;
  }

  /** Counts an order once, at the second it reached paid, from what its event changed. */
  function applyOrder(e: Extract<LiveEvent, { type: 'order' }>, acc: PlatformAcc, change: OrderChange): void {
    if (change.paid) {
      acc.paidGmvFen += change.amountFen;
      acc.orders++;
      acc.units += change.qty;
      acc.buyers.add(change.userId);
      add(e.ts, 'gmvFen', change.amountFen);
      add(e.ts, 'orders', 1);
      add(e.ts, 'units', change.qty);
      const deal = change.dealId ? deals.get(change.dealId) : undefined;
      if (deal) {
        deal.sold += change.qty;
        deal.paidGmvFen += change.amountFen;
      }
    }
    acc.refundFen += change.refundDeltaFen;
  }

  function applyComment(e: Extract<LiveEvent, { type: 'comment' }>, acc: PlatformAcc): void {
    acc.comments++;
    add(e.ts, 'comments', 1);
    const sec = Math.floor(e.ts / 1000);
    if (sec !== feedSecond) {
      feedSecond = sec;
      feedInSecond = 0;
      questionsInSecond = 0;
    }
    const asks = triageComment(e.text).question;
    const groupKey = asks ? questionGroupKey(e.text) : '';
    const group = asks ? questions.get(questionGroups.get(groupKey) ?? '') : undefined;
    if (group && group.status !== 'answered') {
      // Asked again (by another viewer, or the same one impatient): one card, counted.
      group.asks = (group.asks ?? 1) + 1;
    }
    const question = asks && !group && questionsInSecond++ < questionsPerSecond;
    const entry: CommentEntry = { key: `${e.platform}:${e.id}`, platform: e.platform, userId: e.userId, nick: e.nick, text: e.text, ts: e.ts, question };
    if (question || feedInSecond++ < feedPerSecond) {
      feed.push(entry);
      newComments.push(entry);
      if (feed.length > feedSize * 2) feed = feed.slice(-feedSize);
      if (newComments.length > feedSize) newComments = newComments.slice(-feedSize);
    }
    if (question) {
      const card: QuestionCard = { ...entry, status: 'open', claimedBy: null, prompted: false, asks: 1 };
      arrival.set(card, arrivals++);
      questions.set(entry.key, card);
      place(card);
      questionGroups.set(groupKey, entry.key);
      if (questions.size > questionLimit) dropOneQuestion();
    }
  }

  function applyItemLive(e: Extract<LiveEvent, { type: 'item.live' }>): void {
    const airing: ItemAiring = { itemId: e.itemId ? Number(e.itemId) : -1, sku: e.sku, startedAt: e.ts, endedAt: null };
    let i = airings.length;
    while (i > 0 && airings[i - 1].startedAt > e.ts) i--;
    if (i > 0) airings[i - 1].endedAt = e.ts;
    if (i === airings.length) prompter = prompterOnGo(prompter, e.ts);
    if (i < airings.length) airing.endedAt = airings[i].startedAt;
    airings.splice(i, 0, airing);
    const product = catalog.find((p) => p.sku === e.sku);
    addMarker({ ts: e.ts, kind: 'item', label: product?.title ?? e.sku });
  }

  function applyCouponStarted(e: Extract<LiveEvent, { type: 'coupon.started' }>): void {
    const existing = coupons.get(e.couponId);
    coupons.set(e.couponId, {
      couponId: e.couponId,
      sku: e.sku ?? null,
      title: e.title,
      discountFen: e.discountFen,
      thresholdFen: e.thresholdFen ?? 0,
      quantity: e.quantity,
      claimed: existing?.claimed ?? 0,
      perUserLimit: e.perUserLimit ?? 1,
      startedAt: e.ts,
      endsAt: e.ts + (e.durationSec ?? 300) * 1000,
      endedAt: existing?.endedAt ?? null,
      endReason: existing?.endReason ?? null,
    });
    addMarker({ ts: e.ts, kind: 'coupon', label: e.title });
  }

  function addMarker(m: Marker): void {
    markers.push(m);
    newMarkers.push(m);
    // Screens draw the newest markers; older ones live on in the store and the recap.
    if (markers.length > MAX_MARKERS * 2) markers = markers.slice(-MAX_MARKERS);
    if (newMarkers.length > MAX_MARKERS * 2) newMarkers = newMarkers.slice(-MAX_MARKERS);
  }

  /**
   * A platform's stream gap, merged with the gaps of that platform it overlaps or nearly touches: a
   * flapping connection is one mark, not thousands. The merged marker replaces the ones it covers.
   */
  function addGap(platform: string, fromTs: number, toTs: number): void {
    const spans = gaps.get(platform) ?? [];
    let lo = fromTs;
    let hi = toTs;
    const covered = new Set<Marker>();
    const kept: GapSpan[] = [];
    for (const g of spans) {
      if (g.fromTs <= hi + GAP_MERGE_MS && g.toTs >= lo - GAP_MERGE_MS) {
        lo = Math.min(lo, g.fromTs);
        hi = Math.max(hi, g.toTs);
        covered.add(g.marker);
      } else kept.push(g);
    }
    const marker: Marker = { ts: lo, kind: 'gap', label: `${platform} ${Math.round((hi - lo) / 1000)}s`, platform, toTs: hi };
    kept.push({ fromTs: lo, toTs: hi, marker });
    // Only the newest spans are drawn anyway (MAX_MARKERS): older ones are forgotten here.
    gaps.set(platform, kept.length > MAX_MARKERS ? kept.slice(-MAX_MARKERS) : kept);
    if (covered.size) {
      markers = markers.filter((m) => !covered.has(m));
      newMarkers = newMarkers.filter((m) => !covered.has(m));
    }
    addMarker(marker);
  }

  /**
   * Folds one committed event into the model. An order event comes with what it did to its order in
   * the store; without that, the model works it out from a ledger of its own (growing with orders).
   */
  function apply(e: LiveEvent, order?: OrderChange): void {
    changed = true;
    if (e.type === 'item.live') return applyItemLive(e);
    if (e.type === 'deal.started') {
      const product = catalog.find((p) => p.sku === e.sku);
      const existing = deals.get(e.dealId);
      deals.set(e.dealId, {
        dealId: e.dealId,
        sku: e.sku,
        priceFen: e.priceFen ?? 0,
        listPriceFen: product?.listPriceFen ?? 0,
        stock: e.stock,
        sold: existing?.sold ?? 0,
        paidGmvFen: existing?.paidGmvFen ?? 0,
        claimed: existing?.claimed ?? 0,
        perUserLimit: e.perUserLimit ?? 1,
        startedAt: e.ts,
        endsAt: e.ts + (e.durationSec ?? 60) * 1000,
        endedAt: existing?.endedAt ?? null,
        endReason: existing?.endReason ?? null,
      });
      addMarker({ ts: e.ts, kind: 'deal', label: `${product?.title ?? e.sku} 秒杀` });
      return;
    }
    if (e.type === 'deal.ended') {
      const d = deals.get(e.dealId);
      if (d) {
        d.endedAt = e.ts;
        d.endReason = e.reason ?? 'stopped';
      }
      return;
    }
    if (e.type === 'coupon.started') return applyCouponStarted(e);
    if (e.type === 'coupon.ended') {
      const c = coupons.get(e.couponId);
      if (c) {
        c.endedAt = e.ts;
        c.endReason = e.reason ?? 'stopped';
      }
      return;
    }
    const acc = platformAcc(e.platform);
    const seenAt = options.now ? Math.min(e.ts, options.now()) : e.ts;
    if (seenAt > acc.lastEventAt) acc.lastEventAt = seenAt;
    switch (e.type) {
      case 'order':
        return applyOrder(e, acc, order ?? (ledger ??= createOrderLedger()).change(e));
      case 'comment':
        return applyComment(e, acc);
      case 'viewer.enter':
        acc.views++;
        acc.viewers.add(e.userId);
        return add(e.ts, 'enters', 1);
      case 'product.click':
        return add(e.ts, 'clicks', 1);
      case 'viewer.snapshot': {
        if (!online.apply(e.platform, e.ts, e.id, e.online)) return;
        const [m, s] = touch(e.ts);
        m.online = online.total;
        if (s) s.online = online.total;
        return;
      }
      case 'stream.gap':
        return addGap(e.platform, e.fromTs, e.toTs);
      default:
        return;
    }
  }

  function kpisOf(acc: PlatformAcc, platform: string): Kpis {
    return {
      paidGmvFen: acc.paidGmvFen,
      refundFen: acc.refundFen,
      orders: acc.orders,
      buyers: acc.buyers.size,
      units: acc.units,
      online: online.online(platform),
      peakOnline: online.peak(platform),
      views: acc.views,
      viewers: acc.viewers.size,
      comments: acc.comments,
      conversion: ratio(acc.buyers.size, acc.viewers.size),
      gpmFen: ratio(acc.paidGmvFen, acc.views) * 1000,
    };
  }

  function totals(): Kpis {
    const t: Kpis = {
      paidGmvFen: 0,
      refundFen: 0,
      orders: 0,
      buyers: 0,
      units: 0,
      online: online.total,
      peakOnline: online.peak(),
      views: 0,
      viewers: 0,
      comments: 0,
      conversion: 0,
      gpmFen: 0,
    };
    for (const acc of platforms.values()) {
      t.paidGmvFen += acc.paidGmvFen;
      t.refundFen += acc.refundFen;
      t.orders += acc.orders;
      t.buyers += acc.buyers.size;
      t.units += acc.units;
      t.views += acc.views;
      t.viewers += acc.viewers.size;
      t.comments += acc.comments;
    }
    t.conversion = ratio(t.buyers, t.viewers);
    t.gpmFen = ratio(t.paidGmvFen, t.views) * 1000;
    return t;
  }

  /** The small state; `advance` is true for ticks only, so a snapshot for one window moves no one's seq. */
  function state(now: number, advance: boolean) {
    // Keyed by names connectors chose: entries define own keys, so a platform called `__proto__` is a platform.
    const byPlatform: Record<string, Kpis> = Object.fromEntries([...platforms].map(([p, acc]) => [p, kpisOf(acc, p)]));
    const current = airings.length ? airings[airings.length - 1] : null;
    if (advance) seq++;
    const shownQuestions = visibleQuestions();
    return {
      seq,
      serverNow: now,
      session,
      kpis: totals(),
      byPlatform,
      current: current && current.endedAt === null ? current : null,
      airings: airings.slice(),
      questions: shownQuestions.cards,
      questionsWaiting: shownQuestions.waiting,
      promptedQuestion: promptedKey ? (questions.get(promptedKey) ?? null) : null,
      platforms: [...platforms].map(([platform, acc]) => ({ platform, lastEventAt: acc.lastEventAt })),
      deals: [...deals.values()].slice(-20),
      coupons: [...coupons.values()].slice(-20),
      alarm,
      prompter,
      obs,
      floorRatio,
      sources,
    };
  }

  type Place = 'open' | 'held' | 'answered';
  const placeOf = (q: QuestionCard): Place => (q.status === 'answered' ? 'answered' : q.status === 'claimed' || q.prompted ? 'held' : 'open');

  /** Orders open cards by ts, then arrival: true when `a` is read before `b`. */
  const before = (a: QuestionCard, b: QuestionCard) => a.ts < b.ts || (a.ts === b.ts && arrival.get(a)! < arrival.get(b)!);

  /** Where `q` goes among the open cards (the index of `q` itself, when it is there). */
  function openIndex(q: QuestionCard): number {
    let lo = 0;
    let hi = openCards.length;
    // A new card is nearly always the newest: no search.
    if (hi === 0 || before(openCards[hi - 1], q)) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(openCards[mid], q)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Puts a card where its status says: the open queue, the held ones, or the answered ones. */
  function place(q: QuestionCard): void {
    const where = placeOf(q);
    if (where === 'open') openCards.splice(openIndex(q), 0, q);
    else if (where === 'held') heldCards.add(q);
    else answeredCards.add(q);
    shownQuestions = null;
  }

  function unplace(q: QuestionCard, where: Place): void {
    if (where === 'open') {
      const i = openIndex(q);
      if (openCards[i] === q) openCards.splice(i, 1);
    } else if (where === 'held') heldCards.delete(q);
    else answeredCards.delete(q);
    shownQuestions = null;
  }

  /** Applies a moderator's marks to a card and moves it in the inbox if they changed its place. */
  function markCard(q: QuestionCard, patch: Partial<Pick<QuestionCard, 'status' | 'claimedBy' | 'prompted'>>): void {
    const was = placeOf(q);
    Object.assign(q, patch);
    const now = placeOf(q);
    if (now !== was) {
      unplace(q, was);
      place(q);
    }
    // Answered: the same question asked later is a new card.
    if (now === 'answered') {
      const groupKey = questionGroupKey(q.text);
      if (questionGroups.get(groupKey) === q.key) questionGroups.delete(groupKey);
    }
  }

  /**
   * Past the limit: an answered card goes first (it is only kept to answer late marks); only with
   * none answered the oldest open one, never one someone holds.
   */
  function dropOneQuestion(): void {
    const victim: QuestionCard | undefined = answeredCards.values().next().value ?? openCards[0];
    if (!victim) return;
    unplace(victim, placeOf(victim));
    questions.delete(victim.key);
    const groupKey = questionGroupKey(victim.text);
    if (questionGroups.get(groupKey) === victim.key) questionGroups.delete(groupKey);
  }

  /** Every claimed or prompted card (someone is working on it), then the oldest open ones; oldest first. */
  function visibleQuestions(): { cards: QuestionCard[]; waiting: number } {
    if (shownQuestions) return shownQuestions;
    const held = [...heldCards];
    const open = openCards.slice(0, Math.max(0, QUESTIONS_SENT - held.length));
    countWork(held.length + open.length);
    shownQuestions = { cards: [...held, ...open].sort((a, b) => a.ts - b.ts), waiting: openCards.length + heldCards.size };
    return shownQuestions;
  }

  function prune(): void {
    const cutoff = newestSec - secondsKept;
    if (seconds.size > secondsKept + 64) {
      for (const sec of seconds.keys()) if (sec <= cutoff) seconds.delete(sec);
    }
  }

  const sortedBuckets = (map: Map<number, Bucket>, keys?: Iterable<number>): Bucket[] => {
    const out: Bucket[] = [];
    for (const k of keys ?? map.keys()) {
      const b = map.get(k);
      if (b) out.push({ ...b });
    }
    return out.sort((a, b) => a.sec - b.sec);
  };

  function clearLive(): void {
    platforms = new Map();
    ledger = null;
    online = createOnlineTracker();
    seconds = new Map();
    minutes = new Map();
    newestSec = 0;
    dirtySeconds = new Set();
    dirtyMinutes = new Set();
    markers = [];
    newMarkers = [];
    gaps = new Map();
    feed = [];
    newComments = [];
    questions = new Map();
    questionGroups = new Map();
    openCards = [];
    heldCards = new Set();
    answeredCards = new Set();
    arrival = new WeakMap();
    arrivals = 0;
    shownQuestions = null;
    promptedKey = null;
    airings = [];
    deals = new Map();
    coupons = new Map();
    changed = true;
  }

  return {
    apply,
    /**
     * Starts over for `next` (or no session), replaying its stored events and the moderators' marks on
     * question cards. Used at start-up and when a session starts or ends.
     */
    reset(next: SessionInfo | null, events: Iterable<LiveEvent> = [], commentStates: CommentStateRow[] = []): void {
      clearLive();
      session = next;
      for (const e of events) apply(e);
      if (options.ordersFromStore) ledger = null;
      for (const st of commentStates) {
        const q = questions.get(st.key);
        if (q) markCard(q, { status: st.status, claimedBy: st.claimedBy, prompted: st.prompted });
        if (st.prompted) promptedKey = st.key;
      }
      dirtySeconds.clear();
      dirtyMinutes.clear();
      newMarkers = [];
      newComments = [];
      resetPending = true;
    },
    /** True once after a reset: screens need a whole snapshot, not a delta. */
    takeReset(): boolean {
      const r = resetPending;
      resetPending = false;
      return r;
    },
    setSession(next: SessionInfo | null): void {
      session = next;
      changed = true;
    },
    get session(): SessionInfo | null {
      return session;
    },
    setCatalog(next: Product[]): void {
      catalog = next;
      catalogDirty = true;
      changed = true;
    },
    setRunsheet(next: RunsheetItem[]): void {
      runsheet = next;
      runsheetDirty = true;
      changed = true;
    },
    get catalog(): Product[] {
      return catalog;
    },
    get runsheet(): RunsheetItem[] {
      return runsheet;
    },
    /** The item on air now, if any. */
    current(): ItemAiring | null {
      const last = airings[airings.length - 1];
      return last && last.endedAt === null ? last : null;
    },
    question(key: string): QuestionCard | undefined {
      return questions.get(key);
    },
    /** Moderator marks on a question card (claim, answer, send to prompter). */
    updateQuestion(key: string, patch: Partial<Pick<QuestionCard, 'status' | 'claimedBy' | 'prompted'>>): QuestionCard | undefined {
      const q = questions.get(key);
      if (!q) return undefined;
      markCard(q, patch);
      if (patch.prompted) {
        if (promptedKey && promptedKey !== key) {
          const prev = questions.get(promptedKey);
          if (prev) markCard(prev, { prompted: false });
        }
        promptedKey = key;
      } else if (patch.prompted === false && promptedKey === key) promptedKey = null;
      changed = true;
      return q;
    },
    deal(dealId: string): LiveDeal | undefined {
      return deals.get(dealId);
    },
    /** Records units granted through the mall for a deal. */
    setClaimed(dealId: string, total: number): void {
      const d = deals.get(dealId);
      if (d && d.claimed !== total) {
        d.claimed = total;
        changed = true;
      }
    },
    coupon(couponId: string): LiveCoupon | undefined {
      return coupons.get(couponId);
    },
    /** Records coupons granted through the mall. */
    setCouponClaimed(couponId: string, total: number): void {
      const c = coupons.get(couponId);
      if (c && c.claimed !== total) {
        c.claimed = total;
        changed = true;
      }
    },
    /** Coupons of this session, oldest first. */
    coupons(): LiveCoupon[] {
      return [...coupons.values()];
    },
    /** Deals of this session, oldest first. */
    deals(): LiveDeal[] {
      return [...deals.values()];
    },
    /** Steers every prompter; answers the new state. */
    steerPrompter(change: PrompterChange, now: number): PrompterState {
      prompter = steerPrompter(prompter, change, now);
      changed = true;
      return prompter;
    },
    setAlarm(message: string | null): void {
      if (alarm !== message) changed = true;
      alarm = message;
    },
    get alarm(): string | null {
      return alarm;
    },
    /** The studio's default brand floor, for every screen's under-floor warning to agree with the hub. */
    setFloorRatio(ratio: number | null): void {
      if (floorRatio !== ratio) changed = true;
      floorRatio = ratio;
    },
    /** The OBS link's light; null when no OBS is configured. */
    setObs(next: LiveState['obs']): void {
      if (JSON.stringify(obs) !== JSON.stringify(next)) changed = true;
      obs = next;
    },
    /** The sources' lights (see server/sources/registry.ts); a change is pushed on the next tick. */
    setSources(next: NonNullable<LiveState['sources']>): void {
      if (JSON.stringify(sources) !== JSON.stringify(next)) changed = true;
      sources = next;
    },
    kpis: totals,
    /** Orders the model itself remembers: 0 live in the hub, where the store says what each order did. */
    get rememberedOrders(): number {
      return ledger?.size ?? 0;
    },
    snapshot(now: number): LiveSnapshot {
      prune();
      return {
        ...state(now, false),
        catalog,
        runsheet,
        seconds: sortedBuckets(seconds),
        minutes: sortedBuckets(minutes),
        markers: markers.slice(-MAX_MARKERS),
        comments: feed.slice(-feedSize),
      };
    },
    /** What changed since the last tick, or null when nothing did and `force` is false. */
    tick(now: number, force = false): LiveTick | null {
      if (!changed && !force) return null;
      prune();
      const t: LiveTick = {
        ...state(now, true),
        seconds: sortedBuckets(seconds, dirtySeconds),
        minutes: sortedBuckets(minutes, dirtyMinutes),
        markers: newMarkers,
        comments: newComments,
      };
      if (catalogDirty) t.catalog = catalog;
      if (runsheetDirty) t.runsheet = runsheet;
      catalogDirty = runsheetDirty = changed = false;
      dirtySeconds = new Set();
      dirtyMinutes = new Set();
      newMarkers = [];
      newComments = [];
      return t;
    },
  };
}
