/**
 * The recap engine: one pass over a session's events, then a pass over what it gathered (orders,
 * viewers, item windows, deals). Pure: no I/O, no clock. The rules are documented on the types in
 * ./types.ts; tests/support/reference-recap.ts is an independent, naive implementation of the same.
 *
 * Built for a million events: per-platform Maps keyed by the raw id strings (no key concatenation in
 * the hot loop), one small object per order, viewers as rows of typed arrays (no object per viewer),
 * online integrated as it streams by, per platform and in total in the same pass.
 */
import type { Marker } from '../protocol/index.js';
import { foldOrderEvent, newOrderState, refundedFen, type OrderState } from '../rules/orders.js';
import { checkMinutes } from './window.js';
import type { CouponGrant, Recap, RecapCoupon, RecapDeal, RecapInput, RecapItem, RecapMetrics, RecapMinute } from './types.js';

const MINUTE_MS = 60_000;

interface PlatformAcc {
  /** orderId → the order folded from its events (server/rules/orders.ts). */
  orders: Map<string, OrderState>;
  /** userId → row in the viewer arrays below (grown by doubling). */
  viewerIndex: Map<string, number>;
  /** When the viewer's open interval began. */
  viewerOpenAt: Float64Array;
  /** ts of the viewer's latest enter, to spot a leave at the same ms. */
  viewerLastEnter: Float64Array;
  /** Bit 1: inside now; bit 2: entered inside the window (a viewer). */
  viewerFlags: Uint8Array;
  views: number;
  viewers: number;
  watchMs: number;
  /** sku → userIds who clicked it in the window. */
  clickers: Map<string, Set<string>>;
  // Online: the step function of this platform's latest snapshot.
  hasSnap: boolean;
  firstSnapTs: number;
  snapTs: number;
  snapId: string;
  online: number;
  onlineAcc: OnlineAcc;
}

/** Integral, peak and value-at-`to` of one online step function over [from, to]. */
interface OnlineAcc {
  integral: number;
  peak: number;
  atTo: number;
}

interface ItemLive {
  ts: number;
  platform: string;
  id: string;
  sku: string;
}

interface DealStart {
  ts: number;
  platform: string;
  id: string;
  dealId: string;
  sku: string;
  stock: number;
  priceFen: number | null;
}

interface CouponDrop {
  ts: number;
  platform: string;
  id: string;
  couponId: string;
  title: string;
  discountFen: number;
  thresholdFen: number;
  quantity: number;
}

