/**
 * Recaps for the hub's HTTP side, computed off the hub's thread. Kept recaps of finished sessions
 * are answered at once from the store; anything else goes to a worker thread with its own read-only
 * connection, and the result is kept (under the stamp taken before computing, so events that arrive
 * meanwhile make the next request compute again). Where no worker can run (an in-memory database, a
 * bundle without the worker file) it computes in the hub's thread, as the CLI does.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Repository } from '../store/index.js';
import type { RecapQuery } from './from-store.js';
import { recapFromStore } from './from-store.js';
import { reportFromStore, type Report } from './report.js';
import type { Recap } from './types.js';
import type { RecapJob } from './worker.js';

const defaultEntry = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

export type RecapRunner = ReturnType<typeof createRecapRunner>;

export function createRecapRunner(options: { repo: Repository; dbFile: string | null; now: () => number; workerEntry?: string }) {
  const { repo, now } = options;
  const entry = options.workerEntry ?? defaultEntry;
  let worker: Worker | null = null;
  let broken = !options.dbFile || options.dbFile === ':memory:' || !fs.existsSync(entry);
  let nextId = 0;
  const pending = new Map<number, { resolve: (body: string) => void; reject: (err: Error) => void }>();

  function spawn(): Worker | null {
    if (broken) return null;
    if (worker) return worker;
    try {
      worker = new Worker(entry, { workerData: { dbFile: options.dbFile } });
    } catch {
      broken = true;
      return null;
    }
    worker.unref();
    worker.on('message', (m: { id: number; ok: boolean; body?: string; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve(m.body!);
      else p?.reject(new Error(m.error));
    });
    const fail = (err: Error) => {
      broken = true;
      worker = null;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => code !== 0 && fail(new Error(`the recap worker stopped (${code})`)));
    return worker;
  }

  async function run<T>(kind: RecapJob['kind'], which: number | 'latest', query: RecapQuery): Promise<T | null> {
    const id = which === 'latest' ? repo.latestSession()?.id : which;
    const session = id === undefined ? null : repo.session(id);
    if (!session) return null;
    const inline = () => (kind === 'recap' ? recapFromStore(repo, session.id, now(), query) : reportFromStore(repo, session.id, now(), query)) as T | null;
    const key = `${kind}:${JSON.stringify(query)}`;
    const stamp = session.endedAt === null ? null : repo.sessionStamp(session.id);
    if (stamp) {
      const hit = repo.cachedRecap(session.id, key, stamp);
      if (hit !== null) return JSON.parse(hit) as T;
    }
    const w = spawn();
    if (!w) return inline();
    let body: string;
    try {
      body = await new Promise<string>((resolve, reject) => {
        const job: RecapJob = { id: ++nextId, kind, session: session.id, now: now(), query };
        pending.set(job.id, { resolve, reject });
        w.postMessage(job);
      });
    } catch {
      return inline();
    }
    if (stamp) {
      try {
        repo.putCachedRecap(session.id, key, stamp, body);
      } catch {
        // Not kept (disk trouble): the next request computes again.
      }
    }
    return JSON.parse(body) as T;
  }

  return {
    recap: (which: number | 'latest', query: RecapQuery = {}) => run<Recap>('recap', which, query),
    report: (which: number | 'latest', query: RecapQuery = {}) => run<Report>('report', which, query),
    /** Whether recaps run in the worker thread (false: in the hub's thread). */
    get threaded(): boolean {
      return !broken;
    },
    async close(): Promise<void> {
      const w = worker;
      worker = null;
      broken = true;
      if (w) await w.terminate();
    },
  };
}
