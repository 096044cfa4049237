/**
 * A studio database holding a run of finished shows for the period report: seeded recordings
 * (`makeRecording`, whose buyer ids u1…uN recur from show to show, so buyers come back), some orders
 * credited to promoters (every event of an order alike), written as a live show writes them (commits
 * of 500 events), with the catalog of their skus and promoter rules. Each show's raw events are
 * handed back for an independent computation.
 */
import { createRepository, openDb, plannedMerge } from '../../server/store/index.js';
import type { LiveEvent, SessionHeader } from '../../server/protocol/index.js';
import { RECORDING_CATALOG } from '../e2e/recap-fixture.js';
import { makeRecording, readRecording, storedOrder } from './recording.js';

/** Promoters and their rules: a percentage, a fixed fee per unit, and one with no rule. */
export const PERIOD_PROMOTERS = ['小美', '阿杰', 'Lily'] as const;
export const PERIOD_RULES = { 小美: { kind: 'percent', rate: 0.05 }, 阿杰: { kind: 'perUnit', fen: 300 } } as const;

export interface ShowSpec {
  seed: number;
  title: string;
  startedAt: number;
  /** Lines of the recording (1 % of them repeats). */
  lines: number;
  /** Default one hour. */
  durationMs?: number;
}

export interface StoredPeriodShow {
  id: number;
  title: string;
  startedAt: number;
  endedAt: number;
  /** As recorded, duplicates and all (what a test recomputes from). */
  events: LiveEvent[];
}

const hash = (s: string) => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return Math.abs(h);
};

/** The promoter an order is credited to, if any (about a third of orders). */
export function promoterOf(platform: string, orderId: string, promoters: readonly string[] = PERIOD_PROMOTERS): string | undefined {
  const h = hash(`${platform}:${orderId}`);
  return h % 3 === 0 ? promoters[Math.floor(h / 3) % promoters.length] : undefined;
}

/**
 * Writes the shows into `dbFile` (created if needed), each ended and its recap input merged as the
 * hub does when a show ends. `promoters` replaces the promoter names (a test of hostile names).
 */
export function storePeriodShows(dbFile: string, specs: readonly ShowSpec[], options: { promoters?: readonly string[]; onShow?: (n: number) => void } = {}): StoredPeriodShow[] {
  const db = openDb(dbFile, { skipIntegrityCheck: true });
  const repo = createRepository(db);
  const promoters = options.promoters ?? PERIOD_PROMOTERS;
  try {
    const now = Date.now();
    repo.transaction(() => {
      RECORDING_CATALOG.forEach((p) => repo.upsertProduct({ sku: p.sku, title: p.title, listPriceFen: p.listPriceFen }, now));
    });
    repo.setPromoterRule(promoters[0], PERIOD_RULES.小美);
    repo.setPromoterRule(promoters[1], PERIOD_RULES.阿杰);
    db.pragma('synchronous = OFF');
    const shows: StoredPeriodShow[] = [];
    for (const [n, spec] of specs.entries()) {
      const durationMs = spec.durationMs ?? 3600_000;
      const { header, events: recorded } = readRecording(makeRecording({ seed: spec.seed, lines: spec.lines, durationMs, startedAt: spec.startedAt, title: spec.title, duplicateRate: 0.01 }));
      // Event and order ids are unique per platform across the database: each show gets its own.
      const events = recorded.map((raw): LiveEvent => {
        const e = { ...raw, id: `${spec.seed}-${raw.id}` } as LiveEvent;
        if (e.type !== 'order') return e;
        const orderId = `${spec.seed}-${e.orderId}`;
        const promoter = promoterOf(e.platform, orderId, promoters);
        return promoter ? { ...e, orderId, promoter } : { ...e, orderId };
      });
      const h = header as SessionHeader;
      const id = repo.createSession(spec.title, h.startedAt!, { endedAt: h.endedAt! });
      const ordered = storedOrder(events);
      for (let i = 0; i < ordered.length; i += 500) repo.transaction(() => ordered.slice(i, i + 500).forEach((e) => repo.insertEvent(id, e)));
      const plan = plannedMerge(repo.recapInputRows(id));
      if (plan) repo.replaceRecapInput(id, plan.seqs, plan.bodies);
      shows.push({ id, title: spec.title, startedAt: h.startedAt!, endedAt: h.endedAt!, events });
      options.onShow?.(n);
    }
    db.pragma('synchronous = FULL');
    return shows;
  } finally {
    db.close();
  }
}

const local = (y: number, m: number, d: number, h = 20) => new Date(y, m - 1, d, h).getTime();

/**
 * A November of shows: one before it (Oct 28), four in it (Nov 3, 10, 17, 24), one after (Dec 2), each
 * an hour-long evening show of `lines` events (at least ~3,000 for more than viewer snapshots).
 */
export function novemberSpecs(lines = 8000): ShowSpec[] {
  return [
    { seed: 101, title: '十月尾场', startedAt: local(2026, 10, 28), lines },
    { seed: 102, title: '双十一预热', startedAt: local(2026, 11, 3), lines },
    { seed: 103, title: '双十一正场', startedAt: local(2026, 11, 10), lines },
    { seed: 104, title: '返场专场', startedAt: local(2026, 11, 17), lines },
    { seed: 105, title: '感恩节专场', startedAt: local(2026, 11, 24), lines },
    { seed: 106, title: '十二月首场', startedAt: local(2026, 12, 2), lines },
  ];
}
