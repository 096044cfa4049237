/**
 * A seeded generator of realistic recorded sessions (NDJSON, as `livedeck replay` reads them), and the
 * two steps the store applies before anything is recapped: dedupe by (platform, id), sort by ts.
 *
 * A recording holds what the recap has to survive:
 * - orders created → paid → refunded or cancelled; paid stamped before created; refunds without a
 *   paid event; later events carrying other amounts; a dealId only on the payment, or a stale one there;
 *   one unit refunded (refundFen), reported twice, more of it days after the show; refunds days after it;
 * - viewers who enter twice, leave without entering, never leave, or leave and re-enter in one ms;
 * - platforms that stamp whole seconds (ties everywhere), two snapshots of one platform at one ms;
 * - item.live on whole seconds (orders land on the very ms an item starts), skus back on air twice;
 * - deals that sell out and deals that time out; a stream gap;
 * - events before the header's start and after its end;
 * then exact duplicate lines, and every line after the header shuffled.
 */
import type { LiveEvent, SessionHeader } from '../../server/protocol/index.js';

export interface RecordingOptions {
  seed: number;
  /** Total NDJSON lines, header and duplicates included. */
  lines: number;
  /** Audience platforms, busiest first. The control room's own events use `studio`. */
  platforms?: string[];
  durationMs?: number;
  startedAt?: number;
  /** Share of extra, exact duplicate lines (0.03 → about 3 in 103 lines are repeats). */
  duplicateRate?: number;
  /** Shuffle every line after the header (default true). */
  shuffle?: boolean;
  title?: string;
}

/** mulberry32: small, fast, good enough for test data. Uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Catalog {
  sku: string;
  priceFen: number;
}

const CATALOG: Catalog[] = [
  { sku: 'FACE-CREAM', priceFen: 29900 },
  { sku: 'LIPSTICK-07', priceFen: 15900 },
  { sku: 'SERUM-30', priceFen: 45900 },
  { sku: 'MASK-10', priceFen: 9900 },
  { sku: 'SUNSCREEN', priceFen: 12900 },
  { sku: 'TONER', priceFen: 8900 },
  { sku: 'EYE-CREAM', priceFen: 35900 },
  { sku: 'CLEANSER', priceFen: 6990 },
  { sku: 'GIFT-BOX', priceFen: 59900 },
];
/** Shown in the catalogue but never put on air: clicked and bought all the same. */
const OFF_AIR = ['HAND-CREAM', 'PERFUME-50'];

/** Share of audience actions that are an order. */
const ORDER_SHARE = 0.07;

const COMMENTS = ['多少钱？', '链接在哪', '有没有小样', '主播好美', '尺码怎么选', '能不能便宜点', '已拍', '好用吗', '来了来了', '敏感肌能用吗'];

/** Who is inside, with O(1) add, delete and random pick. */
class Crowd {
  private list: string[] = [];
  private index = new Map<string, number>();
  get size(): number {
    return this.list.length;
  }
  at(i: number): string {
    return this.list[i];
  }
  add(userId: string): void {
    if (this.index.has(userId)) return;
    this.index.set(userId, this.list.length);
    this.list.push(userId);
  }
  delete(userId: string): void {
    const i = this.index.get(userId);
    if (i === undefined) return;
    const last = this.list.pop()!;
    this.index.delete(userId);
    if (last !== userId) {
      this.list[i] = last;
      this.index.set(last, i);
    }
  }
}

