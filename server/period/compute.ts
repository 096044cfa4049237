/**
 * The period report (月度复盘, DESIGN §12) from the kept facts of the period's shows. Pure, but for
 * one question only the store can answer — which of the period's buyers had bought before it — asked
 * through `boughtBefore` once, for every buyer at a time.
 *
 * Conventions as the recap's: money integer fen, ratios unrounded fractions (0 when dividing by 0),
 * durations in seconds.
 */
import { commissionFen, type CommissionRule } from '../recap/insights.js';
import type { PeriodQuery } from './dates.js';
import type { ShowFacts, ShowFigures } from './facts.js';

/** One show of the period: §6 figures of the whole show (on the filtered platform only, under a filter). */
export interface PeriodShow {
  sessionId: number;
  title: string;
  startedAt: number;
  /** null while the show is live. */
  endedAt: number | null;
  /** (endedAt, or now for a live show) − startedAt, in seconds. */
  liveSec: number;
  paidGmvFen: number;
  refundFen: number;
  netGmvFen: number;
  orders: number;
  units: number;
  buyers: number;
  viewers: number;
  conversion: number;
  gpmFen: number;
}

export interface PeriodTotals {
  shows: number;
  /** Σ (endedAt − startedAt) over the shows, seconds. */
  liveSec: number;
  paidGmvFen: number;
  refundFen: number;
  netGmvFen: number;
  orders: number;
  units: number;
  /** Distinct (platform, userId) with a reached-paid order in any of the period's shows. */
  buyers: number;
  /** Distinct (platform, userId) who entered any of the period's shows. */
  viewers: number;
  /** Buyers with no reached-paid order in any show started before the period: their first is in it. */
  newBuyers: number;
  /** buyers − newBuyers. */
  returningBuyers: number;
  /** Buyers with reached-paid orders in two or more of the period's shows. */
  repeatBuyers: number;
  /** repeatBuyers / buyers. */
  repeatRate: number;
  /** buyers / viewers. */
  conversion: number;
}

/** A product across the period's shows. */
export interface PeriodSku {
  sku: string;
  /** The catalog's title, or the sku. */
  title: string;
  /** In how many of the period's shows it was on air (an item window). */
  shows: number;
  /** Seconds on air, summed over the shows. */
  liveSec: number;
  /** All its reached-paid orders in the period's shows, on air or not. */
  paidGmvFen: number;
  units: number;
  orders: number;
  /** Distinct (platform, userId) among those orders. */
  buyers: number;
  /** paidGmvFen per minute on air; null when never on air. */
  gmvPerLiveMinFen: number | null;
  /** Took airtime and sold little: see {@link isLowYield}. */
  lowYield: boolean;
}

/** A promoter's statement for the period: their paid orders and what they are owed by their rule. */
export interface PeriodPromoter {
  promoter: string;
  orders: number;
  units: number;
  paidGmvFen: number;
  refundFen: number;
  /** paidGmvFen − refundFen. */
  netGmvFen: number;
  rule: CommissionRule | null;
  /** By `rule` over the period's sales (the shows' own rule: see insights `commissionFen`), unrounded. */
  commissionFen: number;
}

export interface PeriodReport {
  from: number;
  to: number;
  platform: string | null;
  /** Every platform of the period's shows (ignoring the filter), for choosing one. */
  platforms: string[];
  shows: PeriodShow[];
  totals: PeriodTotals;
  skus: PeriodSku[];
  promoters: PeriodPromoter[];
}

export interface PeriodInput {
  query: PeriodQuery;
  /** The facts of every show started in [from, to), any order. */
  shows: readonly ShowFacts[];
  /** For live shows: their liveSec runs to now. */
  now: number;
  rules: Record<string, CommissionRule>;
  titles: Record<string, string>;
  /** Of these buyers ([platform, userId]), those with a paid order in a show started before `at`. */
  boughtBefore: (buyers: [string, string][], at: number) => readonly (readonly [string, string])[];
}

