/**
 * The demo audience (and rehearsal mode): a synthetic, Chinese-speaking live-commerce audience on
 * several platforms at once. Viewers come and go on a believable curve, ask the questions real
 * viewers ask, click the product on air and buy it — more when the price is low against list, in a
 * rush when a flash deal starts, a little more when a coupon drops — and pay, cancel or refund later
 * (some multi-unit orders get one unit refunded).
 *
 * It is deterministic: the same seed, catalog, commands and `step(nowMs, dtMs)` sequence produce the
 * same events, so tests drive it with a fake clock. `start()` drives it with real timers instead.
 * It emits only audience events (never `item.live` or `deal.*`, which the control room records).
 */
import type { ClaimAck, ConnectorCommand, DealClaim, LiveEvent, Product } from '../protocol/index.js';
import { onAirPriceFen } from '../rules/index.js';
import { commentText, nickname, type CommentMood } from './phrases.js';
import { createRng, hashSeed, type Rng } from './rng.js';

/** A mall buyer's request for deal units; in the studio, `createMallClaimer(...).claim`. */
export type ClaimFn = (request: DealClaim) => Promise<ClaimAck>;
/** A mall buyer taking a dropped coupon; in the studio, `createMallClaimer(...).claimCoupon`. */
export type CouponClaimFn = (request: { couponId: string; userId: string }) => Promise<ClaimAck>;

export interface SimulatorOptions {
  /** Same seed, same show. */
  seed: number | string;
  /** What is for sale; orders only name these skus (or one pinned by a command). */
  catalog: readonly Product[];
  /** Platforms to simulate (default douyin, channels, mall). */
  platforms?: readonly string[];
  /** Epoch ms; used by `start()` and for the default run id (default Date.now). */
  clock?: () => number;
  /**
   * Audience size: 1 is a modest real show (about a thousand online at the plateau, a few dozen
   * events a second); 20 is a big one. Every rate scales with it.
   */
  rate?: number;
  /** Receives each step's events (one call per step that produced any). */
  sink: (events: LiveEvent[]) => void | Promise<void>;
  /**
   * How buyers on `mallPlatform` claim deal units from the stock authority (the hub's `/mall`).
   * Without it, mall buyers sit flash deals out: only the hub may grant mall deal stock.
   */
  claim?: ClaimFn;
  /** How buyers on `mallPlatform` take dropped coupons from the hub's `/mall`; without it they take none. */
  claimCoupon?: CouponClaimFn;
  /** The platform whose deal stock is granted by `claim` (default 'mall'). */
  mallPlatform?: string;
  /** The product on air at the start (default none: clicks spread thinly over the catalog). */
  currentSku?: string | null;
  /** Step length for `start()` (default 150 ms). */
  stepMs?: number;
  /**
   * Prefix for event and order ids, so a restarted simulator does not reuse the ids of an earlier
   * run (the hub would drop them as duplicates). Default: from the seed and the clock at creation.
   */
  runId?: string;
  /** Where problems in the timer loop are reported (default console.warn). */
  logger?: { warn(message: string): void };
}

/** What the simulator believes about the show, for screens and tests. */
export interface SimulatorState {
  runId: string;
  currentSku: string | null;
  /** Online viewers per platform. */
  online: Record<string, number>;
  /** Distinct viewers seen per platform. */
  seen: Record<string, number>;
  deals: { dealId: string; sku: string; stock: number; units: number; mallUnits: number; ended: boolean }[];
  /** Mall claims sent and not yet answered. */
  pendingClaims: number;
  /** Coupons dropped, with how many the mall's buyers were granted. */
  coupons: { couponId: string; quantity: number; mallClaimed: number; ended: boolean }[];
}