/** Makes the lines of one recording. Same options, same lines. */
export function makeRecording(options: RecordingOptions): string[] {
  const rnd = mulberry32(options.seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => rnd() < p;
  const poisson = (lambda: number): number => {
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let prod = rnd(); prod > limit; prod *= rnd()) k++;
    return k;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

  const platforms = options.platforms ?? ['douyin', 'channels', 'taobao', 'mall'];
  const durationMs = options.durationMs ?? 2 * 3600_000;
  const t0 = options.startedAt ?? 1_767_225_600_000;
  const duplicateRate = options.duplicateRate ?? 0.03;
  const uniqueTarget = Math.max(0, Math.round((options.lines - 1) / (1 + duplicateRate)));

  const events: LiveEvent[] = [];
  const idCounters = new Map<string, number>();
  // Ids are not zero-padded, so their string order is not their numeric order.
  const nextId = (platform: string, prefix: string) => {
    const n = (idCounters.get(platform) ?? 0) + 1;
    idCounters.set(platform, n);
    return `${prefix}${n}`;
  };

  interface PlatformSim {
    name: string;
    weight: number;
    /** Whole-second timestamps: ties everywhere. */
    coarse: boolean;
    inside: Crowd;
    population: number;
    online: number;
  }
  const sims: PlatformSim[] = platforms.map((name, i) => ({
    name,
    weight: 1 / (i + 1.5),
    coarse: i % 2 === 1,
    inside: new Crowd(),
    population: 0,
    online: 0,
  }));
  const weightSum = sims.reduce((s, p) => s + p.weight, 0);
  for (const p of sims) p.weight /= weightSum;

  const stamp = (p: PlatformSim, ts: number) => (p.coarse ? Math.floor(ts / 1000) * 1000 : Math.floor(ts));

  // Snapshots are 5 s apart per platform; the rest of the budget is spread over the session.
  const snapshotCount = sims.length * Math.ceil(durationMs / 5000);
  // An order is two events or so; everything else one.
  const perSecond = Math.max(0, uniqueTarget - snapshotCount) / (durationMs / 1000) / (1 + ORDER_SHARE * 1.1);

  // The run-sheet: a sku on air every 3–8 minutes, some skus twice.
  let current = CATALOG[0];
  let nextItemAt = t0;
  let orderSeq = 0;
  let dealSeq = 0;
  let deal: { dealId: string; sku: string; priceFen: number; stock: number; sold: number; endsAt: number; hot: boolean } | null = null;
  let nextDealAt = t0 + 4 * 60_000;
  let gapDone = false;

  const order = (p: PlatformSim, ts: number, viaDeal: boolean) => {
    const item = viaDeal && deal ? { sku: deal.sku, priceFen: deal.priceFen } : chance(0.85) ? current : pick([...CATALOG, ...OFF_AIR.map((sku) => ({ sku, priceFen: 4990 }))]);
    const qty = chance(0.8) ? 1 : 2 + int(3);
    const amountFen = item.priceFen * qty;
    const orderId = `${p.name.slice(0, 2).toUpperCase()}${++orderSeq}`;
    const userId = p.inside.size && chance(0.9) ? p.inside.at(int(p.inside.size)) : `u${int(p.population + 1)}`;
    const dealId = viaDeal && deal ? deal.dealId : undefined;
    const base = { type: 'order' as const, platform: p.name, orderId, userId, sku: item.sku, qty, amountFen };
    const push = (status: 'created' | 'paid' | 'refunded' | 'cancelled', at: number, extra: Partial<{ dealId: string; amountFen: number; refundFen: number }> = {}) =>
      events.push({ ...base, ...extra, status, id: nextId(p.name, 'o'), ts: stamp(p, at) });
    const payAt = ts + 2000 + int(40_000);
    const shape = rnd();
    if (shape < 0.03) {
      // Paid only: the created event never reached us.
      push('paid', payAt, dealId ? { dealId } : {});
    } else if (shape < 0.05) {
      // The platform stamped the payment before the creation.
      push('created', ts);
      push('paid', ts - 500 - int(2000), dealId ? { dealId } : {});
    } else if (shape < 0.06) {
      // A refund is all we heard of the payment.
      push('created', ts, dealId ? { dealId } : {});
      push('refunded', payAt + 60_000, { amountFen: Math.floor(amountFen / 2) });
    } else if (shape < 0.16) {
      push('created', ts, dealId ? { dealId } : {});
      push('cancelled', ts + 5000 + int(60_000));
    } else if (shape < 0.22) {
      push('created', ts);
    } else {
      // The deal id sometimes only shows up on the payment, and now and then the payment names a
      // stale deal: the first dealId seen stands.
      const onCreated = !!dealId && chance(0.5);
      push('created', ts, onCreated ? { dealId } : {});
      const stale = onCreated && dealSeq > 1 && chance(0.1);
      push('paid', payAt, dealId ? { dealId: stale ? `D${dealSeq - 1}` : dealId } : {});
      if (chance(0.05)) push('refunded', payAt + 30_000 + int(600_000), chance(0.5) ? { amountFen: amountFen - 100 } : {});
      else if (chance(0.02)) push('cancelled', payAt + 10_000);
      else if (qty > 1 && chance(0.15)) {
        // 退一件: one unit back, reported again (the same amount) and, now and then, a second unit days after the show.
        push('paid', payAt + 60_000 + int(600_000), { refundFen: item.priceFen });
        if (chance(0.3)) push('paid', payAt + 700_000, { refundFen: item.priceFen });
        if (chance(0.3)) push('paid', t0 + durationMs + 86_400_000 + int(2 * 86_400_000), { refundFen: 2 * item.priceFen });
      } else if (chance(0.01)) push('refunded', t0 + durationMs + int(3 * 86_400_000)); // hours or days after the show
      if (chance(0.02)) push('paid', payAt + 1000); // the platform said it twice, under a new id
    }
    if (viaDeal && deal && shape >= 0.22) deal.sold += qty;
  };

  for (let sec = 0; events.length < uniqueTarget; sec++) {
    const now = t0 + sec * 1000;

    if (now >= nextItemAt && now < t0 + durationMs) {
      current = chance(0.2) ? current : pick(CATALOG);
      events.push({ type: 'item.live', platform: 'studio', id: nextId('studio', 'i'), ts: now, sku: current.sku, itemId: String(int(40)) });
      nextItemAt = now + 180_000 + int(300_000);
    }
    if (!deal && now >= nextDealAt && now < t0 + durationMs) {
      const hot = dealSeq % 2 === 0;
      deal = {
        dealId: `D${++dealSeq}`,
        sku: current.sku,
        priceFen: Math.floor(current.priceFen * 0.5),
        stock: hot ? 5 + int(20) : 400 + int(100),
        sold: 0,
        endsAt: now + 60_000 + int(60_000),
        hot,
      };
      events.push({
        type: 'deal.started',
        platform: 'studio',
        id: nextId('studio', 'd'),
        ts: now,
        dealId: deal.dealId,
        sku: deal.sku,
        stock: deal.stock,
        priceFen: deal.priceFen,
        perUserLimit: 1,
        durationSec: Math.round((deal.endsAt - now) / 1000),
      });
    }
    if (deal && (now >= deal.endsAt || deal.sold >= deal.stock)) {
      const reason = deal.sold >= deal.stock ? 'sold_out' : 'timeout';
      events.push({ type: 'deal.ended', platform: 'studio', id: nextId('studio', 'x'), ts: now, dealId: deal.dealId, reason });
      deal = null;
      nextDealAt = now + 6 * 60_000 + int(6 * 60_000);
    }

    for (const p of sims) {
      if (sec % 5 === 0) {
        p.online = Math.max(0, p.inside.size * 7 + Math.round(normal() * 20));
        events.push({ type: 'viewer.snapshot', platform: p.name, id: nextId(p.name, 's'), ts: stamp(p, now + int(900)), online: p.online, total: p.population });
        // Now and then a second snapshot at the very same ms.
        if (chance(0.02)) {
          const last = events[events.length - 1];
          events.push({ type: 'viewer.snapshot', platform: p.name, id: nextId(p.name, 's'), ts: last.ts, online: p.online + int(50) });
        }
      }
      if (!gapDone && p === sims[sims.length - 1] && sec === Math.floor(durationMs / 2000)) {
        gapDone = true;
        events.push({ type: 'stream.gap', platform: p.name, id: nextId(p.name, 'g'), ts: now, fromTs: now - 45_000, toTs: now });
      }
      const n = poisson(perSecond * p.weight * (deal?.hot ? 1.3 : 1));
      for (let k = 0; k < n; k++) {
        const ts = now + rnd() * 1000;
        const r = rnd();
        if (r < 0.24) {
          const fresh = !p.inside.size || chance(0.6);
          const userId = fresh ? `u${++p.population}` : chance(0.9) ? `u${1 + int(p.population)}` : p.inside.at(int(p.inside.size));
          p.inside.add(userId);
          events.push({ type: 'viewer.enter', platform: p.name, id: nextId(p.name, 'e'), ts: stamp(p, ts), userId });
        } else if (r < 0.44) {
          if (p.inside.size && chance(0.95)) {
            const userId = p.inside.at(int(p.inside.size));
            p.inside.delete(userId);
            const at = stamp(p, ts);
            events.push({ type: 'viewer.leave', platform: p.name, id: nextId(p.name, 'l'), ts: at, userId });
            // A reconnect: left and came back within the same ms.
            if (chance(0.03)) {
              p.inside.add(userId);
              events.push({ type: 'viewer.enter', platform: p.name, id: nextId(p.name, 'e'), ts: at, userId });
            }
          } else {
            events.push({ type: 'viewer.leave', platform: p.name, id: nextId(p.name, 'l'), ts: stamp(p, ts), userId: `u${int(p.population + 5)}` });
          }
        } else if (r < 0.7) {
          events.push({ type: 'comment', platform: p.name, id: nextId(p.name, 'c'), ts: stamp(p, ts), userId: `u${int(p.population + 1)}`, nick: '', text: pick(COMMENTS) });
        } else if (r < 0.84) {
          const sku = chance(0.7) ? current.sku : chance(0.8) ? pick(CATALOG).sku : pick(OFF_AIR);
          events.push({ type: 'product.click', platform: p.name, id: nextId(p.name, 'k'), ts: stamp(p, ts), userId: `u${int(p.population + 1)}`, sku });
        } else if (r < 1 - ORDER_SHARE) {
          events.push({ type: 'interaction', platform: p.name, id: nextId(p.name, 'n'), ts: stamp(p, ts), userId: `u${int(p.population + 1)}`, kind: pick(['like', 'follow', 'share'] as const) });
        } else {
          order(p, ts, !!deal && chance(deal.hot ? 0.7 : 0.3));
        }
      }
    }
  }
  events.length = Math.min(events.length, uniqueTarget);

  const header: SessionHeader = {
    type: 'session',
    title: options.title ?? `Recording ${options.seed}`,
    // A few events come before the announced start, and some after the announced end.
    startedAt: t0 + 1500,
    endedAt: t0 + durationMs,
  };
  const body = events.map((e) => JSON.stringify(e));
  const duplicates = Math.max(0, options.lines - 1 - body.length);
  for (let i = 0; i < duplicates; i++) body.push(body[int(events.length)]);
  if (options.shuffle ?? true) {
    for (let i = body.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const t = body[i];
      body[i] = body[j];
      body[j] = t;
    }
  }
  return [JSON.stringify(header), ...body];
}

/** Splits a recording into its header (if any) and its events, duplicates and all, in line order. */
export function readRecording(lines: Iterable<string>): { header: SessionHeader | null; events: LiveEvent[] } {
  let header: SessionHeader | null = null;
  const events: LiveEvent[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as LiveEvent | SessionHeader;
    if (record.type === 'session') header ??= record;
    else events.push(record);
  }
  return { header, events };
}

/**
 * What the store hands the recap: each (platform, id) once (the first copy wins), sorted by ts. The
 * sort is stable, so events sharing a ts keep their (shuffled) arrival order.
 */
export function storedOrder(events: readonly LiveEvent[]): LiveEvent[] {
  const seen = new Set<string>();
  const kept: LiveEvent[] = [];
  for (const e of events) {
    const key = `${e.platform}\u0000${e.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(e);
  }
  return kept.sort((a, b) => a.ts - b.ts);
}
