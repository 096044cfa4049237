/**
 * The test oracle: DESIGN §6 (with the edge rules written on server/recap/types.ts) implemented a
 * second time, on purpose naively and in a different shape from server/recap/compute.ts — it takes
 * raw recorded events (duplicates, any order), dedupes and sorts them itself, and answers each metric
 * by filtering and reducing arrays, evaluating online(t) wherever it is needed. Slow, and meant to be
 * obviously right. It imports nothing from server/recap (nor server/rules) but the result type.
 *
 * Session end: watching (views, online, watch time, item windows, clicks, markers) stops at the
 * session's end; orders, partial refunds (`refundFen`, the largest seen) and late refunds always count.
 * A window asked to end at or after the session's end ends there, closed, like the whole show.
 *
 * Coupons: each couponId's first drop in view, with every grant of the mall's log that names it.
 */
import type { LiveEvent, Marker } from '../../server/protocol/index.js';
import type { Recap, RecapCoupon, RecapDeal, RecapItem, RecapMetrics, RecapMinute } from '../../server/recap/types.js';

export interface ReferenceInput {
  session: { id: number; title: string; startedAt: number; endAt: number };
  /** As recorded: duplicates allowed, any order. */
  events: readonly LiveEvent[];
  /** The mall's grant log rows for coupons: who got how many, when. */
  couponGrants?: readonly { couponId: string; qty: number; at: number }[];
  from?: number;
  to?: number;
  platform?: string;
}

type Of<T extends LiveEvent['type']> = Extract<LiveEvent, { type: T }>;

interface Order {
  platform: string;
  orderId: string;
  time: number;
  userId: string;
  sku: string;
  qty: number;
  amountFen: number;
  finalStatus: string;
  /** What it counts as refunded: all of it when refunded, else the largest partial refund seen. */
  refundedFen: number;
  reachedPaid: boolean;
  paidAt: number;
  dealId: string | undefined;
}

const MINUTE = 60_000;
const CONTROL = ['item.live', 'deal.started', 'deal.ended', 'coupon.started', 'coupon.ended'];
const RANK: Record<string, number> = { created: 0, paid: 1, cancelled: 2, refunded: 3 };

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const distinct = (xs: string[]) => new Set(xs).size;
const divide = (a: number, b: number) => (b === 0 ? 0 : a / b);
const who = (platform: string, userId: string) => JSON.stringify([platform, userId]);

