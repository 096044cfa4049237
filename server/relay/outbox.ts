/**
 * The relay's outbox: every delivery a platform pushed, kept in the relay's own SQLite file until the
 * studio's hub has acknowledged it. A delivery is answered 200 only once its row is committed and the
 * WAL file synced to disk, so a 200 survives kill -9 and power loss.
 *
 * The sync is ours, not SQLite's: commits run with `synchronous = NORMAL` (written to the WAL, not
 * synced) and the WAL file is then fsync'd on libuv's thread pool, one fsync covering every commit
 * made before it began. The event loop keeps taking requests while the disk syncs (with FULL the
 * whole relay stood still for each fsync, several ms on a busy VM disk), and deliveries arriving
 * during one fsync share the next.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RelayAnswer, RelayDelivery } from '../protocol/index.js';

export interface OutboxLimits {
  /** Deliveries kept at most, all sources together. */
  maxCount: number;
  /** Bytes kept at most (bodies, headers and queries), all sources together. */
  maxBytes: number;
  /** Deliveries kept at most for one source id (so one noisy or forged source cannot fill it). */
  maxCountPerSource: number;
  maxBytesPerSource: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = {
  maxCount: 200_000,
  maxBytes: 1024 * 1024 * 1024,
  maxCountPerSource: 100_000,
  maxBytesPerSource: 512 * 1024 * 1024,
};

export type NewDelivery = Omit<RelayDelivery, 'seq'>;

