/**
 * Heavy, input-driven work — reading a brand's spreadsheet, building an export workbook — runs in
 * worker threads with a heap limit and a deadline, never on the hub's thread: a bomb or a huge export
 * then costs a worker, not the acks, claims and screens of the show. A job that dies (out of memory,
 * over its deadline, crashed) is answered with a coded {@link JobError} and is NEVER run again on the
 * hub's thread; its worker is thrown away and the next job gets a fresh one.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { JobInput, JobKind, JobOutput } from './kinds.js';

const defaultEntry = fileURLToPath(new URL('./jobs-entry.mjs', import.meta.url));

/**
 * Why a job gave no answer. `job_timeout`, `job_out_of_memory` and `job_failed` come from the pool;
 * any other code is the job's own (a spreadsheet that is `sheet_too_large`, `unreadable`, …).
 */
export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

export interface JobPoolOptions {
  /** The worker script (default `jobs-entry.mjs` beside this module, or the bundle's). */
  entry?: string;
  /** Workers running at once; more jobs wait in line (default 2). */
  workers?: number;
  /** Old-generation heap of each worker (MB, default 1024). */
  maxHeapMb?: number;
  /** Deadline of a job unless its caller gives one (ms, default 60 s). */
  timeoutMs?: number;
  /** Jobs waiting for a worker beyond which new ones are refused `job_busy` (default 16). */
  maxQueue?: number;
}

interface Slot {
  worker: Worker | null;
  busy: boolean;
}

interface Queued {
  kind: JobKind;
  input: unknown;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export type JobPool = ReturnType<typeof createJobPool>;

export function createJobPool(options: JobPoolOptions = {}) {
  const entry = options.entry ?? defaultEntry;
  const available = fs.existsSync(entry);
  const maxHeapMb = options.maxHeapMb ?? 1024;
  const defaultTimeoutMs = options.timeoutMs ?? 60_000;
  const maxQueue = options.maxQueue ?? 16;
  const slots: Slot[] = Array.from({ length: Math.max(1, options.workers ?? 2) }, () => ({ worker: null, busy: false }));
  const queue: Queued[] = [];
  let nextId = 0;
  let closed = false;
  let died = 0;

  function spawn(slot: Slot): Worker {
    const worker = new Worker(entry, {
      // Young generation kept small too: a bomb should hit the limit early, not after a GB of garbage.
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 },
    });
    worker.unref();
    // A worker that dies between jobs is replaced at the next one; its error must not throw here.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      if (slot.worker === worker) slot.worker = null;
    });
    return worker;
  }

  function pump(): void {
    if (closed) return;
    for (const slot of slots) {
      if (slot.busy) continue;
      const job = queue.shift();
      if (!job) return;
      start(slot, job);
    }
  }

  function start(slot: Slot, job: Queued): void {
    slot.busy = true;
    const worker = (slot.worker ??= spawn(slot));
    const id = ++nextId;
    let done = false;
    const finish = (err: Error | null, value?: unknown, keepWorker = true) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (!keepWorker) {
        died++;
        if (slot.worker === worker) slot.worker = null;
        void worker.terminate().catch(() => undefined);
      }
      slot.busy = false;
      if (err) job.reject(err);
      else job.resolve(value);
      pump();
    };
    const onMessage = (m: { id: number; ok: boolean; value?: unknown; error?: { code: string; message: string } }) => {
      if (m.id !== id) return;
      if (m.ok) finish(null, m.value);
      else finish(new JobError(m.error?.code ?? 'job_failed', m.error?.message ?? 'The job failed.'));
    };
    const onError = (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') finish(new JobError('job_out_of_memory', `The ${job.kind} job ran out of its ${maxHeapMb} MB and was stopped.`), undefined, false);
      else finish(new JobError('job_failed', `The ${job.kind} job crashed: ${err.message}`), undefined, false);
    };
    const onExit = (code: number) => finish(new JobError('job_failed', `The ${job.kind} job's worker stopped (${code}).`), undefined, false);
    const timer = setTimeout(() => finish(new JobError('job_timeout', `The ${job.kind} job took longer than ${Math.round(job.timeoutMs / 1000)} s and was stopped.`), undefined, false), job.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    try {
      worker.postMessage({ id, kind: job.kind, input: job.input });
    } catch (err) {
      finish(new JobError('job_failed', `The ${job.kind} job could not be sent: ${(err as Error).message}`));
    }
  }

  return {
    /** Whether a worker script exists here (false in a build without one: callers decide what to do). */
    available,
    /** Workers thrown away so far after a job died in them (for tests and the bench). */
    get died(): number {
      return died;
    },
    /**
     * Runs one job in a worker. Rejects with a {@link JobError}: the job's own code, or
     * `job_timeout` / `job_out_of_memory` / `job_failed` / `job_busy`.
     */
    run<K extends JobKind>(kind: K, input: JobInput<K>, runOptions: { timeoutMs?: number } = {}): Promise<JobOutput<K>> {
      if (closed || !available) return Promise.reject(new JobError('job_failed', 'No worker can run this job here.'));
      if (queue.length >= maxQueue) return Promise.reject(new JobError('job_busy', 'The hub is busy with other files and exports; try again in a moment.'));
      return new Promise<JobOutput<K>>((resolve, reject) => {
        queue.push({ kind, input, timeoutMs: runOptions.timeoutMs ?? defaultTimeoutMs, resolve: resolve as (v: unknown) => void, reject });
        pump();
      });
    },
    /** Starts one worker ahead of the first job (it loads the readers and exceljs meanwhile). */
    prepare(): void {
      if (closed || !available) return;
      slots[0].worker ??= spawn(slots[0]);
    },
    async close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new JobError('job_failed', 'The hub is stopping.'));
      await Promise.all(slots.map((s) => s.worker?.terminate().catch(() => undefined)));
      for (const s of slots) s.worker = null;
    },
  };
}
