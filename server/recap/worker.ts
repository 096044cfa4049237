// The recap worker thread: computes recaps and reports on its own read-only connection (WAL lets it
// read while the hub writes), so a cold recap of a long show never stalls ingest or screens.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { createRepository, plannedMerge } from '../store/index.js';
import { periodFromStore, showFactsFromStore, type ComputedFacts } from '../period/index.js';
import { recapFromStore } from './from-store.js';
import { limitReport, reportFromStore } from './report.js';
import { RecapError } from './window.js';

export interface RecapJob {
  id: number;
  /**
   * `merge`: the session's recap input merged (see `plannedMerge`), for the hub's thread to write.
   * `facts`: the session's period-report facts; `period`: the period report of `query` (its `from`
   * and `to` given), `session` unused. Both answer the facts they computed, for the hub to keep.
   */
  kind: 'recap' | 'report' | 'merge' | 'facts' | 'period';
  session: number;
  now: number;
  query: { from?: number; to?: number; platform?: string };
  /** For a report: also answer it with its long lists cut to this many rows (`limited`). */
  limit?: number;
}

const repo = createRepository(new Database((workerData as { dbFile: string }).dbFile, { readonly: true, fileMustExist: true }));
parentPort!.on('message', (job: RecapJob) => {
  try {
    if (job.kind === 'recap') {
      parentPort!.postMessage({ id: job.id, ok: true, body: JSON.stringify(recapFromStore(repo, job.session, job.now, job.query)) });
      return;
    }
    if (job.kind === 'facts' || job.kind === 'period') {
      const facts: ComputedFacts[] = [];
      const onComputed = (c: ComputedFacts) => facts.push(c);
      const body =
        job.kind === 'facts'
          ? 'null'
          : JSON.stringify(periodFromStore(repo, { from: job.query.from!, to: job.query.to!, ...(job.query.platform ? { platform: job.query.platform } : {}) }, job.now, { onComputed }));
      if (job.kind === 'facts') showFactsFromStore(repo, job.session, job.now, { onComputed });
      parentPort!.postMessage({ id: job.id, ok: true, body, facts });
      return;
    }
    if (job.kind === 'merge') {
      parentPort!.postMessage({ id: job.id, ok: true, merge: plannedMerge(repo.recapInputRows(job.session)) });
      return;
    }
    const value = reportFromStore(repo, job.session, job.now, job.query);
    // Cut here, not in the hub's thread: parsing a 4-hour show's full report there would stall acks.
    const limited = value && job.limit !== undefined ? JSON.stringify(limitReport(value, job.limit)) : undefined;
    parentPort!.postMessage({ id: job.id, ok: true, body: JSON.stringify(value), limited });
  } catch (err) {
    // A refusal (window_too_long …) travels with its code; anything else is the hub's recap_failed.
    parentPort!.postMessage({ id: job.id, ok: false, error: (err as Error).message, ...(err instanceof RecapError ? { code: err.code } : {}) });
  }
});
