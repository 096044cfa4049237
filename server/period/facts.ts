/**
 * What one show contributes to a period report, kept per show when it ends (see from-store.ts): its
 * §6 figures in total and per platform (from its recap), and the compact sets a period needs to count
 * people across shows — buyer and viewer ids per platform, per sku the paid money and which of the
 * show's buyers bought it, per promoter what their orders made. A month is then thirty of these, not
 * thirty shows' events. Pure: the store hands in what it read.
 */
import type { LiveEvent } from '../protocol/index.js';
import { computeInsights } from '../recap/insights.js';
import type { Recap, RecapMetrics } from '../recap/types.js';

/** Bumped when the shape changes: older kept facts are then computed again. */
export const SHOW_FACTS_VERSION = 1;

/** A show's §6 figures that a period report lists or adds up. */
export type ShowFigures = Pick<RecapMetrics, 'paidGmvFen' | 'refundFen' | 'netGmvFen' | 'orders' | 'buyers' | 'units' | 'views' | 'viewers' | 'conversion' | 'gpmFen'>;

/** One sku's paid orders on one platform in one show. */
export interface SkuSales {
  paidGmvFen: number;
  units: number;
  orders: number;
  /** Indexes into the show's `buyers[platform]`. */
  buyers: number[];
}

/** A promoter's paid orders on one platform in one show, as the show's promoter table counts them. */
export interface PromoterSales {
  promoter: string;
  orders: number;
  units: number;
  paidGmvFen: number;
  refundFen: number;
}

export interface ShowFacts {
  version: number;
  sessionId: number;
  title: string;
  startedAt: number;
  /** null while the show is live. */
  endedAt: number | null;
  total: ShowFigures;
  byPlatform: Record<string, ShowFigures>;
  /** Distinct buyer ids per platform (reached-paid orders). */
  buyers: Record<string, string[]>;
  /** Distinct viewer ids per platform (`viewer.enter` in the show's recap window). */
  viewers: Record<string, string[]>;
  /** Seconds on air per sku, the recap's item live time. */
  liveSec: Record<string, number>;
  /** Per sku, per platform. */
  skus: Record<string, Record<string, SkuSales>>;
  /** Per platform. */
  promoters: Record<string, PromoterSales[]>;
}

/** A reached-paid order as the store's orders table folds it. */
export interface PaidOrder {
  platform: string;
  userId: string;
  sku: string;
  qty: number;
  amountFen: number;
}

export interface ShowFactsInput {
  session: { id: number; title: string; startedAt: number; endedAt: number | null };
  /** The whole show's recap. */
  recap: Recap;
  /** The show's recap input events (ts order); only `viewer.enter` is read. */
  events: Iterable<LiveEvent>;
  /** The show's reached-paid orders. */
  paidOrders: Iterable<PaidOrder>;
  /** The show's order events with their bodies (promoters), for the promoter table's own count. */
  orderEvents: readonly LiveEvent[];
}

export function figuresOf(m: RecapMetrics): ShowFigures {
  return {
    paidGmvFen: m.paidGmvFen,
    refundFen: m.refundFen,
    netGmvFen: m.netGmvFen,
    orders: m.orders,
    buyers: m.buyers,
    units: m.units,
    views: m.views,
    viewers: m.viewers,
    conversion: m.conversion,
    gpmFen: m.gpmFen,
  };
}

export function computeShowFacts(input: ShowFactsInput): ShowFacts {
  const { recap, session } = input;

  const viewerSets = new Map<string, Set<string>>();
  for (const e of input.events) {
    // The whole-show recap's window, [from, to] with `to` the show's end (watching stops there): the
    // enters its viewers count, so a show's viewers here are its recap's.
    if (e.type !== 'viewer.enter' || e.ts < recap.from || e.ts > recap.to) continue;
    let set = viewerSets.get(e.platform);
    if (!set) viewerSets.set(e.platform, (set = new Set()));
    set.add(e.userId);
  }

  const buyerIndex = new Map<string, Map<string, number>>();
  // Keyed by names from outside (platforms, skus): objects without a prototype, so `__proto__` is a key like any other.
  const buyers = Object.create(null) as Record<string, string[]>;
  const skus = Object.create(null) as Record<string, Record<string, SkuSales>>;
  const skuBuyers = new Map<SkuSales, Set<number>>();
  for (const o of input.paidOrders) {
    let index = buyerIndex.get(o.platform);
    if (!index) {
      buyerIndex.set(o.platform, (index = new Map()));
      buyers[o.platform] = [];
    }
    let b = index.get(o.userId);
    if (b === undefined) {
      index.set(o.userId, (b = index.size));
      buyers[o.platform].push(o.userId);
    }
    const perPlatform = (skus[o.sku] ??= Object.create(null) as Record<string, SkuSales>);
    let s = perPlatform[o.platform];
    if (!s) skuBuyers.set((s = perPlatform[o.platform] = { paidGmvFen: 0, units: 0, orders: 0, buyers: [] }), new Set());
    s.paidGmvFen += o.amountFen;
    s.units += o.qty;
    s.orders++;
    skuBuyers.get(s)!.add(b);
  }
  for (const [s, set] of skuBuyers) s.buyers = [...set];

  // The promoter table of the show's recap, platform by platform (its rows, not a second count).
  const orderEventsOf = new Map<string, LiveEvent[]>();
  for (const e of input.orderEvents) {
    if (e.type !== 'order') continue;
    let list = orderEventsOf.get(e.platform);
    if (!list) orderEventsOf.set(e.platform, (list = []));
    list.push(e);
  }
  const promoters = Object.create(null) as Record<string, PromoterSales[]>;
  for (const [platform, events] of orderEventsOf) {
    const rows = computeInsights({ events, answered: new Set(), topKeywords: 0 }).promoters;
    if (rows.length) promoters[platform] = rows.map((r) => ({ promoter: r.promoter, orders: r.orders, units: r.units, paidGmvFen: r.paidGmvFen, refundFen: r.refundFen }));
  }

  const liveSec = Object.create(null) as Record<string, number>;
  for (const item of recap.items) if (item.liveSec > 0) liveSec[item.sku] = item.liveSec;

  return {
    version: SHOW_FACTS_VERSION,
    sessionId: session.id,
    title: session.title,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    total: figuresOf(recap),
    byPlatform: Object.fromEntries(Object.entries(recap.byPlatform).map(([p, m]) => [p, figuresOf(m)])),
    // Spread back into plain objects: spreading defines own keys, `__proto__` included.
    buyers: { ...buyers },
    viewers: Object.fromEntries([...viewerSets].map(([p, set]) => [p, [...set]])),
    liveSec: { ...liveSec },
    skus: Object.fromEntries(Object.entries(skus).map(([sku, perPlatform]) => [sku, { ...perPlatform }])),
    promoters: { ...promoters },
  };
}
