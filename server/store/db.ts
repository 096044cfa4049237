/**
 * Opens the studio's SQLite file: WAL, full sync (an ack means the batch is on disk), forward-only
 * migrations run at start. Raw events are the source of truth; everything else can be rebuilt.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { ensureOwnerDir, restrictDbFiles } from '../output/files.js';
import { refoldOrders } from './refold-orders.js';
import { backfillRecapInput, codeLegacyChunk, type LegacyRecapInputChunk, type RecapInputChunk } from './recap-input.js';

export type Db = Database.Database;

/** SQL, or a step that needs code (filling derived data from JSON bodies). */
export type Migration = string | ((db: Db) => void);

/** Each entry moves the schema one version forward. Never edit a shipped entry; append a new one. */
export const migrations: readonly Migration[] = [
  `
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    auto INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    platform TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    ts INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (platform, id)
  );
  CREATE INDEX events_by_session_ts ON events(session_id, ts);
  CREATE TABLE orders (
    platform TEXT NOT NULL,
    order_id TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    qty INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    status TEXT NOT NULL,
    rank INTEGER NOT NULL,
    reached_paid INTEGER NOT NULL,
    first_ts INTEGER NOT NULL,
    deal_id TEXT,
    promoter TEXT,
    PRIMARY KEY (platform, order_id)
  ) WITHOUT ROWID;
  CREATE INDEX orders_by_session ON orders(session_id);
  CREATE TABLE catalog (
    sku TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE runsheet (
    item_id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE TABLE comment_state (
    key TEXT PRIMARY KEY,
    session_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    claimed_by TEXT,
    prompted INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  `,
  `
  CREATE TABLE deal_grants (
    seq INTEGER PRIMARY KEY,
    deal_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    qty INTEGER NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX deal_grants_by_deal ON deal_grants(deal_id, user_id);
  `,
  `
  CREATE TABLE promoters (
    promoter TEXT PRIMARY KEY,
    rule TEXT NOT NULL
  );
  `,
  `
  CREATE TABLE recap_cache (
    session_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    stamp TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
  ) WITHOUT ROWID;
  `,
  // The recap's input, written with the events in the same transaction (see recap-input.ts), so a
  // cold recap of a long show reads a few hundred rows instead of parsing every event body. Filled
  // here from the events already stored.
  (db) => {
    db.exec(`
      CREATE TABLE recap_input (
        seq INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX recap_input_by_session ON recap_input(session_id);
    `);
    backfillRecapInput(db);
  },
  // Coupons are granted through the same log as deal units; `kind` says which a row is.
  `
  ALTER TABLE deal_grants ADD COLUMN kind TEXT NOT NULL DEFAULT 'deal';
  `,
  // The recap input's ids are written once a chunk, in a table of strings (see recap-input.ts).
  (db) => {
    const update = db.prepare('UPDATE recap_input SET body = ? WHERE seq = ?');
    // A page at a time: a studio's file may hold years of shows.
    const page = db.prepare('SELECT seq, body FROM recap_input WHERE seq > ? ORDER BY seq LIMIT 256').raw();
    for (let after = 0; ;) {
      const rows = page.all(after) as [number, string][];
      if (rows.length === 0) break;
      for (const [seq, body] of rows) {
        const chunk = JSON.parse(body) as LegacyRecapInputChunk | RecapInputChunk;
        if (!('strings' in chunk)) update.run(JSON.stringify(codeLegacyChunk(chunk)), seq);
        after = seq;
      }
    }
  },
  // Orders keep their whole folded state (server/rules/orders.ts), partial refunds (`refund_fen`)
  // included, and are refolded here from their stored events: the old SQL upsert kept the first dealId
  // to arrive and let a NULL promoter overwrite one, where the rule is the earliest by (ts, id).
  (db) => {
    const columns = new Set((db.prepare('PRAGMA table_info(orders)').all() as { name: string }[]).map((c) => c.name));
    const added: [string, string][] = [
      ['paid_ts', 'INTEGER'],
      ['first_id', "TEXT NOT NULL DEFAULT ''"],
      ['deal_ts', 'INTEGER'],
      ['deal_src', "TEXT NOT NULL DEFAULT ''"],
      ['promoter_ts', 'INTEGER'],
      ['promoter_src', "TEXT NOT NULL DEFAULT ''"],
      ['refund_fen', 'INTEGER NOT NULL DEFAULT 0'],
    ];
    for (const [name, type] of added) if (!columns.has(name)) db.exec(`ALTER TABLE orders ADD COLUMN ${name} ${type}`);
    refoldOrders(db);
  },
  // The period report asks, for each of a month's buyers, whether they had bought in an earlier show:
  // a seek per buyer into their paid orders' sessions, instead of reading every order ever taken.
  `
  CREATE INDEX IF NOT EXISTS orders_by_buyer ON orders(platform, user_id, session_id) WHERE reached_paid = 1;
  `,
  // The recap cache is bounded (see putCachedRecap): the size and last use of each kept recap, so the
  // least recently used can be evicted without reading bodies. A kept recap deleted any other way
  // (a late event, a deleted show) takes its row here with it.
  `
  CREATE TABLE IF NOT EXISTS recap_cache_use (
    session_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    used_at INTEGER NOT NULL,
    windowed INTEGER NOT NULL,
    PRIMARY KEY (session_id, key)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO recap_cache_use (session_id, key, bytes, used_at, windowed)
    SELECT session_id, key, length(CAST(body AS BLOB)), 0, (key LIKE '%"from"%' OR key LIKE '%"to"%' OR key LIKE '%"platform"%') FROM recap_cache;
  CREATE TRIGGER IF NOT EXISTS recap_cache_forget AFTER DELETE ON recap_cache BEGIN
    DELETE FROM recap_cache_use WHERE session_id = old.session_id AND key = old.key;
  END;
  `,
  // Recaps kept before the recap had its coupons table lack it: computed again on the next request.
  `
  DELETE FROM recap_cache;
  `,
  // Sources (DESIGN §11): the studio's shops and live rooms, their secrets included (never listed), and
  // the webhook inbox: each verified delivery kept raw before the platform hears 2xx, deduped by the
  // platform's delivery id, mapped to events through the ingest path, and kept with its error when it
  // cannot be (retried, replayable). Counters survive a restart so the panel's figures do too.
  `
  CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    platform TEXT NOT NULL,
    config TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    events INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    bad_signatures INTEGER NOT NULL DEFAULT 0,
    last_event_at INTEGER,
    last_delivery_at INTEGER,
    last_error TEXT
  );
  CREATE TABLE IF NOT EXISTS source_deliveries (
    seq INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    UNIQUE (source_id, delivery_id)
  );
  CREATE INDEX IF NOT EXISTS source_deliveries_due ON source_deliveries(state, next_try_at) WHERE state = 'pending';
  CREATE INDEX IF NOT EXISTS source_deliveries_by_source ON source_deliveries(source_id, state);
  `,
  // A show's GMV target (目标 GMV, fen), set on 开播 or when renaming it; NULL: none. Checked first, so
  // a file another branch already gave the column migrates all the same.
  (db) => {
    const columns = new Set((db.prepare('PRAGMA table_info(sessions)').all() as { name: string }[]).map((c) => c.name));
    if (!columns.has('target_fen')) db.exec('ALTER TABLE sessions ADD COLUMN target_fen INTEGER');
  },
  // The studio's settings that outlive a show (the blocked-words list, the pinned comment), JSON by key.
  `
  CREATE TABLE IF NOT EXISTS studio_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
];

export interface OpenOptions {
  /** Skip `PRAGMA integrity_check` (tests that open many files). */
  skipIntegrityCheck?: boolean;
}

/** Opens (creating if needed) and migrates the database. Throws a plain sentence if the file is damaged. */
export function openDb(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') ensureOwnerDir(path.dirname(path.resolve(file)));
  const db = new Database(file);
  const damaged = (why: string): Error => {
    db.close();
    return new Error(`The database ${file} is damaged (${why.split('\n')[0].slice(0, 200)}). Restore a backup (livedeck backup) or move the file aside.`);
  };
  try {
    // Owner-only before WAL is on: SQLite gives the WAL and SHM files the database file's mode.
    if (file !== ':memory:') restrictDbFiles(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = OFF');
    if (!options.skipIntegrityCheck && file !== ':memory:') {
      const result = db.pragma('quick_check', { simple: true });
      if (result !== 'ok') throw damaged(String(result));
    }
  } catch (err) {
    // A damaged schema page fails SQLite's own reads (SQLITE_CORRUPT) before any check can list it.
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') throw damaged((err as Error).message);
    throw err;
  }
  migrate(db);
  return db;
}

/** Runs every migration past the file's `user_version`, each in its own transaction. */
export function migrate(db: Db): number {
  let version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(`The database was written by a newer LiveDeck (schema ${version}, this one knows ${migrations.length}).`);
  }
  for (; version < migrations.length; version++) {
    const step = migrations[version];
    db.transaction(() => {
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return version;
}
