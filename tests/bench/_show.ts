/**
 * A stored 4-hour show for the recap benchmarks: a seeded recording of `lines` events written into a
 * fresh SQLite file in roughly time order (as a live show reaches the store), with the catalog and
 * run-sheet of its skus so the recap page has titles and plans.
 */
import { RECORDING_CATALOG } from '../e2e/recap-fixture.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { makeRecording, readRecording, storedOrder } from '../support/recording.js';

export interface StoredShow {
  sessionId: number;
  events: number;
  /** Seconds spent writing the events. */
  loadSec: number;
}

export function storeShow(dbFile: string, lines = 1_000_000, hours = 4): StoredShow {
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
    for (let i = 0; i < events.length; i += 50_000) repo.transaction(() => events.slice(i, i + 50_000).forEach((e) => repo.insertEvent(sessionId, e)));
    db.pragma('synchronous = FULL');
    return { sessionId, events: repo.countEvents(sessionId), loadSec: (performance.now() - t0) / 1000 };
  } finally {
    db.close();
  }
}