interface SkuAcc {
  windowGmvFen: number;
  paidGmvFen: number;
  refundFen: number;
  units: number;
  orders: number;
  buyers: Set<string>;
  clickers: number;
  liveMs: number;
  listed: boolean;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** Code-unit order, the same on every machine (unlike localeCompare). */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Whether a window is closed at its end like the whole show's: no `to`, or one at or past the session's
 * end (a window never runs past the end; see RecapInput). The report's orders follow the same rule.
 */
export function closedAtEnd(endAt: number, to: number | undefined): boolean {
  return to === undefined || to >= endAt;
}

/**
 * The recap of a session, or of a time window of it, in total and per platform. Pure: the same input
 * gives the same object, whatever the order of events that share a ts.
 *
 * @throws RangeError when `from` or `to` is given but is not a finite number (a window that cannot
 *   be meant; silently recapping the whole session instead would mislead).
 * @throws RecapError `window_too_long` when the window holds more minutes than any recap may allocate.
 */
export function computeRecap(input: RecapInput): Recap {
  for (const key of ['from', 'to'] as const) {
    const value = input[key];
    if (value !== undefined && !Number.isFinite(value)) throw new RangeError(`recap window: ${key} must be epoch milliseconds, got ${String(value)}`);
  }
  const { session } = input;
  const fromOpt = input.from;
  const toOpt = input.to;
  const only = input.platform;
  const closed = closedAtEnd(session.endAt, toOpt);

  let from = fromOpt ?? session.startedAt;
  /** The window's end and where watching stops (the session's end, if sooner): known at the first event. */
  let to = 0;
  let viewEnd = 0;
  /** Whether an event at exactly `viewEnd` is watched: the closed default window, or one cut by the session end. */
  let viewClosed = true;
  let passMinutes = 0;
  let m0 = 0;
  let first = true;
  const settle = (): void => {
    m0 = Math.floor(from / MINUTE_MS) * MINUTE_MS;
    to = Math.max(closed || toOpt === undefined ? session.endAt : toOpt, from);
    viewEnd = Math.max(Math.min(to, session.endAt), from);
    viewClosed = closed || viewEnd < to;
    passMinutes = minuteSpan(m0, from, to, closed);
    // Before a row per minute is allocated: one event from 1970 must not cost 56 years of rows.
    checkMinutes(passMinutes);
  };

  const platforms = new Map<string, PlatformAcc>();
  const itemLives: ItemLive[] = [];
  const dealStarts = new Map<string, DealStart>();
  const couponDrops = new Map<string, CouponDrop>();
  const gaps: Marker[] = [];

  // Per-minute columns, grown as events reach later minutes.
  const mGmv: number[] = [];
  const mOrders: number[] = [];
  const mUnits: number[] = [];
  const mComments: number[] = [];
  const mOnline: number[] = [];
  const mEnters: number[] = [];
  const mClicks: number[] = [];
  const growMinutes = (idx: number): void => {
    while (mGmv.length <= idx) {
      mGmv.push(0);
      mOrders.push(0);
      mUnits.push(0);
      mComments.push(0);
      mOnline.push(0);
      mEnters.push(0);
      mClicks.push(0);
    }
  };

  // Total online: a step function changing at distinct snapshot instants.
  let totalHasSnap = false;
  let totalFirstSnapTs = 0;
  let totalSegStart = 0;
  let totalOnline = 0;
  const totalOnlineAcc: OnlineAcc = { integral: 0, peak: 0, atTo: 0 };
  /** Next minute whose end-of-minute online is not yet known. */
  let nextMinutePoint = 0;

  let lastPlatform = '';
  let p: PlatformAcc | undefined;

  for (const e of input.events) {
    const ts = e.ts;
    if (first) {
      first = false;
      if (fromOpt === undefined && ts < from) from = ts;
      settle();
    }

    // The control room's own events (see controlEventTypes), compared by value: a Set lookup would
    // hash every freshly parsed `type` string.
    if (e.type === 'item.live') {
      itemLives.push({ ts, platform: e.platform, id: e.id, sku: e.sku });
      continue;
    }
    if (e.type === 'deal.started') {
      const d = dealStarts.get(e.dealId);
      if (!d || earlier(ts, e.platform, e.id, d.ts, d.platform, d.id)) {
        dealStarts.set(e.dealId, { ts, platform: e.platform, id: e.id, dealId: e.dealId, sku: e.sku, stock: e.stock, priceFen: e.priceFen ?? null });
      }
      continue;
    }
    if (e.type === 'coupon.started') {
      const c = couponDrops.get(e.couponId);
      if (!c || earlier(ts, e.platform, e.id, c.ts, c.platform, c.id)) {
        couponDrops.set(e.couponId, {
          ts,
          platform: e.platform,
          id: e.id,
          couponId: e.couponId,
          title: e.title,
          discountFen: e.discountFen,
          thresholdFen: e.thresholdFen ?? 0,
          quantity: e.quantity,
        });
      }
      continue;
    }
    if (e.type === 'deal.ended' || e.type === 'coupon.ended') continue;
    if (only !== undefined && e.platform !== only) continue;

    if (e.platform !== lastPlatform || p === undefined) {
      lastPlatform = e.platform;
      p = platforms.get(lastPlatform);
      if (!p) platforms.set(lastPlatform, (p = newPlatform()));
    }
    // Watching (enters, comments, clicks) stops at the session's end; orders count whenever (§6).
    const inWindow = ts >= from && (ts < viewEnd || (viewClosed && ts === viewEnd));

    switch (e.type) {
      case 'order': {
        const o = p.orders.get(e.orderId);
        if (o === undefined) p.orders.set(e.orderId, newOrderState(e));
        else foldOrderEvent(o, e);
        break;
      }
      case 'viewer.enter': {
        let v = p.viewerIndex.get(e.userId);
        if (v === undefined) {
          v = p.viewerIndex.size;
          p.viewerIndex.set(e.userId, v);
          if (v >= p.viewerFlags.length) growViewers(p);
        }
        p.viewerLastEnter[v] = ts;
        let f = p.viewerFlags[v];
        if ((f & 1) === 0) {
          f |= 1;
          p.viewerOpenAt[v] = ts;
        }
        if (inWindow) {
          p.views++;
          if ((f & 2) === 0) {
            f |= 2;
            p.viewers++;
          }
          const idx = ((ts - m0) / MINUTE_MS) | 0;
          growMinutes(idx);
          mEnters[idx]++;
        }
        p.viewerFlags[v] = f;
        break;
      }
      case 'viewer.leave': {
        const v = p.viewerIndex.get(e.userId);
        // An enter at this same ms wins: a leave and an enter together are a reconnect.
        if (v !== undefined && (p.viewerFlags[v] & 1) !== 0 && p.viewerLastEnter[v] !== ts) {
          p.viewerFlags[v] &= ~1;
          p.watchMs += clip(p.viewerOpenAt[v], ts, from, viewEnd);
        }
        break;
      }
      case 'viewer.snapshot': {
        if (p.hasSnap && ts === p.snapTs) {
          if (e.id <= p.snapId) break;
        } else {
          if (p.hasSnap) closeSegment(p.onlineAcc, p.snapTs, ts, p.online, from, viewEnd);
          else {
            p.hasSnap = true;
            p.firstSnapTs = ts;
          }
          p.snapTs = ts;
        }
        p.snapId = e.id;
        // The total only closes a segment when the instant moves on: ties are applied together.
        if (!totalHasSnap) {
          totalHasSnap = true;
          totalFirstSnapTs = ts;
          totalSegStart = ts;
        } else if (ts !== totalSegStart) {
          closeSegment(totalOnlineAcc, totalSegStart, ts, totalOnline, from, viewEnd);
          nextMinutePoint = fillMinutePoints(nextMinutePoint, totalSegStart, ts, totalOnline, viewEnd, passMinutes);
          totalSegStart = ts;
        }
        totalOnline += e.online - p.online;
        p.online = e.online;
        break;
      }
      case 'comment':
        if (inWindow) {
          const idx = ((ts - m0) / MINUTE_MS) | 0;
          growMinutes(idx);
          mComments[idx]++;
        }
        break;
      case 'product.click':
        if (inWindow) {
          let set = p.clickers.get(e.sku);
          if (!set) p.clickers.set(e.sku, (set = new Set()));
          set.add(e.userId);
          const idx = ((ts - m0) / MINUTE_MS) | 0;
          growMinutes(idx);
          mClicks[idx]++;
        }
        break;
      case 'stream.gap':
        gaps.push({ ts: e.fromTs, kind: 'gap', label: `${e.platform} ${(e.toTs - e.fromTs) / 1000}s` });
        break;
      default:
        break;
    }
  }

  if (first) settle();
  /** In the window as far as watching goes: up to the session's end. */
  const inView = (t: number): boolean => t >= from && (t < viewEnd || (viewClosed && t === viewEnd));
  /** An order by its time: a late one (after the end) still counts toward the whole show (§6 session end). */
  const inOrders = (t: number): boolean => t >= from && (closed || t < to);

  const minuteCount = passMinutes;
  const lastMinute = minuteCount - 1;
  growMinutes(minuteCount - 1);
  mGmv.length = mOrders.length = mUnits.length = mComments.length = mOnline.length = mEnters.length = mClicks.length = minuteCount;

  // Close the last online segments at `to`.
  if (totalHasSnap) {
    closeSegment(totalOnlineAcc, totalSegStart, Infinity, totalOnline, from, viewEnd);
    nextMinutePoint = fillMinutePoints(nextMinutePoint, totalSegStart, Infinity, totalOnline, viewEnd, minuteCount);
  }
  for (; nextMinutePoint < minuteCount; nextMinutePoint++) mOnline[nextMinutePoint] = 0;

  const skus = new Map<string, SkuAcc>();
  const sku = (name: string): SkuAcc => {
    let s = skus.get(name);
    if (!s) skus.set(name, (s = { windowGmvFen: 0, paidGmvFen: 0, refundFen: 0, units: 0, orders: 0, buyers: new Set(), clickers: 0, liveMs: 0, listed: false }));
    return s;
  };

  // Item windows.
  itemLives.sort((a, b) => a.ts - b.ts || cmp(a.platform, b.platform) || cmp(a.id, b.id));
  for (let i = 0; i < itemLives.length; i++) {
    const it = itemLives[i];
    const end = i + 1 < itemLives.length ? itemLives[i + 1].ts : Infinity;
    const start = Math.max(it.ts, from);
    if (start < end && inView(start)) {
      const s = sku(it.sku);
      s.listed = true;
      s.liveMs += Math.min(end, viewEnd) - start;
    }
  }
  const itemStarts = itemLives.map((it) => it.ts);

  const listedDeals = new Map<string, { start: DealStart; orders: OrderState[]; orderIds: string[]; platforms: string[] }>();
  for (const d of dealStarts.values()) if (inView(d.ts)) listedDeals.set(d.dealId, { start: d, orders: [], orderIds: [], platforms: [] });

  // Keyed by names connectors chose: built without a prototype, so a platform called `__proto__` is a
  // platform, and answered spread into a plain object (spreading defines own keys, `__proto__` too).
  const byPlatform = Object.create(null) as Record<string, RecapMetrics>;
  let tPaid = 0;
  let tRefund = 0;
  let tOrders = 0;
  let tBuyers = 0;
  let tUnits = 0;
  let tViews = 0;
  let tViewers = 0;
  let tWatchMs = 0;

  const platformNames = [...platforms.keys()].sort(cmp);
  for (const name of platformNames) {
    const pa = platforms.get(name)!;
    let paid = 0;
    let refund = 0;
    let orders = 0;
    let units = 0;
    const buyers = new Set<string>();
    for (const [orderId, o] of pa.orders) {
      if (!inOrders(o.firstTs)) continue;
      const s = sku(o.sku);
      s.listed = true;
      if (!o.reachedPaid) continue;
      const refunded = refundedFen(o);
      paid += o.amountFen;
      orders++;
      units += o.qty;
      buyers.add(o.userId);
      refund += refunded;
      // An order placed after the show's end (a recording's late lines) is filed in its last minute.
      const idx = Math.min(((o.firstTs - m0) / MINUTE_MS) | 0, lastMinute);
      mGmv[idx] += o.amountFen;
      mOrders[idx]++;
      mUnits[idx] += o.qty;
      s.paidGmvFen += o.amountFen;
      s.refundFen += refunded;
      s.units += o.qty;
      s.orders++;
      s.buyers.add(`${name}\u0000${o.userId}`);
      // Item windows stop at the session's end: an order placed after it was in none.
      const at = lastAtOrBefore(itemStarts, o.firstTs);
      if (at >= 0 && itemLives[at].sku === o.sku && o.firstTs <= viewEnd) s.windowGmvFen += o.amountFen;
      if (o.dealId !== null) {
        const d = listedDeals.get(o.dealId);
        if (d) {
          d.orders.push(o);
          d.orderIds.push(orderId);
          d.platforms.push(name);
        }
      }
    }
    for (const [skuName, set] of pa.clickers) {
      const s = sku(skuName);
      s.listed = true;
      s.clickers += set.size;
    }
    let watchMs = pa.watchMs;
    for (let v = 0; v < pa.viewerIndex.size; v++) if ((pa.viewerFlags[v] & 1) !== 0) watchMs += clip(pa.viewerOpenAt[v], viewEnd, from, viewEnd);
    if (pa.hasSnap) closeSegment(pa.onlineAcc, pa.snapTs, Infinity, pa.online, from, viewEnd);

    byPlatform[name] = metrics(paid, refund, orders, buyers.size, units, pa.views, pa.viewers, watchMs, pa.onlineAcc, pa.hasSnap, pa.firstSnapTs, from, viewEnd);
    tPaid += paid;
    tRefund += refund;
    tOrders += orders;
    tBuyers += buyers.size;
    tUnits += units;
    tViews += pa.views;
    tViewers += pa.viewers;
    tWatchMs += watchMs;
  }
  const totals = metrics(tPaid, tRefund, tOrders, tBuyers, tUnits, tViews, tViewers, tWatchMs, totalOnlineAcc, totalHasSnap, totalFirstSnapTs, from, viewEnd);

  const items: RecapItem[] = [];
  for (const [name, s] of skus) {
    if (!s.listed) continue;
    items.push({
      sku: name,
      windowGmvFen: s.windowGmvFen,
      paidGmvFen: s.paidGmvFen,
      refundFen: s.refundFen,
      units: s.units,
      orders: s.orders,
      buyers: s.buyers.size,
      clickers: s.clickers,
      ctr: ratio(s.clickers, tViewers),
      clickToBuy: ratio(s.buyers.size, s.clickers),
      liveSec: s.liveMs / 1000,
    });
  }
  items.sort((a, b) => b.paidGmvFen - a.paidGmvFen || cmp(a.sku, b.sku));

  const deals: RecapDeal[] = [];
  for (const { start, orders, orderIds, platforms: orderPlatforms } of listedDeals.values()) {
    const order = orders.map((_, i) => i);
    order.sort((a, b) => orders[a].paidTs - orders[b].paidTs || cmp(orderPlatforms[a], orderPlatforms[b]) || cmp(orderIds[a], orderIds[b]));
    let sold = 0;
    let paid = 0;
    let refund = 0;
    let sellOutSec: number | null = null;
    for (const i of order) {
      const o = orders[i];
      sold += o.qty;
      paid += o.amountFen;
      refund += refundedFen(o);
      if (sellOutSec === null && sold >= start.stock) sellOutSec = (o.paidTs - start.ts) / 1000;
    }
    deals.push({ dealId: start.dealId, sku: start.sku, priceFen: start.priceFen, stock: start.stock, startedAt: start.ts, sold, sellOutSec, paidGmvFen: paid, refundFen: refund });
  }
  deals.sort((a, b) => a.startedAt - b.startedAt || cmp(a.dealId, b.dealId));

  const coupons = listCoupons(couponDrops, inView, input.couponGrants ?? []);

  const minutes: RecapMinute[] = new Array(minuteCount);
  for (let i = 0; i < minuteCount; i++) {
    minutes[i] = {
      minute: m0 + i * MINUTE_MS,
      gmvFen: mGmv[i],
      orders: mOrders[i],
      units: mUnits[i],
      comments: mComments[i],
      online: mOnline[i],
      enters: mEnters[i],
      clicks: mClicks[i],
    };
  }

  const markers: Marker[] = gaps.filter((g) => inView(g.ts));
  for (const it of itemLives) if (inView(it.ts)) markers.push({ ts: it.ts, kind: 'item', label: it.sku });
  for (const d of dealStarts.values()) if (inView(d.ts)) markers.push({ ts: d.ts, kind: 'deal', label: d.sku });
  for (const c of coupons) markers.push({ ts: c.droppedAt, kind: 'coupon', label: c.title });
  markers.sort((a, b) => a.ts - b.ts || cmp(a.kind, b.kind) || cmp(a.label, b.label));

  return {
    sessionId: session.id,
    title: session.title,
    startedAt: session.startedAt,
    endAt: session.endAt,
    from,
    to,
    platform: only ?? null,
    ...totals,
    byPlatform: { ...byPlatform },
    items,
    deals,
    coupons,
    minutes,
    markers,
  };

  /**
   * Online at the end of each minute (its last ms, or `to` if sooner) whose end point falls in
   * [a, b), where the total held `value`. End points before `a` lie before the first snapshot: 0.
   */
  function fillMinutePoints(k: number, a: number, b: number, value: number, end: number, count: number): number {
    for (; k < count; k++) {
      const point = Math.min(m0 + k * MINUTE_MS + MINUTE_MS - 1, end);
      if (point >= b) break;
      growMinutes(k);
      mOnline[k] = point >= a ? value : 0;
    }
    return k;
  }
}

/** The coupons dropped in view, each with its grants: how many were claimed, and how fast all were. */
function listCoupons(drops: Map<string, CouponDrop>, inView: (t: number) => boolean, grants: Iterable<CouponGrant>): RecapCoupon[] {
  const listed = new Map<string, { drop: CouponDrop; grants: CouponGrant[] }>();
  for (const d of drops.values()) if (inView(d.ts)) listed.set(d.couponId, { drop: d, grants: [] });
  for (const g of grants) listed.get(g.couponId)?.grants.push(g);
  const coupons: RecapCoupon[] = [];
  for (const { drop, grants: mine } of listed.values()) {
    mine.sort((a, b) => a.at - b.at);
    let claimed = 0;
    let claimedOutSec: number | null = null;
    for (const g of mine) {
      claimed += g.qty;
      if (claimedOutSec === null && claimed >= drop.quantity) claimedOutSec = (g.at - drop.ts) / 1000;
    }
    const { couponId, title, discountFen, thresholdFen, quantity } = drop;
    coupons.push({ couponId, title, discountFen, thresholdFen, quantity, droppedAt: drop.ts, claimed, claimedOutSec });
  }
  return coupons.sort((a, b) => a.droppedAt - b.droppedAt || cmp(a.couponId, b.couponId));
}

/** How many calendar minutes, from the one starting at m0, hold an instant of the window. */
function minuteSpan(m0: number, from: number, to: number, closed: boolean): number {
  if (!closed && to <= from) return 0;
  return Math.floor((closed ? to : to - 1) / MINUTE_MS) - m0 / MINUTE_MS + 1;
}

function growViewers(p: PlatformAcc): void {
  const n = p.viewerFlags.length * 2;
  const openAt = new Float64Array(n);
  openAt.set(p.viewerOpenAt);
  p.viewerOpenAt = openAt;
  const last = new Float64Array(n);
  last.set(p.viewerLastEnter);
  p.viewerLastEnter = last;
  const flags = new Uint8Array(n);
  flags.set(p.viewerFlags);
  p.viewerFlags = flags;
}

function newPlatform(): PlatformAcc {
  return {
    orders: new Map(),
    viewerIndex: new Map(),
    viewerOpenAt: new Float64Array(256),
    viewerLastEnter: new Float64Array(256),
    viewerFlags: new Uint8Array(256),
    views: 0,
    viewers: 0,
    watchMs: 0,
    clickers: new Map(),
    hasSnap: false,
    firstSnapTs: 0,
    snapTs: 0,
    snapId: '',
    online: 0,
    onlineAcc: { integral: 0, peak: 0, atTo: 0 },
  };
}

/** (ts, platform, id) order. */
function earlier(ts: number, platform: string, id: string, ts2: number, platform2: string, id2: string): boolean {
  return ts < ts2 || (ts === ts2 && (platform < platform2 || (platform === platform2 && id < id2)));
}

/** Length in ms of [a, b) clipped to [from, to]. */
function clip(a: number, b: number, from: number, to: number): number {
  const len = Math.min(b, to) - Math.max(a, from);
  return len > 0 ? len : 0;
}

/** Folds the segment [a, b) during which online was `value` into integral, peak and value at `to`. */
function closeSegment(acc: OnlineAcc, a: number, b: number, value: number, from: number, to: number): void {
  acc.integral += value * clip(a, b, from, to);
  if (a <= to && b > from && value > acc.peak) acc.peak = value;
  if (a <= to && to < b) acc.atTo = value;
}

/** Index of the last element ≤ t in an ascending array, or -1. */
function lastAtOrBefore(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function metrics(
  paidGmvFen: number,
  refundFen: number,
  orders: number,
  buyers: number,
  units: number,
  views: number,
  viewers: number,
  watchMs: number,
  online: OnlineAcc,
  hasSnap: boolean,
  firstSnapTs: number,
  from: number,
  to: number,
): RecapMetrics {
  let avgOnline = 0;
  const s0 = Math.max(firstSnapTs, from);
  if (hasSnap && s0 <= to) avgOnline = to > s0 ? online.integral / (to - s0) : online.atTo;
  return {
    paidGmvFen,
    refundFen,
    netGmvFen: paidGmvFen - refundFen,
    orders,
    buyers,
    units,
    aovFen: ratio(paidGmvFen, buyers),
    views,
    viewers,
    peakOnline: online.peak,
    avgOnline,
    avgWatchSec: ratio(watchMs / 1000, viewers),
    conversion: ratio(buyers, viewers),
    gpmFen: ratio(paidGmvFen, views) * 1000,
  };
}