export interface Simulator {
  /**
   * Advances the audience to `nowMs`, `dtMs` after the previous step, hands the events to the sink
   * and returns them. Commands and `setCurrentSku` calls made since the last step take effect first,
   * at `nowMs`. Every event's `ts` is `nowMs`.
   */
  step(nowMs: number, dtMs: number): LiveEvent[];
  /** Steps every `stepMs` on real timers, reading the clock. */
  start(): void;
  stop(): void;
  /** Reacts to a hub command as a real audience would (`product.pin`, `deal.start`, `deal.end`, `coupon.drop`, `coupon.end`). */
  handleCommand(command: ConnectorCommand): void;
  /** Puts a product on air (as `product.pin` does, at its catalog live price). */
  setCurrentSku(sku: string | null): void;
  /** Replaces the catalog at once (the hub's `catalog.set` command does it on the next step). */
  setCatalog(catalog: readonly Product[]): void;
  /** Rescales the audience from the next step on. */
  setRate(rate: number): void;
  state(): SimulatorState;
  readonly running: boolean;
}

interface PlatformProfile {
  /** User id prefix: dy_123…. */
  prefix: string;
  /** Order id prefix. */
  orderPrefix: string;
  /** Share of the base audience (1000 online at rate 1). */
  weight: number;
  /** Mean seconds a viewer stays: short on Douyin's feed, long in the brand's own mall. */
  meanWatchSec: number;
}

const PROFILES: Record<string, PlatformProfile> = {
  douyin: { prefix: 'dy', orderPrefix: 'DY', weight: 0.8, meanWatchSec: 90 },
  channels: { prefix: 'sph', orderPrefix: 'SPH', weight: 0.4, meanWatchSec: 210 },
  taobao: { prefix: 'tb', orderPrefix: 'TB', weight: 0.6, meanWatchSec: 150 },
  kuaishou: { prefix: 'ks', orderPrefix: 'KS', weight: 0.5, meanWatchSec: 120 },
  mall: { prefix: 'mall', orderPrefix: 'MALL', weight: 0.15, meanWatchSec: 300 },
};

function profileOf(platform: string): PlatformProfile {
  const known = PROFILES[platform];
  if (known) return known;
  const prefix =
    platform
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 4) || 'u';
  return { prefix, orderPrefix: prefix.toUpperCase(), weight: 0.3, meanWatchSec: 150 };
}

/** Online viewers at rate 1 and weight 1, at the plateau. */
const BASE_ONLINE = 1000;
/** Seconds for the audience to build up after the start. */
const RAMP_SEC = 120;
/** Long-standing fans per platform, the same ids in every session, so recaps see returning buyers. */
const FANS_PER_PLATFORM = 300;
/** Mall claims awaiting an answer at once; buyers beyond it simply do not get through. */
const MAX_PENDING_CLAIMS = 200;
const PROMOTERS = ['gd_001', 'gd_002', 'gd_007', 'gd_015'];

interface PlatformState {
  name: string;
  profile: PlatformProfile;
  present: string[];
  presentAt: Map<string, number>;
  /** Viewers who left and may come back. */
  departed: string[];
  fans: string[];
  /** Every id this platform has seen in this run. */
  known: Set<string>;
  userSeq: number;
  idBase: number;
  nextSnapshotAt: number;
  /** Slow multiplicative wander of the audience (±30%). */
  noise: number;
}

interface SimDeal {
  dealId: string;
  sku: string;
  priceFen: number;
  stock: number;
  perUserLimit: number;
  endsAt: number;
  startedAt: number;
  /**
   * Deal units on orders not cancelled, plus units granted to mall claims: locked when the order is
   * created, as the platforms lock stock, and shared by every simulated platform (one stock a deal).
   */
  units: number;
  mallUnits: number;
  /** Units mall buyers have asked the hub for and not yet heard back on: held, so no platform sells them meanwhile. */
  asked: number;
  byUser: Map<string, number>;
  ended: boolean;
  /** The hub said this deal is over for claims. */
  mallClosed: boolean;
}

interface SimCoupon {
  couponId: string;
  quantity: number;
  perUserLimit: number;
  startedAt: number;
  endsAt: number;
  mallClaimed: number;
  byUser: Map<string, number>;
  ended: boolean;
  /** The hub said there are none left to claim. */
  mallClosed: boolean;
}

interface PendingCouponClaim {
  userId: string;
  coupon: SimCoupon;
  result: ClaimAck | null;
}

interface Scheduled {
  dueMs: number;
  seq: number;
  run: (nowMs: number, out: LiveEvent[]) => void;
}

