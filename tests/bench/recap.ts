/**
 * `npm run bench -- recap`: a 4-hour session of 1,000,000 events, stored in SQLite, recapped from the
 * store (read + parse + compute), median of 5 runs. Target ≤ 1.5 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recapFromStore } from '../../server/recap/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { makeRecording, readRecording, storedOrder } from '../support/recording.js';
import { percentile, report } from './lib.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-bench-recap-'));
try {
  const repo = createRepository(openDb(path.join(dir, 'recap.db')));
  const lines = makeRecording({ seed: 4, lines: 1_000_000, durationMs: 4 * 3600_000, duplicateRate: 0 });
  const { header, events: recorded } = readRecording(lines);
  // A live show's events reach the store roughly in time order; store them so.
  const events = storedOrder(recorded);
  const id = repo.createSession(header?.title ?? 'bench', header?.startedAt ?? events[0].ts, { endedAt: header?.endedAt ?? events[events.length - 1].ts });
  const t0 = performance.now();
  repo.db.pragma('synchronous = OFF');
  for (let i = 0; i < events.length; i += 50_000) repo.transaction(() => events.slice(i, i + 50_000).forEach((e) => repo.insertEvent(id, e)));
  const loadSec = (performance.now() - t0) / 1000;
  const stored = repo.countEvents(id);
  // Cold: computed from the stored events (the kept copy dropped before each run); warm: kept.
  const cold: number[] = [];
  for (let run = 0; run < 3; run++) {
    repo.db.prepare('DELETE FROM recap_cache').run();
    const t = performance.now();
    recapFromStore(repo, id, Date.now());
    cold.push(performance.now() - t);
  }
  const warm: number[] = [];
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    recapFromStore(repo, id, Date.now());
    warm.push(performance.now() - t);
  }
  cold.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  report('recap', {
    'events in session': stored,
    'load into SQLite, s': Number(loadSec.toFixed(1)),
    'recap cold median, ms': Math.round(percentile(cold, 50)),
    'recap kept median, ms': Math.round(percentile(warm, 50)),
  });
  repo.db.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
