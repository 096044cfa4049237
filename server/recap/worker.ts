// The recap worker thread: computes recaps and reports on its own read-only connection (WAL lets it
// read while the hub writes), so a cold recap of a long show never stalls ingest or screens.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { createRepository } from '../store/index.js';
import { recapFromStore } from './from-store.js';
import { reportFromStore } from './report.js';

export interface RecapJob {
  id: number;
  kind: 'recap' | 'report';
  session: number;
  now: number;
  query: { from?: number; to?: number; platform?: string };
}

const repo = createRepository(new Database((workerData as { dbFile: string }).dbFile, { readonly: true, fileMustExist: true }));
parentPort!.on('message', (job: RecapJob) => {
  try {
    const value = job.kind === 'recap' ? recapFromStore(repo, job.session, job.now, job.query) : reportFromStore(repo, job.session, job.now, job.query);
    parentPort!.postMessage({ id: job.id, ok: true, body: JSON.stringify(value) });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, ok: false, error: (err as Error).message });
  }
});