interface PendingClaim {
  platform: string;
  userId: string;
  deal: SimDeal;
  qty: number;
  result: ClaimAck | null;
}

type Input = { kind: 'command'; command: ConnectorCommand } | { kind: 'current'; sku: string | null };

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** How attractive a price is against list: 1 at list, up to 4 for deep discounts. */
function attraction(priceFen: number, listFen: number): number {
  if (priceFen <= 0) return 4;
  return clamp((Math.max(listFen, priceFen) / priceFen) ** 1.5, 0.5, 4);
}

/**
 * Builds a simulated audience. Nothing happens until `step` is called or `start()` runs it.
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const clock = options.clock ?? Date.now;
  const rng: Rng = createRng(options.seed);
  // Partial refunds draw from their own stream, so adding them left every other draw of a seed as it was.
  const refundRng: Rng = createRng(`${options.seed}:refunds`);
  const mallPlatform = options.mallPlatform ?? 'mall';
  const stepMs = Math.max(20, options.stepMs ?? 150);
  const logger = options.logger ?? { warn: (m: string) => console.warn(`[livedeck simulator] ${m}`) };
  const runId = options.runId ?? `${clock().toString(36)}${(hashSeed(options.seed) % 1296).toString(36)}`;
  let rate = Math.max(0, options.rate ?? 1);

  let catalog: Product[] = [];
  const bySku = new Map<string, Product>();
  function setCatalogNow(list: readonly Product[]): void {
    catalog = [...list];
    bySku.clear();
    for (const p of catalog) bySku.set(p.sku, p);
  }
  setCatalogNow(options.catalog);

  const platforms: PlatformState[] = (options.platforms ?? ['douyin', 'channels', 'mall']).map((name) => {
    const profile = profileOf(name);
    const fans: string[] = [];
    const fanSet = new Set<string>();
    for (let i = 0; fans.length < FANS_PER_PLATFORM && i < FANS_PER_PLATFORM * 2; i++) {
      // Seed-independent on purpose: the same fans come to every show.
      const id = `${profile.prefix}_${10_000_000 + (hashSeed(`${name}:fan:${i}`) % 90_000_000)}`;
      if (fanSet.has(id)) continue;
      fanSet.add(id);
      fans.push(id);
    }
    return {
      name,
      profile,
      present: [],
      presentAt: new Map(),
      departed: [],
      fans,
      known: new Set(),
      userSeq: 0,
      idBase: 1_000_000_000 + rng.int(8_000_000) * 100,
      nextSnapshotAt: 0,
      noise: 0,
    };
  });

  const nicks = new Map<string, string>();
  const deals = new Map<string, SimDeal>();
  const inbox: Input[] = [];
  const schedule: Scheduled[] = [];
  const claims: PendingClaim[] = [];
  const coupons = new Map<string, SimCoupon>();
  const couponClaims: PendingCouponClaim[] = [];
  let scheduleSeq = 0;
  let eventSeq = 0;
  let orderSeq = 0;
  let startedAtMs: number | null = null;
  let current: { sku: string; sinceMs: number; priceFen: number | null } | null = null;
  if (options.currentSku) inbox.push({ kind: 'current', sku: options.currentSku });
  /** Extra audience from a deal or coupon, decaying; 0.35 right after a deal starts. */
  let burst = 0;
  /** Coupon excitement, decaying over a minute. */
  let couponHeat = 0;
  let warnedNoClaim = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const eventId = (platform: string) => `${platform}-${runId}-${++eventSeq}`;

  function productFor(sku: string, priceHint: number | null): Product {
    let p = bySku.get(sku);
    if (!p) {
      // A pin for a sku we were never told about: sell it anyway at the pinned price.
      p = { sku, title: sku, listPriceFen: priceHint ?? 9900 };
      bySku.set(sku, p);
    }
    return p;
  }

  function regularPriceFen(sku: string): number {
    const p = bySku.get(sku);
    if (current && current.sku === sku && current.priceFen !== null) return current.priceFen;
    return onAirPriceFen(null, p) ?? 9900;
  }

  function liveDealFor(sku: string, nowMs: number): SimDeal | null {
    for (const d of deals.values()) if (d.sku === sku && !d.ended && nowMs < d.endsAt) return d;
    return null;
  }

  function nickOf(userId: string): string {
    let n = nicks.get(userId);
    if (n === undefined) nicks.set(userId, (n = nickname(rng)));
    return n;
  }

  function at(dueMs: number, run: Scheduled['run']): void {
    const item: Scheduled = { dueMs, seq: ++scheduleSeq, run };
    // Binary insertion keeps the schedule sorted by (dueMs, seq) for a deterministic replay.
    let lo = 0;
    let hi = schedule.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (schedule[mid].dueMs <= dueMs) lo = mid + 1;
      else hi = mid;
    }
    schedule.splice(lo, 0, item);
  }

  // --- inputs -------------------------------------------------------------------------------------

  function apply(input: Input, nowMs: number): void {
    if (input.kind === 'current') {
      current = input.sku ? { sku: input.sku, sinceMs: nowMs, priceFen: null } : null;
      if (input.sku) productFor(input.sku, null);
      return;
    }
    const cmd = input.command;
    switch (cmd.type) {
      case 'product.pin':
        productFor(cmd.sku, cmd.priceFen);
        current = { sku: cmd.sku, sinceMs: nowMs, priceFen: cmd.priceFen };
        break;
      case 'deal.start':
        if (deals.has(cmd.dealId)) break;
        productFor(cmd.sku, cmd.priceFen);
        deals.set(cmd.dealId, {
          dealId: cmd.dealId,
          sku: cmd.sku,
          priceFen: cmd.priceFen,
          stock: Math.max(0, cmd.stock),
          perUserLimit: Math.max(1, cmd.perUserLimit || 1),
          endsAt: cmd.endsAt,
          startedAt: nowMs,
          units: 0,
          mallUnits: 0,
          byUser: new Map(),
          ended: false,
          mallClosed: false,
          asked: 0,
        });
        burst += 0.35;
        if (!options.claim && platforms.some((p) => p.name === mallPlatform) && !warnedNoClaim) {
          warnedNoClaim = true;
          logger.warn(`no claim function: ${mallPlatform} buyers sit flash deals out (the hub grants mall deal stock)`);
        }
        break;
      case 'deal.end': {
        const d = deals.get(cmd.dealId);
        if (d) d.ended = true;
        break;
      }
      case 'coupon.drop':
        couponHeat += 0.6;
        burst += 0.08;
        if (!coupons.has(cmd.couponId)) {
          coupons.set(cmd.couponId, {
            couponId: cmd.couponId,
            quantity: Math.max(0, cmd.quantity),
            perUserLimit: Math.max(1, cmd.perUserLimit || 1),
            startedAt: nowMs,
            endsAt: cmd.endsAt,
            mallClaimed: 0,
            byUser: new Map(),
            ended: false,
            mallClosed: false,
          });
        }
        break;
      case 'coupon.end': {
        const c = coupons.get(cmd.couponId);
        if (c) c.ended = true;
        break;
      }
      case 'catalog.set':
        setCatalogNow(cmd.catalog);
        break;
    }
  }

  /** Coupon answers, in the order asked (as for deal claims): a grant counts, the hub's "none left" closes the rush. */
  function settleCouponClaims(): void {
    for (let i = 0; i < couponClaims.length;) {
      const c = couponClaims[i];
      if (!c.result) {
        i++;
        continue;
      }
      couponClaims.splice(i, 1);
      if (c.result.granted) {
        c.coupon.mallClaimed++;
        c.coupon.byUser.set(c.userId, (c.coupon.byUser.get(c.userId) ?? 0) + 1);
      } else if (c.result.reason === 'sold_out' || c.result.reason === 'ended' || c.result.reason === 'not_found') c.coupon.mallClosed = true;
    }
  }

  /** Mall viewers grab a dropped coupon, hardest in its first seconds. */
  function grabCoupons(ps: PlatformState, nowMs: number, dtSec: number): void {
    if (ps.name !== mallPlatform || !options.claimCoupon) return;
    for (const c of coupons.values()) {
      if (c.ended || c.mallClosed || nowMs >= c.endsAt) continue;
      const sinceSec = (nowMs - c.startedAt) / 1000;
      const grabs = rng.poisson(ps.present.length * 0.02 * (Math.exp(-sinceSec / 20) + 0.1) * dtSec);
      for (let i = 0; i < grabs && claims.length + couponClaims.length < MAX_PENDING_CLAIMS; i++) {
        const userId = ps.present[rng.int(ps.present.length)];
        if ((c.byUser.get(userId) ?? 0) >= c.perUserLimit) continue;
        const pending: PendingCouponClaim = { userId, coupon: c, result: null };
        couponClaims.push(pending);
        options.claimCoupon({ couponId: c.couponId, userId }).then(
          (ack) => (pending.result = ack ?? { granted: false, reason: 'unavailable' }),
          () => (pending.result = { granted: false, reason: 'unavailable' }),
        );
      }
    }
  }

  function settleClaims(nowMs: number, out: LiveEvent[]): void {
    if (claims.length === 0) return;
    // Answers are handled in the order the claims were made, at a step boundary, so the output
    // depends on what the hub answered, not on when the promises happened to resolve.
    for (let i = 0; i < claims.length;) {
      const c = claims[i];
      if (!c.result) {
        i++;
        continue;
      }
      claims.splice(i, 1);
      const { deal } = c;
      deal.asked -= c.qty;
      if (c.result.granted) {
        // The last units of a deal may be fewer than asked: the ack says how many.
        const qty = c.result.qty ?? c.qty;
        if (qty < 1) continue;
        deal.mallUnits += qty;
        deal.units += qty;
        const key = `${c.platform}\u0000${c.userId}`;
        deal.byUser.set(key, (deal.byUser.get(key) ?? 0) + qty);
        placeOrder(c.platform, c.userId, deal.sku, qty, deal.priceFen, deal, nowMs, out);
      } else {
        // The hub's word ends the mall's rush; limit_reached and unavailable are one buyer's bad luck.
        if (c.result.reason === 'sold_out' || c.result.reason === 'ended' || c.result.reason === 'not_found') deal.mallClosed = true;
        if (rng.chance(0.3)) comment(c.platform, c.userId, 'missed', nowMs, out);
      }
    }
  }

  // --- emitters -----------------------------------------------------------------------------------

  function comment(platform: string, userId: string, mood: CommentMood, nowMs: number, out: LiveEvent[]): void {
    const sku = current?.sku ?? null;
    const product = sku ? (bySku.get(sku) ?? null) : null;
    const linkIndex = sku ? catalog.findIndex((p) => p.sku === sku) : -1;
    out.push({
      type: 'comment',
      platform,
      id: eventId(platform),
      ts: nowMs,
      userId,
      nick: nickOf(userId),
      text: commentText(rng, mood, product, linkIndex >= 0 ? linkIndex + 1 : null),
    });
  }

  function placeOrder(platform: string, userId: string, sku: string, qty: number, priceFen: number, deal: SimDeal | null, nowMs: number, out: LiveEvent[]): void {
    const profile = profileOf(platform);
    const orderId = `${profile.orderPrefix}-${runId}-${String(++orderSeq).padStart(6, '0')}`;
    const base = {
      type: 'order' as const,
      platform,
      orderId,
      userId,
      sku,
      qty,
      amountFen: qty * priceFen,
      ...(deal ? { dealId: deal.dealId } : {}),
      ...(platform === mallPlatform && rng.chance(0.3) ? { promoter: rng.pick(PROMOTERS) } : {}),
    };
    out.push({ ...base, id: eventId(platform), ts: nowMs, status: 'created' });
    // Flash-deal buyers pay at once; others think it over, and some never pay.
    const pays = rng.chance(deal ? 0.95 : 0.88);
    if (pays) {
      at(nowMs + (deal ? rng.between(2_000, 15_000) : rng.between(3_000, 40_000)), (t, o) => {
        o.push({ ...base, id: eventId(platform), ts: t, status: 'paid' });
        if (rng.chance(0.035)) {
          at(t + rng.between(60_000, 600_000), (t2, o2) => o2.push({ ...base, id: eventId(platform), ts: t2, status: 'refunded' }));
        } else if (qty > 1 && refundRng.chance(0.06)) {
          // 退一件: one unit of a multi-unit order goes back; the order stays paid (DESIGN §3 refundFen).
          at(t + refundRng.between(60_000, 600_000), (t2, o2) => o2.push({ ...base, id: eventId(platform), ts: t2, status: 'paid', refundFen: priceFen }));
        }
      });
    } else {
      at(nowMs + rng.between(30_000, 120_000), (t, o) => {
        o.push({ ...base, id: eventId(platform), ts: t, status: 'cancelled' });
        // An unpaid flash-deal order times out and its unit goes back on sale, as on the platforms.
        if (deal && !deal.ended && t < deal.endsAt && platform !== mallPlatform) {
          deal.units -= qty;
          const key = `${platform}\u0000${userId}`;
          deal.byUser.set(key, Math.max(0, (deal.byUser.get(key) ?? 0) - qty));
        }
      });
    }
  }

  /** One buyer decides to buy `sku` now: at the deal price if a deal is live, else the regular price. */
  function purchase(ps: PlatformState, userId: string, sku: string, nowMs: number, out: LiveEvent[]): void {
    const deal = liveDealFor(sku, nowMs);
    const want = rng.weighted([1, 2, 3], [75, 18, 7]);
    if (!deal) {
      placeOrder(ps.name, userId, sku, want, regularPriceFen(sku), null, nowMs, out);
      return;
    }
    const key = `${ps.name}\u0000${userId}`;
    const allowed = deal.perUserLimit - (deal.byUser.get(key) ?? 0);
    if (allowed <= 0) return;
    if (ps.name === mallPlatform) {
      if (!options.claim || deal.mallClosed || claims.length >= MAX_PENDING_CLAIMS) return;
      // One stock for the deal across every simulated platform: the mall asks only for units no other
      // platform has locked, and what it asks is held until the hub answers.
      const free = deal.stock - deal.units - deal.asked;
      if (free <= 0) return;
      const pending: PendingClaim = { platform: ps.name, userId, deal, qty: Math.min(want, allowed, free), result: null };
      deal.asked += pending.qty;
      claims.push(pending);
      options.claim({ dealId: deal.dealId, userId, qty: pending.qty }).then(
        (ack) => (pending.result = ack ?? { granted: false, reason: 'unavailable' }),
        () => (pending.result = { granted: false, reason: 'unavailable' }),
      );
      return;
    }
    // Platforms keep their own deal stock: the simulator plays that role and never oversells.
    const remaining = deal.stock - deal.units - deal.asked;
    if (remaining <= 0) {
      if (rng.chance(0.3)) comment(ps.name, userId, 'missed', nowMs, out);
      return;
    }
    const qty = Math.min(want, allowed, remaining);
    deal.units += qty;
    deal.byUser.set(key, (deal.byUser.get(key) ?? 0) + qty);
    placeOrder(ps.name, userId, sku, qty, deal.priceFen, deal, nowMs, out);
  }

  // --- audience -----------------------------------------------------------------------------------

  function enter(ps: PlatformState, nowMs: number, out: LiveEvent[]): void {
    let userId: string | null = null;
    const r = rng.next();
    if (r < 0.12) {
      const fan = rng.pick(ps.fans);
      if (!ps.presentAt.has(fan)) userId = fan;
    } else if (r < 0.32 && ps.departed.length > 0) {
      const i = rng.int(ps.departed.length);
      const back = ps.departed[i];
      ps.departed[i] = ps.departed[ps.departed.length - 1];
      ps.departed.pop();
      if (!ps.presentAt.has(back)) userId = back;
    }
    if (userId === null) {
      // Sparse, increasing ids that look like a platform's: dy_1034567012.
      userId = `${ps.profile.prefix}_${ps.idBase + ++ps.userSeq * 13 + rng.int(13)}`;
    }
    ps.presentAt.set(userId, ps.present.length);
    ps.present.push(userId);
    ps.known.add(userId);
    out.push({ type: 'viewer.enter', platform: ps.name, id: eventId(ps.name), ts: nowMs, userId });
  }

  function leave(ps: PlatformState, nowMs: number, out: LiveEvent[]): void {
    const i = rng.int(ps.present.length);
    const userId = ps.present[i];
    const last = ps.present.pop()!;
    if (i < ps.present.length) {
      ps.present[i] = last;
      ps.presentAt.set(last, i);
    }
    ps.presentAt.delete(userId);
    if (ps.departed.length < 20_000) ps.departed.push(userId);
    else ps.departed[rng.int(ps.departed.length)] = userId;
    out.push({ type: 'viewer.leave', platform: ps.name, id: eventId(ps.name), ts: nowMs, userId });
  }

  /** How much the audience cares about the item on air: builds as the host explains, fades after ~6 min. */
  function itemInterest(nowMs: number): number {
    if (!current) return 0.3;
    const onSec = (nowMs - current.sinceMs) / 1000;
    const build = 0.4 + 0.6 * Math.min(1, onSec / 90);
    const fade = onSec > 360 ? Math.max(0.5, 1 - (onSec - 360) / 600) : 1;
    return build * fade;
  }

  function dealHeat(nowMs: number): number {
    let heat = 0;
    for (const d of deals.values()) {
      if (d.ended || nowMs >= d.endsAt) continue;
      heat = Math.max(heat, Math.exp(-(nowMs - d.startedAt) / 30_000) + 0.3);
    }
    return heat;
  }

  function audience(ps: PlatformState, nowMs: number, dtSec: number, out: LiveEvent[]): void {
    const elapsedSec = (nowMs - (startedAtMs ?? nowMs)) / 1000;
    ps.noise = clamp(ps.noise - (ps.noise * dtSec) / 60 + 0.04 * Math.sqrt(dtSec) * rng.normal(), -0.3, 0.3);
    const peak = BASE_ONLINE * ps.profile.weight * rate;
    const target = peak * (1 - Math.exp(-elapsedSec / RAMP_SEC)) * (1 + ps.noise) * (1 + burst);
    const online = ps.present.length;
    const watch = ps.profile.meanWatchSec;

    const leaves = Math.min(online, rng.poisson((online * dtSec) / watch));
    for (let i = 0; i < leaves; i++) leave(ps, nowMs, out);
    const arrivalsPerSec = Math.max(0, target / watch + (target > online ? (target - online) * 0.08 : (target - online) * 0.02));
    const enters = rng.poisson(arrivalsPerSec * dtSec);
    for (let i = 0; i < enters; i++) enter(ps, nowMs, out);

    const n = ps.present.length;
    if (n === 0) return;
    const heat = dealHeat(nowMs);
    const who = () => ps.present[rng.int(ps.present.length)];
    grabCoupons(ps, nowMs, dtSec);

    const comments = rng.poisson(n * 0.004 * (1 + 2 * heat + couponHeat) * dtSec);
    for (let i = 0; i < comments; i++) {
      const r = rng.next();
      let mood: CommentMood = r < 0.42 ? 'question' : 'reaction';
      if (heat > 0 && r > 0.75) mood = 'deal';
      else if (couponHeat > 0.1 && r > 0.9) mood = 'coupon';
      comment(ps.name, who(), mood, nowMs, out);
    }

    const likes = rng.poisson(n * 0.003 * (1 + heat) * dtSec);
    const follows = rng.poisson(n * 0.0002 * (1 + heat) * dtSec);
    const shares = rng.poisson(n * 0.00015 * (1 + heat + couponHeat) * dtSec);
    for (const [kind, count] of [
      ['like', likes],
      ['follow', follows],
      ['share', shares],
    ] as const) {
      for (let i = 0; i < count; i++) out.push({ type: 'interaction', platform: ps.name, id: eventId(ps.name), ts: nowMs, userId: who(), kind });
    }

    // Clicks on the product card, some of which turn into an order a little later.
    if (catalog.length > 0 || current) {
      const sku = current?.sku ?? null;
      const attract = sku ? attraction(regularPriceFen(sku), productFor(sku, null).listPriceFen) : 1;
      const clicks = rng.poisson(n * 0.0015 * itemInterest(nowMs) * Math.sqrt(attract) * (1 + couponHeat) * dtSec);
      for (let i = 0; i < clicks; i++) {
        const userId = who();
        const clicked = sku && (catalog.length === 0 || rng.chance(0.9)) ? sku : rng.pick(catalog).sku;
        out.push({ type: 'product.click', platform: ps.name, id: eventId(ps.name), ts: nowMs, userId, sku: clicked });
        const p = productFor(clicked, null);
        const conv = clamp(0.07 * attraction(regularPriceFen(clicked), p.listPriceFen) * (1 + 0.5 * couponHeat), 0, 0.6);
        if (rng.chance(conv)) at(nowMs + rng.between(3_000, 25_000), (t, o) => purchase(ps, userId, clicked, t, o));
      }
    }

    // The flash-deal rush: viewers tap straight through to the deal, hardest in its first seconds.
    for (const d of deals.values()) {
      if (d.ended || nowMs >= d.endsAt) continue;
      if (d.units + d.asked >= d.stock || (ps.name === mallPlatform && (d.mallClosed || !options.claim))) continue;
      const sinceSec = (nowMs - d.startedAt) / 1000;
      const attract = attraction(d.priceFen, productFor(d.sku, d.priceFen).listPriceFen);
      const rush = rng.poisson(n * 0.003 * attract * (Math.exp(-sinceSec / 25) + 0.15) * dtSec);
      for (let i = 0; i < rush; i++) {
        const userId = who();
        out.push({ type: 'product.click', platform: ps.name, id: eventId(ps.name), ts: nowMs, userId, sku: d.sku });
        purchase(ps, userId, d.sku, nowMs, out);
      }
    }

    if (nowMs >= ps.nextSnapshotAt) {
      out.push({ type: 'viewer.snapshot', platform: ps.name, id: eventId(ps.name), ts: nowMs, online: ps.present.length, total: ps.known.size });
      ps.nextSnapshotAt = nowMs + 2_000 + rng.int(3_000);
    }
  }

  function step(nowMs: number, dtMs: number): LiveEvent[] {
    const out: LiveEvent[] = [];
    startedAtMs ??= nowMs;
    const dtSec = clamp(dtMs / 1000, 0, 10);
    for (const input of inbox.splice(0)) apply(input, nowMs);
    settleClaims(nowMs, out);
    settleCouponClaims();
    while (schedule.length > 0 && schedule[0].dueMs <= nowMs) schedule.shift()!.run(nowMs, out);
    for (const ps of platforms) audience(ps, nowMs, dtSec, out);
    burst *= Math.exp(-dtSec / 60);
    couponHeat *= Math.exp(-dtSec / 45);
    if (out.length > 0) {
      const sunk = options.sink(out);
      if (sunk && typeof sunk.then === 'function') sunk.then(undefined, (err: unknown) => logger.warn(`sink failed: ${(err as Error)?.message ?? err}`));
    }
    return out;
  }

  return {
    step,
    start() {
      if (timer) return;
      let last = clock();
      timer = setInterval(() => {
        const now = clock();
        try {
          step(now, now - last);
        } catch (err) {
          logger.warn(`step failed: ${(err as Error).message}`);
        }
        last = now;
      }, stepMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    handleCommand(command) {
      inbox.push({ kind: 'command', command });
    },
    setCurrentSku(sku) {
      inbox.push({ kind: 'current', sku });
    },
    setCatalog(list) {
      setCatalogNow(list);
    },
    setRate(next) {
      rate = Math.max(0, next);
    },
    state() {
      return {
        runId,
        currentSku: current?.sku ?? null,
        online: Object.fromEntries(platforms.map((p) => [p.name, p.present.length])),
        seen: Object.fromEntries(platforms.map((p) => [p.name, p.known.size])),
        deals: [...deals.values()].map((d) => ({ dealId: d.dealId, sku: d.sku, stock: d.stock, units: d.units, mallUnits: d.mallUnits, ended: d.ended })),
        pendingClaims: claims.filter((c) => !c.result).length + couponClaims.filter((c) => !c.result).length,
        coupons: [...coupons.values()].map((c) => ({ couponId: c.couponId, quantity: c.quantity, mallClaimed: c.mallClaimed, ended: c.ended })),
      };
    },
    get running() {
      return timer !== null;
    },
  };
}
