/**
 * Recaps for the hub's HTTP side, computed off the hub's thread. Kept recaps of finished sessions
 * are answered at once from the store; anything else goes to a worker thread with its own read-only
 * connection, and the result is kept (under the stamp taken before computing, so events that arrive
 * meanwhile make the next request compute again). Where no worker can run (an in-memory database, a
 * bundle without the worker file) it computes in the hub's thread, as the CLI does.
 *
 * Hostile windows: every window is made canonical first (server/recap/window.ts) — clamped to the show,
 * rounded to the minute, refused `invalid_window` or `window_too_long` — and the worker has a heap limit
 * and a deadline; a job that dies there is answered `recap_failed` and logged, never run again here.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { plannedMerge, type Repository } from '../store/index.js';
import type { RecapQuery } from './from-store.js';
import { recapFromStore } from './from-store.js';
import { SCREEN_REPORT_LIMIT } from './limits.js';
import { canonicalWindow, RecapError, type RecapErrorCode } from './window.js';
import { limitReport, reportFromStore, type Report } from './report.js';
import type { Recap } from './types.js';
import type { RecapJob } from './worker.js';
import { periodFromStore, SHOW_FACTS_KEY, showFactsFromStore, type ComputedFacts, type PeriodQuery } from '../period/index.js';

const defaultEntry = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

export type RecapRunner = ReturnType<typeof createRecapRunner>;

/** A kept or computable report, for a job worker to read itself (see `reportSource`). */
export interface ReportSource {
  dbFile: string;
  sessionId: number;
  query: RecapQuery;
  key: string;
  /** The stamp it is kept under; null for a live show (never kept: computed). */
  stamp: string | null;
  now: number;
}

interface Answer {
  body: string;
  limited?: string;
  merge?: { seqs: number[]; bodies: string[] } | null;
  /** Period-report facts of shows the worker computed, to keep here. */
  facts?: ComputedFacts[];
}

export interface RecapRunnerOptions {
  repo: Repository;
  dbFile: string | null;
  now: () => number;
  workerEntry?: string;
  /** Old-generation heap of the recap worker (MB, default 2048): a job past it ends `recap_failed`. */
  maxHeapMb?: number;
  /** How long a job may wait and run before its worker is stopped (ms, default 180 s). */
  timeoutMs?: number;
  /** Where a job that failed is reported (default console.warn). */
  log?: (line: string) => void;
}