/** Why a delivery was not taken: `full` (a cap; 429) or `store` (the disk refused; 503). */
export class OutboxError extends Error {
  constructor(
    readonly code: 'full' | 'store',
    message: string,
  ) {
    super(message);
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  source_id TEXT NOT NULL,
  method TEXT NOT NULL,
  headers TEXT NOT NULL,
  query TEXT NOT NULL,
  body BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
  source_id TEXT PRIMARY KEY,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  content_type TEXT
);
`;

interface Row {
  seq: number;
  source_id: string;
  method: string;
  headers: string;
  query: string;
  body: Buffer;
  received_at: number;
  bytes: number;
}

export type Outbox = ReturnType<typeof openOutbox>;

/** Opens (or creates) the outbox in `file`, readable by its owner alone. */
export function openOutbox(file: string, limits: OutboxLimits = DEFAULT_OUTBOX_LIMITS) {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  if (file !== ':memory:') fs.chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const sync = createWalSync(file);

  // Sequence numbers restart if the file is replaced; the relay id tells a hub they are new ones.
  let relayId = (db.prepare(`SELECT value FROM meta WHERE key = 'relay_id'`).get() as { value: string } | undefined)?.value;
  if (!relayId) {
    relayId = crypto.randomBytes(8).toString('hex');
    db.prepare(`INSERT INTO meta (key, value) VALUES ('relay_id', ?)`).run(relayId);
  }

  const insert = db.prepare(`INSERT INTO outbox (source_id, method, headers, query, body, received_at, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const remove = db.prepare(`DELETE FROM outbox WHERE seq = ? RETURNING source_id, bytes`);
  const oldest = db.prepare(`SELECT * FROM outbox WHERE source_id NOT IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?`);
  const oldestAt = db.prepare(`SELECT received_at FROM outbox ORDER BY seq LIMIT 1`);
  const putAnswer = db.prepare(
    `INSERT INTO answers (source_id, status, body, content_type) VALUES (?, ?, ?, ?) ON CONFLICT (source_id) DO UPDATE SET status = excluded.status, body = excluded.body, content_type = excluded.content_type`,
  );

  // What is kept, counted in memory so the caps cost nothing per request; `reserved` includes
  // deliveries waiting for the next commit, so requests arriving together cannot overshoot a cap.
  const total = { count: 0, bytes: 0 };
  const perSource = new Map<string, { count: number; bytes: number }>();
  const add = (sourceId: string, count: number, bytes: number) => {
    total.count += count;
    total.bytes += bytes;
    const s = perSource.get(sourceId) ?? { count: 0, bytes: 0 };
    s.count += count;
    s.bytes += bytes;
    if (s.count <= 0) perSource.delete(sourceId);
    else perSource.set(sourceId, s);
  };
  for (const r of db.prepare(`SELECT source_id, COUNT(*) AS n, SUM(bytes) AS b FROM outbox GROUP BY source_id`).all() as { source_id: string; n: number; b: number }[]) add(r.source_id, r.n, r.b);

  const answers = new Map<string, RelayAnswer>();
  for (const r of db.prepare(`SELECT * FROM answers`).all() as { source_id: string; status: number; body: string; content_type: string | null }[]) {
    answers.set(r.source_id, { status: r.status, body: r.body, ...(r.content_type ? { contentType: r.content_type } : {}) });
  }

  interface Pending {
    delivery: NewDelivery;
    headers: string;
    query: string;
    bytes: number;
    resolve: (seq: number) => void;
    reject: (err: Error) => void;
  }
  let pending: Pending[] = [];
  const commitAll = db.transaction((batch: Pending[]) =>
    batch.map((p) => Number(insert.run(p.delivery.sourceId, p.delivery.method, p.headers, p.query, p.delivery.body, p.delivery.receivedAt, p.bytes).lastInsertRowid)),
  );
  function flush(): void {
    const batch = pending;
    if (!batch.length) return;
    pending = [];
    let seqs: number[];
    try {
      seqs = commitAll(batch);
    } catch (err) {
      for (const p of batch) {
        add(p.delivery.sourceId, -1, -p.bytes);
        p.reject(new OutboxError('store', `The relay could not store the delivery: ${(err as Error).message}`));
      }
      return;
    }
    sync((err) => {
      if (err) {
        // Written but not known to be on disk: not answered 200. The platform sends it again; the copy
        // kept here may reach the hub too, which its inbox absorbs.
        for (const p of batch) p.reject(new OutboxError('store', `The relay could not sync its outbox: ${err.message}`));
      } else batch.forEach((p, i) => p.resolve(seqs[i]));
      onStored?.();
    });
  }
  const removeAll = db.transaction((seqs: readonly number[]): number => {
    let removed = 0;
    for (const seq of seqs) {
      const r = remove.get(seq) as { source_id: string; bytes: number } | undefined;
      if (!r) continue;
      add(r.source_id, -1, -r.bytes);
      removed++;
    }
    return removed;
  });
  let onStored: (() => void) | null = null;
  let closed = false;

  return {
    relayId,
    /** Kept now: deliveries and bytes (including those being committed). */
    get count(): number {
      return total.count;
    },
    get bytes(): number {
      return total.bytes;
    },
    /** When the oldest kept delivery arrived (epoch ms), or null when none is kept. */
    oldestAt(): number | null {
      return (oldestAt.get() as { received_at: number } | undefined)?.received_at ?? null;
    },
    /** Called after each commit (the relay sends the new deliveries on). */
    set onStored(fn: (() => void) | null) {
      onStored = fn;
    },
    /**
     * Keeps a delivery; resolves with its seq once it is on disk. Rejects with `OutboxError('full')`
     * at once when a cap would be passed, nothing kept.
     */
    put(delivery: NewDelivery): Promise<number> {
      if (closed) return Promise.reject(new OutboxError('store', 'The relay is shutting down.'));
      const headers = JSON.stringify(delivery.headers);
      const query = JSON.stringify(delivery.query);
      const bytes = delivery.body.byteLength + headers.length + query.length;
      const s = perSource.get(delivery.sourceId) ?? { count: 0, bytes: 0 };
      if (total.count + 1 > limits.maxCount || total.bytes + bytes > limits.maxBytes) {
        return Promise.reject(new OutboxError('full', `The relay is holding ${total.count} deliveries (${total.bytes} bytes), its limit; the studio's hub has not taken them. Try again later.`));
      }
      if (s.count + 1 > limits.maxCountPerSource || s.bytes + bytes > limits.maxBytesPerSource) {
        return Promise.reject(new OutboxError('full', `The relay is holding ${s.count} deliveries for this source, its limit; the studio's hub has not taken them. Try again later.`));
      }
      add(delivery.sourceId, 1, bytes);
      return new Promise<number>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ delivery, headers, query, bytes, resolve, reject });
      });
    },
    /** The oldest deliveries, in seq order, of sources other than `except`: at most `maxCount`, and `maxBytes` (but at least one). */
    oldest(maxCount: number, maxBytes: number, except: readonly string[] = []): RelayDelivery[] {
      const out: RelayDelivery[] = [];
      let size = 0;
      // Iterated, not fetched whole: a batch stops at its byte bound before reading more bodies.
      for (const r of oldest.iterate(JSON.stringify(except), maxCount) as IterableIterator<Row>) {
        if (out.length > 0 && size + r.bytes > maxBytes) break;
        size += r.bytes;
        out.push({
          seq: r.seq,
          sourceId: r.source_id,
          method: r.method === 'GET' ? 'GET' : 'POST',
          headers: JSON.parse(r.headers) as Record<string, string>,
          query: JSON.parse(r.query) as Record<string, string>,
          body: r.body,
          receivedAt: r.received_at,
        });
      }
      return out;
    },
    /**
     * Forgets acknowledged deliveries (a seq no longer kept is ignored). Not synced on its own: a
     * forgetting lost to a power cut only sends those deliveries once more, which the hub's inbox
     * absorbs; the next delivery's sync carries it anyway.
     */
    remove: removeAll,
    /** What the hub answers a stored delivery of this source, if it said. */
    answerFor(sourceId: string): RelayAnswer | undefined {
      return answers.get(sourceId);
    },
    setAnswer(sourceId: string, answer: RelayAnswer): void {
      const known = answers.get(sourceId);
      if (known && known.status === answer.status && known.body === answer.body && known.contentType === answer.contentType) return;
      answers.set(sourceId, answer);
      putAnswer.run(sourceId, answer.status, answer.body, answer.contentType ?? null);
    },
    /** Commits what is waiting and closes the file. */
    close(): void {
      if (closed) return;
      closed = true;
      if (pending.length) flush();
      sync.close();
      db.close();
    },
  };
}

