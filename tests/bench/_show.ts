/**
 * A stored 4-hour show for the recap benchmarks: a seeded recording of `lines` events written into a
 * fresh SQLite file in roughly time order and in commits of `COMMIT` events (as a live show reaches
 * the store), with the catalog and run-sheet of its skus so the recap page has titles and plans.
 * With `ended`, its recap input is then merged as the hub does when a show ends.
 */
import { RECORDING_CATALOG } from '../e2e/recap-fixture.js';
import { createRepository, openDb, plannedMerge } from '../../server/store/index.js';
import { makeRecording, readRecording, storedOrder } from '../support/recording.js';

export interface StoredShow {
  sessionId: number;
  events: number;
  /** Seconds spent writing the events. */
  loadSec: number;
  /** Seconds spent merging the recap input at the show's end (0 when not `ended`). */
  mergeSec: number;
}

/** Events a commit: what the hub's ingest commits at once at a few thousand events a second. */
export const COMMIT = 500;

export function storeShow(dbFile: string, options: { lines?: number; hours?: number; ended?: boolean } = {}): StoredShow {
  const { lines = 1_000_000, hours = 4, ended = true } = options;
  const db = openDb(dbFile);
  const repo = createRepository(db);
  try {
    const { header, events: recorded } = readRecording(makeRecording({ seed: 4, lines, durationMs: hours * 3600_000, duplicateRate: 0 }));
    const events = storedOrder(recorded);
    const now = Date.now();
    repo.transaction(() => {
      RECORDING_CATALOG.forEach((p) => repo.upsertProduct({ sku: p.sku, title: p.title, listPriceFen: p.listPriceFen }, now));
      RECORDING_CATALOG.forEach((p, i) => {
        if ('plannedSec' in p) repo.insertItem({ sku: p.sku, plannedSec: p.plannedSec, sellingPoints: '', script: '', dealPreset: null }, i);
      });
    });
    const sessionId = repo.createSession(header?.title ?? '压测专场', header?.startedAt ?? events[0].ts, { endedAt: header?.endedAt ?? events[events.length - 1].ts });
    const t0 = performance.now();
    db.pragma('synchronous = OFF');
    for (let i = 0; i < events.length; i += COMMIT) repo.transaction(() => events.slice(i, i + COMMIT).forEach((e) => repo.insertEvent(sessionId, e)));
    db.pragma('synchronous = FULL');
    const loadSec = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    if (ended) {
      const plan = plannedMerge(repo.recapInputRows(sessionId));
      if (plan) repo.replaceRecapInput(sessionId, plan.seqs, plan.bodies);
    }
    return { sessionId, events: repo.countEvents(sessionId), loadSec, mergeSec: ended ? (performance.now() - t1) / 1000 : 0 };
  } finally {
    db.close();
  }
}
