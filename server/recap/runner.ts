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
import { plannedMerge, type Repository } from '../store/index.js';
import type { RecapQuery } from './from-store.js';
import { recapFromStore } from './from-store.js';
import { SCREEN_REPORT_LIMIT } from './limits.js';
import { limitReport, reportFromStore, type Report } from './report.js';
import type { Recap } from './types.js';
import type { RecapJob } from './worker.js';
import { periodFromStore, SHOW_FACTS_KEY, showFactsFromStore, type ComputedFacts, type PeriodQuery } from '../period/index.js';

const defaultEntry = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

export type RecapRunner = ReturnType<typeof createRecapRunner>;

interface Answer {
  body: string;
  limited?: string;
  merge?: { seqs: number[]; bodies: string[] } | null;
  /** Period-report facts of shows the worker computed, to keep here. */
  facts?: ComputedFacts[];
}

export function createRecapRunner(options: { repo: Repository; dbFile: string | null; now: () => number; workerEntry?: string }) {
  const { repo, now } = options;
  const entry = options.workerEntry ?? defaultEntry;
  let worker: Worker | null = null;
  let broken = !options.dbFile || options.dbFile === ':memory:' || !fs.existsSync(entry);
  let nextId = 0;
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (err: Error) => void }>();

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
    worker.on('message', (m: { id: number; ok: boolean; error?: string } & Partial<Answer>) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok)
        p?.resolve({
          body: m.body ?? '',
          ...(m.limited !== undefined ? { limited: m.limited } : {}),
          ...(m.merge !== undefined ? { merge: m.merge } : {}),
          ...(m.facts !== undefined ? { facts: m.facts } : {}),
        });
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

  /**
   * The recap or report as JSON text, kept or computed in the worker; with `limit`, the report with its
   * long lists cut (kept under its own key, so opening a big show's recap again parses kilobytes, not
   * the full report's megabytes). Text all the way, so the hub's thread neither parses nor re-serialises.
   */
  async function runJson(kind: RecapJob['kind'], which: number | 'latest', query: RecapQuery, limit?: number): Promise<string | null> {
    const id = which === 'latest' ? repo.latestSession()?.id : which;
    const session = id === undefined ? null : repo.session(id);
    if (!session) return null;
    const key = `${kind}:${JSON.stringify(query)}`;
    const limitedKey = limit === undefined ? null : `${key}:limit=${limit}`;
    const stamp = session.endedAt === null ? null : repo.sessionStamp(session.id);
    const keep = (k: string, body: string) => {
      if (!stamp) return;
      try {
        repo.putCachedRecap(session.id, k, stamp, body);
      } catch {
        // Not kept (disk trouble): the next request computes again.
      }
    };
    const cut = (full: string): string => (limit === undefined ? full : JSON.stringify(limitReport(JSON.parse(full) as Report, limit)));
    if (stamp) {
      const hit = repo.cachedRecap(session.id, limitedKey ?? key, stamp);
      if (hit !== null) return hit;
      if (limitedKey) {
        const full = repo.cachedRecap(session.id, key, stamp);
        if (full !== null) {
          const limited = cut(full);
          keep(limitedKey, limited);
          return limited;
        }
      }
    }
    const inline = (): string | null => {
      const value = kind === 'recap' ? recapFromStore(repo, session.id, now(), query) : reportFromStore(repo, session.id, now(), query);
      if (value === null) return null;
      return limit === undefined || kind === 'recap' ? JSON.stringify(value) : JSON.stringify(limitReport(value as Report, limit));
    };
    let answer: Answer;
    try {
      answer = await ask({ kind, session: session.id, now: now(), query, ...(limit !== undefined && kind === 'report' ? { limit } : {}) });
    } catch {
      return inline();
    }
    if (answer.body === 'null') return null;
    keep(key, answer.body);
    if (!limitedKey) return answer.body;
    const limited = answer.limited ?? cut(answer.body);
    keep(limitedKey, limited);
    return limited;
  }

  /** Sends a job to the worker; rejects when there is no worker or it fails. */
  function ask(job: Omit<RecapJob, 'id'>): Promise<Answer> {
    const w = spawn();
    if (!w) return Promise.reject(new Error('no recap worker'));
    return new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      w.postMessage({ ...job, id });
    });
  }

  /**
   * Merges a finished show's recap input (a chunk per commit) into a few big chunks, planned in the
   * worker and written here, so its later recaps (a time window, one platform, after a late event)
   * parse each buyer's id once. Without a worker it is all done here.
   */
  async function merge(sessionId: number): Promise<void> {
    let plan: Answer['merge'];
    try {
      plan = (await ask({ kind: 'merge', session: sessionId, now: now(), query: {} })).merge;
    } catch {
      plan = plannedMerge(repo.recapInputRows(sessionId));
    }
    if (plan) repo.replaceRecapInput(sessionId, plan.seqs, plan.bodies);
  }

  /** Keeps facts the worker computed, unless the show changed since (its stamp moved on). */
  function keepFacts(facts: readonly ComputedFacts[] | undefined): void {
    for (const f of facts ?? []) {
      try {
        if (repo.sessionStamp(f.sessionId) === f.stamp) repo.putCachedRecap(f.sessionId, SHOW_FACTS_KEY, f.stamp, f.body);
      } catch {
        // Not kept (disk trouble): the next report computes them again.
      }
    }
  }

  /**
   * The period report (DESIGN §12) of a checked query as JSON text, computed in the worker from the
   * shows' kept facts (the ones it had to compute are kept here for the next time).
   */
  async function periodJson(query: PeriodQuery): Promise<string> {
    try {
      const answer = await ask({ kind: 'period', session: 0, now: now(), query });
      keepFacts(answer.facts);
      return answer.body;
    } catch {
      return JSON.stringify(periodFromStore(repo, query, now()));
    }
  }

  /** Computes and keeps a finished show's period-report facts (when it ends, or after a late event). */
  async function keepShowFacts(sessionId: number): Promise<void> {
    try {
      keepFacts((await ask({ kind: 'facts', session: sessionId, now: now(), query: {} })).facts);
    } catch {
      showFactsFromStore(repo, sessionId, now());
    }
  }

  async function run<T>(kind: RecapJob['kind'], which: number | 'latest', query: RecapQuery): Promise<T | null> {
    const body = await runJson(kind, which, query);
    return body === null ? null : (JSON.parse(body) as T);
  }

  return {
    recap: (which: number | 'latest', query: RecapQuery = {}) => run<Recap>('recap', which, query),
    report: (which: number | 'latest', query: RecapQuery = {}) => run<Report>('report', which, query),
    /** The recap as JSON text, for sending as it is. */
    recapJson: (which: number | 'latest', query: RecapQuery = {}) => runJson('recap', which, query),
    /** The report as JSON text, its long lists cut to `limit` rows when given. */
    reportJson: (which: number | 'latest', query: RecapQuery = {}, limit?: number) => runJson('report', which, query, limit),
    periodJson,
    keepShowFacts,
    /**
     * Computes and keeps a show's recap and the recap page's report in the background (when the show
     * ends), so the team opening it afterwards gets it at once. Failures only cost the head start.
     */
    warm(sessionId: number): Promise<void> {
      return merge(sessionId)
        .catch(() => undefined)
        .then(() => runJson('recap', sessionId, {}))
        .then(() => runJson('report', sessionId, {}, SCREEN_REPORT_LIMIT))
        .then(() => keepShowFacts(sessionId))
        .then(
          () => undefined,
          () => undefined,
        );
    },
    /**
     * Starts the worker ahead of the first recap (it loads the recap code, which takes a while), so
     * the first person to open a recap does not wait for that too.
     */
    prepare(): void {
      spawn();
    },
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