/** A product takes at least this share of the period's airtime… */
export const LOW_YIELD_MIN_AIRTIME_SHARE = 0.05;
/** …and brings less than this fraction of its airtime share in GMV share: it takes airtime and sells little. */
export const LOW_YIELD_GMV_TO_AIRTIME = 0.5;

/** Whether a product took a real share of airtime (≥ 5 %) and sold under half as much as that share. */
export function isLowYield(sku: { liveSec: number; paidGmvFen: number }, all: { liveSec: number; paidGmvFen: number }): boolean {
  if (all.liveSec <= 0 || sku.liveSec <= 0) return false;
  const airShare = sku.liveSec / all.liveSec;
  if (airShare < LOW_YIELD_MIN_AIRTIME_SHARE) return false;
  const gmvShare = all.paidGmvFen > 0 ? sku.paidGmvFen / all.paidGmvFen : 0;
  return gmvShare < airShare * LOW_YIELD_GMV_TO_AIRTIME;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const ZERO: ShowFigures = { paidGmvFen: 0, refundFen: 0, netGmvFen: 0, orders: 0, buyers: 0, units: 0, views: 0, viewers: 0, conversion: 0, gpmFen: 0 };

export function computePeriod(input: PeriodInput): PeriodReport {
  const { query, now } = input;
  const only = query.platform;
  const platforms = new Set<string>();
  for (const f of input.shows) for (const p of Object.keys(f.byPlatform)) platforms.add(p);
  const inScope = (p: string) => only === undefined || p === only;
  const facts = [...input.shows]
    .filter((f) => f.startedAt >= query.from && f.startedAt < query.to && (only === undefined || only in f.byPlatform))
    .sort((a, b) => a.startedAt - b.startedAt || a.sessionId - b.sessionId);

  const shows: PeriodShow[] = facts.map((f) => {
    const m = only === undefined ? f.total : (f.byPlatform[only] ?? ZERO);
    return {
      sessionId: f.sessionId,
      title: f.title,
      startedAt: f.startedAt,
      endedAt: f.endedAt,
      liveSec: Math.max(0, (f.endedAt ?? now) - f.startedAt) / 1000,
      paidGmvFen: m.paidGmvFen,
      refundFen: m.refundFen,
      netGmvFen: m.netGmvFen,
      orders: m.orders,
      units: m.units,
      buyers: m.buyers,
      viewers: m.viewers,
      conversion: m.conversion,
      gpmFen: m.gpmFen,
    };
  });

  // People across shows, per platform (no key joining in the loops): shows bought in, and viewers.
  const showsBoughtIn = new Map<string, Map<string, number>>();
  const viewers = new Map<string, Set<string>>();
  for (const f of facts) {
    for (const [p, ids] of Object.entries(f.buyers)) {
      if (!inScope(p)) continue;
      let counts = showsBoughtIn.get(p);
      if (!counts) showsBoughtIn.set(p, (counts = new Map()));
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [p, ids] of Object.entries(f.viewers)) {
      if (!inScope(p)) continue;
      let set = viewers.get(p);
      if (!set) viewers.set(p, (set = new Set()));
      for (const id of ids) set.add(id);
    }
  }
  let buyers = 0;
  let repeatBuyers = 0;
  const everyBuyer: [string, string][] = [];
  for (const [p, counts] of showsBoughtIn) {
    buyers += counts.size;
    for (const [id, n] of counts) {
      everyBuyer.push([p, id]);
      if (n >= 2) repeatBuyers++;
    }
  }
  const returningBuyers = new Set(input.boughtBefore(everyBuyer, query.from).map(([p, id]) => `${p}\u0000${id}`)).size;
  let viewerCount = 0;
  for (const set of viewers.values()) viewerCount += set.size;

  const sum = (pick: (s: PeriodShow) => number) => shows.reduce((acc, s) => acc + pick(s), 0);
  const totals: PeriodTotals = {
    shows: shows.length,
    liveSec: sum((s) => s.liveSec),
    paidGmvFen: sum((s) => s.paidGmvFen),
    refundFen: sum((s) => s.refundFen),
    netGmvFen: sum((s) => s.netGmvFen),
    orders: sum((s) => s.orders),
    units: sum((s) => s.units),
    buyers,
    viewers: viewerCount,
    newBuyers: buyers - returningBuyers,
    returningBuyers,
    repeatBuyers,
    repeatRate: ratio(repeatBuyers, buyers),
    conversion: ratio(buyers, viewerCount),
  };

  // Products: airtime is the studio's (any platform), money and buyers the platform's.
  const skuAcc = new Map<string, { shows: number; liveSec: number; paidGmvFen: number; units: number; orders: number; buyers: Map<string, Set<string>> }>();
  const skuOf = (sku: string) => {
    let s = skuAcc.get(sku);
    if (!s) skuAcc.set(sku, (s = { shows: 0, liveSec: 0, paidGmvFen: 0, units: 0, orders: 0, buyers: new Map() }));
    return s;
  };
  for (const f of facts) {
    for (const [sku, sec] of Object.entries(f.liveSec)) {
      const s = skuOf(sku);
      s.shows++;
      s.liveSec += sec;
    }
    for (const [sku, perPlatform] of Object.entries(f.skus)) {
      for (const [p, sales] of Object.entries(perPlatform)) {
        if (!inScope(p)) continue;
        const s = skuOf(sku);
        s.paidGmvFen += sales.paidGmvFen;
        s.units += sales.units;
        s.orders += sales.orders;
        let set = s.buyers.get(p);
        if (!set) s.buyers.set(p, (set = new Set()));
        const ids = f.buyers[p];
        for (const b of sales.buyers) set.add(ids[b]);
      }
    }
  }
  const skuTotals = { liveSec: 0, paidGmvFen: 0 };
  for (const s of skuAcc.values()) {
    skuTotals.liveSec += s.liveSec;
    skuTotals.paidGmvFen += s.paidGmvFen;
  }
  const skus: PeriodSku[] = [...skuAcc]
    .map(([sku, s]) => ({
      sku,
      title: input.titles[sku] ?? sku,
      shows: s.shows,
      liveSec: s.liveSec,
      paidGmvFen: s.paidGmvFen,
      units: s.units,
      orders: s.orders,
      buyers: [...s.buyers.values()].reduce((n, set) => n + set.size, 0),
      gmvPerLiveMinFen: s.liveSec > 0 ? s.paidGmvFen / (s.liveSec / 60) : null,
      lowYield: isLowYield(s, skuTotals),
    }))
    .sort((a, b) => b.paidGmvFen - a.paidGmvFen || cmp(a.sku, b.sku));

  const promoterAcc = new Map<string, { orders: number; units: number; paidGmvFen: number; refundFen: number }>();
  for (const f of facts) {
    for (const [p, rows] of Object.entries(f.promoters)) {
      if (!inScope(p)) continue;
      for (const r of rows) {
        let acc = promoterAcc.get(r.promoter);
        if (!acc) promoterAcc.set(r.promoter, (acc = { orders: 0, units: 0, paidGmvFen: 0, refundFen: 0 }));
        acc.orders += r.orders;
        acc.units += r.units;
        acc.paidGmvFen += r.paidGmvFen;
        acc.refundFen += r.refundFen;
      }
    }
  }
  const promoters: PeriodPromoter[] = [...promoterAcc]
    .map(([promoter, a]) => {
      const rule = input.rules[promoter] ?? null;
      return { promoter, ...a, netGmvFen: a.paidGmvFen - a.refundFen, rule, commissionFen: commissionFen(rule, a) };
    })
    .sort((a, b) => b.paidGmvFen - a.paidGmvFen || cmp(a.promoter, b.promoter));

  return { from: query.from, to: query.to, platform: only ?? null, platforms: [...platforms].sort(cmp), shows, totals, skus, promoters };
}
