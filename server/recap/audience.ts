/**
 * Buyers across sessions: who is new and who came back, and RFM segments (recency, frequency,
 * monetary) over every session in the database up to a moment. Pure over plain order rows.
 */

/** One reached-paid order, as the store keeps it. */
export interface PaidOrderRow {
  platform: string;
  userId: string;
  sessionId: number;
  /** When the order's session started (orders of earlier sessions make a buyer returning). */
  sessionStartedAt: number;
  ts: number;
  amountFen: number;
}

export type RfmSegment = 'champion' | 'promising' | 'loyal_at_risk' | 'big_spender_lost' | 'regular' | 'new_small' | 'loyal_small' | 'lost';

/** 中文 names used by Chinese CRM tools for the eight R/F/M high-low combinations. */
export const RFM_LABELS_ZH: Record<RfmSegment, string> = {
  champion: '重要价值客户',
  promising: '重要发展客户',
  loyal_at_risk: '重要保持客户',
  big_spender_lost: '重要挽留客户',
  regular: '一般价值客户',
  new_small: '一般发展客户',
  loyal_small: '一般保持客户',
  lost: '一般挽留客户',
};

/** The same segments in English, for exports read in English (the UI's own words are its i18n). */
export const RFM_LABELS_EN: Record<RfmSegment, string> = {
  champion: 'Champions',
  promising: 'Promising big spenders',
  loyal_at_risk: 'Loyal, at risk',
  big_spender_lost: 'Big spenders to win back',
  regular: 'Regulars',
  new_small: 'New, small',
  loyal_small: 'Loyal, small',
  lost: 'Lost',
};

export interface BuyerRfm {
  platform: string;
  userId: string;
  recencyDays: number;
  frequency: number;
  monetaryFen: number;
  segment: RfmSegment;
  /** Bought in an earlier session too. */
  returning: boolean;
}

export interface Audience {
  /** This session's buyers with no paid order in an earlier session. */
  newBuyers: number;
  /** This session's buyers who had bought in an earlier session. */
  returningBuyers: number;
  /** Buyers per segment, over every buyer known at `asOf`. */
  segments: Record<RfmSegment, number>;
  /** This session's buyers with their RFM values and segment. */
  buyers: BuyerRfm[];
}

const DAY = 86_400_000;

/**
 * R is high when the days since the last order are at most the mean over all buyers, F when the
 * order count is at least the mean, M when the paid amount is at least the mean (the usual mean
 * split of Chinese CRM practice).
 */
export function segmentOf(highR: boolean, highF: boolean, highM: boolean): RfmSegment {
  if (highM) return highR ? (highF ? 'champion' : 'promising') : highF ? 'loyal_at_risk' : 'big_spender_lost';
  return highR ? (highF ? 'regular' : 'new_small') : highF ? 'loyal_small' : 'lost';
}

export function computeAudience(orders: readonly PaidOrderRow[], session: { id: number; startedAt: number }, asOf: number): Audience {
  const all = new Map<string, { platform: string; userId: string; last: number; n: number; fen: number; before: boolean; here: boolean }>();
  for (const o of orders) {
    if (o.ts > asOf) continue;
    const key = `${o.platform}\u0000${o.userId}`;
    let b = all.get(key);
    if (!b) all.set(key, (b = { platform: o.platform, userId: o.userId, last: 0, n: 0, fen: 0, before: false, here: false }));
    b.last = Math.max(b.last, o.ts);
    b.n++;
    b.fen += o.amountFen;
    if (o.sessionId === session.id) b.here = true;
    else if (o.sessionStartedAt < session.startedAt) b.before = true;
  }
  const list = [...all.values()];
  const mean = (f: (b: (typeof list)[number]) => number) => (list.length ? list.reduce((a, b) => a + f(b), 0) / list.length : 0);
  const meanR = mean((b) => (asOf - b.last) / DAY);
  const meanF = mean((b) => b.n);
  const meanM = mean((b) => b.fen);
  const segments = Object.fromEntries(Object.keys(RFM_LABELS_ZH).map((k) => [k, 0])) as Record<RfmSegment, number>;
  const buyers: BuyerRfm[] = [];
  let newBuyers = 0;
  let returningBuyers = 0;
  for (const b of list) {
    const recencyDays = (asOf - b.last) / DAY;
    const segment = segmentOf(recencyDays <= meanR, b.n >= meanF, b.fen >= meanM);
    segments[segment]++;
    if (!b.here) continue;
    if (b.before) returningBuyers++;
    else newBuyers++;
    buyers.push({ platform: b.platform, userId: b.userId, recencyDays, frequency: b.n, monetaryFen: b.fen, segment, returning: b.before });
  }
  buyers.sort((a, b) => b.monetaryFen - a.monetaryFen || (a.userId < b.userId ? -1 : 1));
  return { newBuyers, returningBuyers, segments, buyers };
}
