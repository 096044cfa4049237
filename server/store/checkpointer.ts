/**
 * WAL checkpoints off the hub's thread. SQLite's own checkpoint runs inside whichever commit pushes the
 * WAL past `wal_autocheckpoint` pages, so every thousand pages one batch's ack waited while the WAL was
 * copied into the database file and that file was synced. Here a worker thread, on its own connection,
 * runs a PASSIVE checkpoint every `intervalMs` (it never blocks the writer or readers), and the hub's
 * connection only checkpoints itself past `SAFETY_PAGES`, should the worker be gone or starved.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';

/** The hub's own checkpoint threshold while the worker runs: a net, about 64 MB of WAL at 4 KiB pages. */
export const SAFETY_PAGES = 16_000;

// Plain JavaScript: the worker runs it as it is, in a bundle or from the TypeScript sources alike.
const workerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let stopped = false;
const step = () => {
  if (stopped) return;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
  setTimeout(step, workerData.intervalMs);
};
parentPort.on('message', (m) => {
  if (m === 'stop') {
    stopped = true;
    db.close();
    parentPort.close();
  }
});
step();
`;

export interface CheckpointReport {
  /** Frames in the WAL and how many of them are in the database file now. */
  log: number;
  checkpointed: number;
  busy: number;
}

export interface Checkpointer {
  /** The latest pass, or null before the first. */
  readonly last: CheckpointReport | null;
  close(): Promise<void>;
}

/**
 * Starts checkpointing `file` in a worker thread and raises `db`'s own threshold to `SAFETY_PAGES`.
 * Returns null (SQLite checkpointing as before) where no worker can start.
 */
export function startCheckpointer(db: Db, file: string, intervalMs = 250): Checkpointer | null {
  if (file === ':memory:') return null;
  let worker: Worker;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(workerCode, { eval: true, workerData: { file, driver, intervalMs } });
  } catch {
    return null;
  }
  worker.unref();
  const before = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${SAFETY_PAGES}`);
  let last: CheckpointReport | null = null;
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      // Without the worker, SQLite checkpoints in the commits again.
      if (db.open) db.pragma(`wal_autocheckpoint = ${before}`);
      resolve();
    }),
  );
  worker.on('message', (m: CheckpointReport | { error: string }) => {
    if (!('error' in m)) last = m;
  });
  worker.on('error', () => undefined);
  return {
    get last() {
      return last;
    },
    async close() {
      if (exited) return;
      worker.postMessage('stop');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 2000).unref())]);
      if (!exited) await worker.terminate();
    },
  };
}