/**
 * Durability for commits made with `synchronous = NORMAL` in WAL mode: `sync(done)` calls `done` once
 * the WAL file, as written so far, is on disk. Calls made while an fsync runs share the next one.
 * (fsync covers the file, whatever descriptor it is asked through; SQLite keeps the same WAL file
 * while the database is open and rewrites it in place after a checkpoint.)
 */
function createWalSync(file: string) {
  if (file === ':memory:') return Object.assign((done: (err: Error | null) => void) => void setImmediate(done, null), { close() {} });
  const fd = fs.openSync(`${file}-wal`, 'r');
  // The WAL file's directory entry: synced once, so the file itself is still there after a power cut.
  const dir = fs.openSync(path.dirname(path.resolve(file)), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
  let running = false;
  let closed = false;
  let waiting: ((err: Error | null) => void)[] = [];
  const next = () => {
    if (running || closed || !waiting.length) return;
    running = true;
    const batch = waiting;
    waiting = [];
    fs.fsync(fd, (err) => {
      running = false;
      if (closed) {
        // close() synced everything itself meanwhile.
        fs.closeSync(fd);
        err = null;
      }
      for (const done of batch) done(err);
      next();
    });
  };
  return Object.assign(
    (done: (err: Error | null) => void) => {
      waiting.push(done);
      next();
    },
    {
      /** Syncs what is waiting, answers it, and lets go of the file. */
      close() {
        if (closed) return;
        closed = true;
        let err: Error | null = null;
        try {
          fs.fsyncSync(fd);
        } catch (e) {
          err = e as Error;
        }
        const batch = waiting;
        waiting = [];
        for (const done of batch) done(err);
        if (!running) fs.closeSync(fd);
      },
    },
  );
}