export function createRecapRunner(options: RecapRunnerOptions) {
  const { repo, now } = options;
  const entry = options.workerEntry ?? defaultEntry;
  const log = options.log ?? ((line: string) => console.warn(line));
  const maxHeapMb = options.maxHeapMb ?? 2048;
  const timeoutMs = options.timeoutMs ?? 180_000;
  /**
   * Whether recaps run in a worker. Decided once, by configuration (an in-memory database or a bundle
   * without the worker file computes here, as the CLI does), never by a failure: a job that died in
   * the worker is answered `recap_failed`, not run again on the hub's thread, where the same job
   * would take acks, claims and /health down with it.
   */
  const threaded = !!options.dbFile && options.dbFile !== ':memory:' && fs.existsSync(entry);
  let closed = false;
  let worker: Worker | null = null;
  let nextId = 0;
  let failures = 0;
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  /** Recaps being computed, by session, key and stamp (see runJson). */
  const inflight = new Map<string, Promise<string | null>>();

  const failAll = (w: Worker, why: string) => {
    if (worker === w) worker = null;
    if (pending.size) {
      failures++;
      log(`recap worker: ${why}; ${pending.size} recap job(s) answered recap_failed (not retried on the hub's thread)`);
    }
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RecapError('recap_failed', `The recap could not be computed: ${why}. The hub keeps running; try a shorter window.`));
    }
    pending.clear();
  };

  function spawn(): Worker {
    if (worker) return worker;
    const w = new Worker(entry, {
      workerData: { dbFile: options.dbFile },
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 64 },
    });
    worker = w;
    w.unref();
    w.on('message', (m: { id: number; ok: boolean; error?: string; code?: RecapErrorCode } & Partial<Answer>) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok)
        p.resolve({
          body: m.body ?? '',
          ...(m.limited !== undefined ? { limited: m.limited } : {}),
          ...(m.merge !== undefined ? { merge: m.merge } : {}),
          ...(m.facts !== undefined ? { facts: m.facts } : {}),
        });
      else {
        if (!m.code) log(`recap worker: a job failed: ${m.error ?? 'unknown error'}`);
        p.reject(new RecapError(m.code ?? 'recap_failed', m.code ? (m.error ?? '') : `The recap could not be computed: ${m.error ?? 'unknown error'}.`));
      }
    });
    w.on('error', (err: Error & { code?: string }) => failAll(w, err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `it ran out of its ${maxHeapMb} MB and was stopped` : `it crashed (${err.message})`));
    // The next job starts a fresh worker.
    w.on('exit', (code) => failAll(w, `it stopped (${code})`));
    return w;
  }

  /**
   * The recap or report as JSON text, kept or computed in the worker; with `limit`, the report with its
   * long lists cut (kept under its own key, so opening a big show's recap again parses kilobytes, not
   * the full report's megabytes). Text all the way, so the hub's thread neither parses nor re-serialises.
   */
  /**
   * Where an export job finds a session's full report for a window without the hub's thread touching
   * it (a big show's report is megabytes: reading, copying and posting it here stalls acks for
   * hundreds of ms): the database file, the canonical window, and the key and stamp it is kept under.
   * Null for no such session; throws invalid_window / window_too_long like a recap.
   */
  function reportSource(which: number | 'latest', asked: RecapQuery): ReportSource | null {
    const id = which === 'latest' ? repo.latestSession()?.id : which;
    const session = id === undefined ? null : repo.session(id);
    if (!session || !threaded) return null;
    const startedAt = Math.min(session.startedAt, repo.firstEventTs(session.id) ?? session.startedAt);
    const query = canonicalWindow(asked, { startedAt, endAt: session.endedAt ?? now() });
    const stamp = session.endedAt === null ? null : repo.sessionStamp(session.id);
    return { dbFile: options.dbFile!, sessionId: session.id, query, key: `report:${JSON.stringify(query)}`, stamp, now: now() };
  }

  async function runJson(kind: RecapJob['kind'], which: number | 'latest', asked: RecapQuery, limit?: number): Promise<string | null> {
    const id = which === 'latest' ? repo.latestSession()?.id : which;
    const session = id === undefined ? null : repo.session(id);
    if (!session) return null;
    // The show's own span: from its start (or an earlier first event, which a whole-show recap starts
    // at) to its end (a live show: now). Throws invalid_window / window_too_long.
    const startedAt = Math.min(session.startedAt, repo.firstEventTs(session.id) ?? session.startedAt);
    const query = canonicalWindow(asked, { startedAt, endAt: session.endedAt ?? now() });
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
    if (!threaded) return inline();
    // The same recap asked for again while it is computed (four people exporting one show) waits for
    // that computation: one job, one kept copy, not four of each.
    const flight = `${session.id}\n${limitedKey ?? key}\n${stamp ?? `live:${now()}`}`;
    const running = inflight.get(flight);
    if (running) return running;
    const computing = (async () => {
      const answer = await ask({ kind, session: session.id, now: now(), query, ...(limit !== undefined && kind === 'report' ? { limit } : {}) });
      if (answer.body === 'null') return null;
      keep(key, answer.body);
      if (!limitedKey) return answer.body;
      const limited = answer.limited ?? cut(answer.body);
      keep(limitedKey, limited);
      return limited;
    })().finally(() => inflight.delete(flight));
    inflight.set(flight, computing);
    return computing;
  }

  /** Sends a job to the worker; rejects with a {@link RecapError} when it is refused or fails. */
  function ask(job: Omit<RecapJob, 'id'>): Promise<Answer> {
    if (closed) return Promise.reject(new RecapError('recap_failed', 'The hub is stopping.'));
    let w: Worker;
    try {
      w = spawn();
    } catch (err) {
      log(`recap worker: could not start: ${(err as Error).message}`);
      return Promise.reject(new RecapError('recap_failed', 'The recap worker could not start.'));
    }
    return new Promise((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        log(`recap worker: a ${job.kind} job took over ${Math.round(timeoutMs / 1000)} s; the worker is stopped`);
        void w.terminate();
      }, timeoutMs);
      timer.unref();
      pending.set(id, { resolve, reject, timer });
      w.postMessage({ ...job, id });
    });
  }

  /**
   * Merges a finished show's recap input (a chunk per commit) into a few big chunks, planned in the
   * worker and written here, so its later recaps (a time window, one platform, after a late event)
   * parse each buyer's id once. Without a worker it is all done here.
   */
  async function merge(sessionId: number): Promise<void> {
    const plan = threaded ? (await ask({ kind: 'merge', session: sessionId, now: now(), query: {} })).merge : plannedMerge(repo.recapInputRows(sessionId));
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
    if (!threaded) return JSON.stringify(periodFromStore(repo, query, now()));
    const answer = await ask({ kind: 'period', session: 0, now: now(), query });
    keepFacts(answer.facts);
    return answer.body;
  }

  /** Computes and keeps a finished show's period-report facts (when it ends, or after a late event). */
  async function keepShowFacts(sessionId: number): Promise<void> {
    if (!threaded) return void showFactsFromStore(repo, sessionId, now());
    keepFacts((await ask({ kind: 'facts', session: sessionId, now: now(), query: {} })).facts);
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
    reportSource,
    /**
     * Computes and keeps a show's recap and the recap page's report in the background (when the show
     * ends), so the team opening it afterwards gets it at once. Failures only cost the head start.
     */
    warm(sessionId: number): Promise<void> {
      const note = (err: Error) => log(`recap of show ${sessionId} not kept ahead: ${err.message}`);
      return merge(sessionId)
        .catch(note)
        .then(() => runJson('recap', sessionId, {}))
        .then(() => runJson('report', sessionId, {}, SCREEN_REPORT_LIMIT))
        .then(() => keepShowFacts(sessionId))
        .then(() => undefined, note);
    },
    /**
     * Starts the worker ahead of the first recap (it loads the recap code, which takes a while), so
     * the first person to open a recap does not wait for that too.
     */
    prepare(): void {
      if (!threaded || closed) return;
      try {
        spawn();
      } catch (err) {
        log(`recap worker: could not start: ${(err as Error).message}`);
      }
    },
    /** Whether recaps run in the worker thread (false: in the hub's thread, by configuration). */
    get threaded(): boolean {
      return threaded;
    },
    /** Jobs the worker died under so far (each answered `recap_failed`), for tests and the bench. */
    get failures(): number {
      return failures;
    },
    async close(): Promise<void> {
      closed = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
