/**
 * `npm run bench -- recap`: a 4-hour session of 1,000,000 events stored in SQLite as a live show
 * stores it (see _show.ts), recapped from the store (read + parse + compute). Cold: the kept copy
 * dropped before each run, median of 5 — first as the show was written live (a recap input chunk per
 * commit), then after the merge the hub does when the show ends. Kept: median of 5. Target ≤ 1.5 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recapFromStore } from '../../server/recap/index.js';
import { createRepository, openDb, plannedMerge, type Repository } from '../../server/store/index.js';
import { storeShow } from './_show.js';
import { percentile, report } from './lib.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-bench-recap-'));
try {
  const dbFile = path.join(dir, 'recap.db');
  const show = storeShow(dbFile, { ended: false });
  const repo = createRepository(openDb(dbFile, { skipIntegrityCheck: true }));
  const median = (runs: number, fn: () => void): number => {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const t = performance.now();
      fn();
      times.push(performance.now() - t);
    }
    return Math.round(
      percentile(
        times.sort((a, b) => a - b),
        50,
      ),
    );
  };
  const cold = (r: Repository) => () => {
    r.db.prepare('DELETE FROM recap_cache').run();
    recapFromStore(r, show.sessionId, Date.now());
  };
  const chunksAsLive = repo.recapInputRows(show.sessionId).length;
  const asLive = median(5, cold(repo));
  // Planned in the recap worker, written in the hub's thread (which holds acks meanwhile).
  const t = performance.now();
  const plan = plannedMerge(repo.recapInputRows(show.sessionId));
  const planMs = performance.now() - t;
  const t2 = performance.now();
  if (plan) repo.replaceRecapInput(show.sessionId, plan.seqs, plan.bodies);
  const writeMs = performance.now() - t2;
  const ended = median(5, cold(repo));
  const kept = median(5, () => recapFromStore(repo, show.sessionId, Date.now()));
  report('recap', {
    'events in session': show.events,
    'load into SQLite, s': Number(show.loadSec.toFixed(1)),
    'recap input chunks as written live': chunksAsLive,
    'recap cold as written live, ms': asLive,
    'merge at show end: plan (worker), ms': Math.round(planMs),
    'merge at show end: write (hub thread), ms': Math.round(writeMs),
    'recap cold median, ms': ended,
    'recap kept median, ms': kept,
  });
  repo.db.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