export function referenceRecap(input: ReferenceInput): Recap {
  // The store's two steps, done here independently.
  const unique = new Map<string, LiveEvent>();
  for (const e of input.events) {
    const key = who(e.platform, e.id);
    if (!unique.has(key)) unique.set(key, e);
  }
  const all = [...unique.values()].sort((a, b) => a.ts - b.ts);

  const { session } = input;
  const closed = input.to === undefined || input.to >= session.endAt;
  const allTs = all.map((e) => e.ts);
  const from = input.from ?? Math.min(session.startedAt, ...(allTs.length ? [allTs[0]] : []));
  const to = Math.max(closed ? session.endAt : input.to!, from);
  // Session end: watching stops at the session's end even when the window goes on; orders do not.
  const watchEnd = Math.max(Math.min(to, session.endAt), from);
  const watchedAt = (t: number) => from <= t && (closed || watchEnd < to ? t <= watchEnd : t < watchEnd);
  const within = (t: number) => from <= t && (closed || t < to);
  const overlapMs = (a: number, b: number) => Math.max(0, Math.min(b, watchEnd) - Math.max(a, from));

  const events = all.filter((e) => input.platform === undefined || CONTROL.includes(e.type) || e.platform === input.platform);
  const ofType = <T extends LiveEvent['type']>(type: T) => events.filter((e): e is Of<T> => e.type === type);
  const platforms = [...new Set(events.filter((e) => !CONTROL.includes(e.type)).map((e) => e.platform))].sort(byString);

  // Orders, each from all its events.
  const groups = new Map<string, Of<'order'>[]>();
  for (const e of ofType('order')) {
    const key = who(e.platform, e.orderId);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(e);
  }
  const orders: Order[] = [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => a.ts - b.ts || byString(a.id, b.id));
    const first = sorted[0];
    const payments = sorted.filter((e) => e.status === 'paid' || e.status === 'refunded');
    const finalStatus = sorted.map((e) => e.status).reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
    const reachedPaid = payments.length > 0;
    const partial = Math.max(0, ...sorted.map((e) => e.refundFen ?? 0));
    return {
      platform: first.platform,
      orderId: first.orderId,
      time: first.ts,
      userId: first.userId,
      sku: first.sku,
      qty: first.qty,
      amountFen: first.amountFen,
      finalStatus,
      refundedFen: !reachedPaid ? 0 : finalStatus === 'refunded' ? first.amountFen : partial,
      reachedPaid,
      paidAt: Math.min(...payments.map((e) => e.ts)),
      dealId: sorted.find((e) => e.dealId)?.dealId,
    };
  });
  const ordersInWindow = orders.filter((o) => within(o.time));
  const sold = ordersInWindow.filter((o) => o.reachedPaid);

  // Online: each platform's snapshots, latest last (same ts: greatest id last).
  const snapshots = new Map<string, Of<'viewer.snapshot'>[]>();
  for (const p of platforms) {
    snapshots.set(
      p,
      ofType('viewer.snapshot')
        .filter((e) => e.platform === p)
        .sort((a, b) => a.ts - b.ts || byString(a.id, b.id)),
    );
  }
  const onlineOf = (p: string, t: number): number => {
    const list = snapshots.get(p)!;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].ts <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : list[lo - 1].online;
  };

  const metricsOf = (scope: string[]): RecapMetrics => {
    const mine = (p: string) => scope.includes(p);
    const paid = sold.filter((o) => mine(o.platform));
    const paidGmvFen = sum(paid.map((o) => o.amountFen));
    const refundFen = sum(paid.map((o) => o.refundedFen));
    const buyers = distinct(paid.map((o) => who(o.platform, o.userId)));
    const enters = ofType('viewer.enter').filter((e) => mine(e.platform) && watchedAt(e.ts));
    const views = enters.length;
    const viewers = distinct(enters.map((e) => who(e.platform, e.userId)));

    const online = (t: number) => sum(scope.map((p) => onlineOf(p, t)));
    const snapTimes = [...new Set(scope.flatMap((p) => snapshots.get(p)!.map((e) => e.ts)))].sort((a, b) => a - b);
    const peakOnline = Math.max(online(from), ...snapTimes.filter((t) => t >= from && t <= watchEnd).map(online));
    let avgOnline = 0;
    if (snapTimes.length && Math.max(snapTimes[0], from) <= watchEnd) {
      const s0 = Math.max(snapTimes[0], from);
      if (s0 === watchEnd) avgOnline = online(s0);
      else {
        const cuts = [s0, ...snapTimes.filter((t) => t > s0 && t < watchEnd), watchEnd];
        let integral = 0;
        for (let i = 0; i + 1 < cuts.length; i++) integral += online(cuts[i]) * (cuts[i + 1] - cuts[i]);
        avgOnline = integral / (watchEnd - s0);
      }
    }

    // Watch time: each viewer's comings and goings; at one ms a leave is taken before an enter.
    const moves = events.filter((e): e is Of<'viewer.enter'> | Of<'viewer.leave'> => (e.type === 'viewer.enter' || e.type === 'viewer.leave') && mine(e.platform));
    const perViewer = new Map<string, (Of<'viewer.enter'> | Of<'viewer.leave'>)[]>();
    for (const e of moves) {
      const key = who(e.platform, e.userId);
      if (!perViewer.has(key)) perViewer.set(key, []);
      perViewer.get(key)!.push(e);
    }
    let watchedMs = 0;
    for (const list of perViewer.values()) {
      list.sort((a, b) => a.ts - b.ts || (a.type === b.type ? 0 : a.type === 'viewer.leave' ? -1 : 1));
      let openedAt: number | null = null;
      for (const e of list) {
        if (e.type === 'viewer.enter' && openedAt === null) openedAt = e.ts;
        else if (e.type === 'viewer.leave' && openedAt !== null) {
          watchedMs += overlapMs(openedAt, e.ts);
          openedAt = null;
        }
      }
      if (openedAt !== null) watchedMs += overlapMs(openedAt, watchEnd);
    }

    return {
      paidGmvFen,
      refundFen,
      netGmvFen: paidGmvFen - refundFen,
      orders: paid.length,
      buyers,
      units: sum(paid.map((o) => o.qty)),
      aovFen: divide(paidGmvFen, buyers),
      views,
      viewers,
      peakOnline,
      avgOnline,
      avgWatchSec: divide(watchedMs / 1000, viewers),
      conversion: divide(buyers, viewers),
      gpmFen: divide(paidGmvFen, views) * 1000,
    };
  };

  const totals = metricsOf(platforms);
  const byPlatform = Object.fromEntries(platforms.map((p) => [p, metricsOf([p])]));

  // Item windows, in (ts, platform, id) order; the last one runs to the end.
  const lives = ofType('item.live').sort((a, b) => a.ts - b.ts || byString(a.platform, b.platform) || byString(a.id, b.id));
  const windows = lives.map((e, i) => ({ sku: e.sku, start: e.ts, end: i + 1 < lives.length ? lives[i + 1].ts : Infinity }));
  const clicks = ofType('product.click').filter((e) => watchedAt(e.ts));
  const onAir = windows.filter((w) => Math.max(w.start, from) < w.end && watchedAt(Math.max(w.start, from)));
  const skus = [...new Set([...onAir.map((w) => w.sku), ...ordersInWindow.map((o) => o.sku), ...clicks.map((e) => e.sku)])];
  const items: RecapItem[] = skus.map((sku) => {
    const skuSold = sold.filter((o) => o.sku === sku);
    const duringWindows = skuSold.filter((o) => o.time <= watchEnd && windows.some((w) => w.sku === sku && w.start <= o.time && o.time < w.end));
    const clickers = distinct(clicks.filter((e) => e.sku === sku).map((e) => who(e.platform, e.userId)));
    const buyers = distinct(skuSold.map((o) => who(o.platform, o.userId)));
    return {
      sku,
      windowGmvFen: sum(duringWindows.map((o) => o.amountFen)),
      paidGmvFen: sum(skuSold.map((o) => o.amountFen)),
      refundFen: sum(skuSold.map((o) => o.refundedFen)),
      units: sum(skuSold.map((o) => o.qty)),
      orders: skuSold.length,
      buyers,
      clickers,
      ctr: divide(clickers, totals.viewers),
      clickToBuy: divide(buyers, clickers),
      liveSec: sum(windows.filter((w) => w.sku === sku).map((w) => overlapMs(w.start, w.end))) / 1000,
    };
  });
  items.sort((a, b) => b.paidGmvFen - a.paidGmvFen || byString(a.sku, b.sku));

  // Deals: the first deal.started of each dealId.
  const starts = ofType('deal.started').sort((a, b) => a.ts - b.ts || byString(a.platform, b.platform) || byString(a.id, b.id));
  const firstStarts = starts.filter((e, i) => starts.findIndex((s) => s.dealId === e.dealId) === i);
  const deals: RecapDeal[] = firstStarts
    .filter((s) => watchedAt(s.ts))
    .map((s) => {
      const dealOrders = sold.filter((o) => o.dealId === s.dealId).sort((a, b) => a.paidAt - b.paidAt || byString(a.platform, b.platform) || byString(a.orderId, b.orderId));
      const running = dealOrders.map((_, i) => sum(dealOrders.slice(0, i + 1).map((o) => o.qty)));
      const sellOut = running.findIndex((units) => units >= s.stock);
      return {
        dealId: s.dealId,
        sku: s.sku,
        priceFen: s.priceFen ?? null,
        stock: s.stock,
        startedAt: s.ts,
        sold: sum(dealOrders.map((o) => o.qty)),
        sellOutSec: sellOut < 0 ? null : (dealOrders[sellOut].paidAt - s.ts) / 1000,
        paidGmvFen: sum(dealOrders.map((o) => o.amountFen)),
        refundFen: sum(dealOrders.map((o) => o.refundedFen)),
      };
    })
    .sort((a, b) => a.startedAt - b.startedAt || byString(a.dealId, b.dealId));

  // Coupons: the first coupon.started of each couponId, if it was dropped while the window watched.
  const drops = ofType('coupon.started').sort((a, b) => a.ts - b.ts || byString(a.platform, b.platform) || byString(a.id, b.id));
  const firstDrops = drops.filter((e, i) => drops.findIndex((d) => d.couponId === e.couponId) === i && watchedAt(e.ts));
  const coupons: RecapCoupon[] = firstDrops
    .map((d) => {
      const grants = (input.couponGrants ?? []).filter((g) => g.couponId === d.couponId).sort((a, b) => a.at - b.at);
      const claimedBy = grants.map((_, i) => sum(grants.slice(0, i + 1).map((g) => g.qty)));
      const allGone = claimedBy.findIndex((n) => n >= d.quantity);
      return {
        couponId: d.couponId,
        title: d.title,
        discountFen: d.discountFen,
        thresholdFen: d.thresholdFen ?? 0,
        quantity: d.quantity,
        droppedAt: d.ts,
        claimed: sum(grants.map((g) => g.qty)),
        claimedOutSec: allGone < 0 ? null : (grants[allGone].at - d.ts) / 1000,
      };
    })
    .sort((a, b) => a.droppedAt - b.droppedAt || byString(a.couponId, b.couponId));

  // Minutes: everything in the window, filed under the minute it happened in.
  const firstMinute = Math.floor(from / MINUTE) * MINUTE;
  const lastInstant = closed ? to : to - 1;
  const filed = new Map<number, { time: number; kind: string; order?: Order }[]>();
  const file = (time: number, kind: string, order?: Order) => {
    if (order ? !within(time) : !watchedAt(time)) return;
    // A late order (placed after the end) goes in the last minute.
    const m = Math.min(Math.floor(time / MINUTE) * MINUTE, Math.floor(lastInstant / MINUTE) * MINUTE);
    if (!filed.has(m)) filed.set(m, []);
    filed.get(m)!.push({ time, kind, order });
  };
  for (const o of sold) file(o.time, 'sold', o);
  for (const e of events) if (e.type === 'comment' || e.type === 'viewer.enter' || e.type === 'product.click') file(e.ts, e.type);
  const minutes: RecapMinute[] = [];
  if (closed || to > from) {
    for (let m = firstMinute; m <= lastInstant; m += MINUTE) {
      const here = filed.get(m) ?? [];
      const minuteSold = here.flatMap((x) => (x.order ? [x.order] : []));
      minutes.push({
        minute: m,
        gmvFen: sum(minuteSold.map((o) => o.amountFen)),
        orders: minuteSold.length,
        units: sum(minuteSold.map((o) => o.qty)),
        comments: here.filter((x) => x.kind === 'comment').length,
        online: sum(platforms.map((p) => onlineOf(p, Math.min(m + MINUTE - 1, watchEnd)))),
        enters: here.filter((x) => x.kind === 'viewer.enter').length,
        clicks: here.filter((x) => x.kind === 'product.click').length,
      });
    }
  }

  const markers: Marker[] = [
    ...lives.filter((e) => watchedAt(e.ts)).map((e): Marker => ({ ts: e.ts, kind: 'item', label: e.sku })),
    ...firstStarts.filter((e) => watchedAt(e.ts)).map((e): Marker => ({ ts: e.ts, kind: 'deal', label: e.sku })),
    ...firstDrops.map((e): Marker => ({ ts: e.ts, kind: 'coupon', label: e.title })),
    ...ofType('stream.gap')
      .filter((e) => watchedAt(e.fromTs))
      .map((e): Marker => ({ ts: e.fromTs, kind: 'gap', label: `${e.platform} ${(e.toTs - e.fromTs) / 1000}s` })),
  ].sort((a, b) => a.ts - b.ts || byString(a.kind, b.kind) || byString(a.label, b.label));

  return {
    sessionId: session.id,
    title: session.title,
    startedAt: session.startedAt,
    endAt: session.endAt,
    from,
    to,
    platform: input.platform ?? null,
    ...totals,
    byPlatform,
    items,
    deals,
    coupons,
    minutes,
    markers,
  };
}
