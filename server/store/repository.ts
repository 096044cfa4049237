/**
 * Every SQL statement the hub runs, prepared once. The hub has one writer: this repository, used from
 * the hub's single thread.
 */
import type { Db } from './db.js';
import type { LiveEvent, Product, RunsheetItem, RunsheetItemInput, SessionInfo } from '../protocol/index.js';
import { nextOrder, orderChange, type OrderChange } from '../rules/orders.js';
import { ORDER_COLUMNS, orderOfRow, orderRow } from './order-row.js';
import { eventBody, storedEvent } from './event-body.js';
import { encodeRecapInput, type RecapInputChunk } from './recap-input.js';

export interface SessionRow extends SessionInfo {
  auto: boolean;
}

export interface CommentStateRow {
  key: string;
  status: 'open' | 'claimed' | 'answered';
  claimedBy: string | null;
  prompted: boolean;
}

export interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  detail: unknown;
}

type RawSession = { id: number; title: string; started_at: number; ended_at: number | null; auto: number; target_fen: number | null };
const toSession = (r: RawSession): SessionRow => ({
  id: r.id,
  title: r.title,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  auto: r.auto === 1,
  ...(r.target_fen !== null ? { targetFen: r.target_fen } : {}),
});

export type Repository = ReturnType<typeof createRepository>;

/** What a row of the grant log granted: flash-deal units or coupons. */
export type GrantKind = 'deal' | 'coupon';

/** Which of a session's events to read (see `eventsOfSession`). */
export interface EventFilter {
  types?: readonly LiveEvent['type'][];
  platforms?: readonly string[];
  from?: number;
  to?: number;
}

/** A session's rows between two seqs (`+session_id`: walk the rowid range, not the session index). */
const EVENTS_IN_RANGE = 'SELECT ts, type, platform, id, body FROM events WHERE seq BETWEEN ? AND ? AND +session_id = ?';

/** Bounds of the recap cache (see `putCachedRecap`). */
export interface RecapCacheLimits {
  /** Bytes of a show's kept windowed recaps (default {@link RECAP_CACHE_SHOW_BYTES}). */
  perShowBytes?: number;
  /** Bytes of kept recaps in all (default {@link RECAP_CACHE_TOTAL_BYTES}). */
  totalBytes?: number;
}

/** Kept windowed recaps per show: a few dozen windows of a long show. */
export const RECAP_CACHE_SHOW_BYTES = 128 * 1024 * 1024;
/** Kept recaps in all: recomputing an old show costs seconds, a full disk stops acks and claims. */
export const RECAP_CACHE_TOTAL_BYTES = 1024 * 1024 * 1024;

/**
 * Kept recaps of a whole show (no window, every platform: `recap:{}`, `report:{}…`, the period
 * facts) are evicted after every windowed one: they are what the team opens, and what a show's end warms.
 */
const windowedKey = (key: string): boolean => /"(from|to|platform)"/.test(key);

export function createRepository(db: Db, options: { recapCache?: RecapCacheLimits } = {}) {
  const cacheShowBytes = options.recapCache?.perShowBytes ?? RECAP_CACHE_SHOW_BYTES;
  const cacheTotalBytes = options.recapCache?.totalBytes ?? RECAP_CACHE_TOTAL_BYTES;
  const s = {
    liveSession: db.prepare('SELECT * FROM sessions WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1'),
    session: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    latestSession: db.prepare('SELECT * FROM sessions ORDER BY id DESC LIMIT 1'),
    sessions: db.prepare('SELECT * FROM sessions ORDER BY id DESC'),
    insertSession: db.prepare('INSERT INTO sessions (title, started_at, ended_at, auto) VALUES (?, ?, ?, ?)'),
    endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    renameSession: db.prepare('UPDATE sessions SET title = ?, auto = 0 WHERE id = ?'),
    setSessionTarget: db.prepare('UPDATE sessions SET target_fen = ? WHERE id = ?'),
    getSetting: db.prepare('SELECT value FROM studio_settings WHERE key = ?').pluck(),
    putSetting: db.prepare('INSERT INTO studio_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    setSpan: db.prepare('UPDATE sessions SET started_at = ?, ended_at = ? WHERE id = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    deleteSessionEvents: db.prepare('DELETE FROM events WHERE session_id = ?'),
    deleteSessionOrders: db.prepare('DELETE FROM orders WHERE session_id = ?'),
    deleteSessionComments: db.prepare('DELETE FROM comment_state WHERE session_id = ?'),
    eventSpan: db.prepare('SELECT min(ts) AS lo, max(ts) AS hi, count(*) AS n FROM events WHERE session_id = ?'),
    firstEventTs: db.prepare('SELECT min(ts) FROM events WHERE session_id = ?').pluck(),
    insertEvent: db.prepare('INSERT OR IGNORE INTO events (session_id, platform, id, type, ts, body) VALUES (?, ?, ?, ?, ?, ?)'),
    sessionOfEvent: db.prepare('SELECT session_id FROM events WHERE platform = ? AND id = ?').pluck(),
    platformsOfSession: db.prepare('SELECT DISTINCT platform FROM events WHERE session_id = ?').pluck(),
    seqRange: db.prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM events WHERE session_id = ?'),
    seqRangeIn: db.prepare('SELECT min(seq) AS lo, max(seq) AS hi FROM events WHERE session_id = ? AND ts BETWEEN ? AND ?'),
    // Read in table order (sequential pages) within the session's seq range, then sort by ts in JS:
    // far faster than walking the (session_id, ts) index, which jumps across the file per row.
    eventsInRange: db.prepare(EVENTS_IN_RANGE).raw(),
    insertRecapInput: db.prepare('INSERT INTO recap_input (session_id, body) VALUES (?, ?)'),
    recapInputSeqs: db.prepare('SELECT seq FROM recap_input WHERE session_id = ? ORDER BY seq').pluck(),
    recapInputRows: db.prepare('SELECT seq, body FROM recap_input WHERE session_id = ? ORDER BY seq').raw(),
    putRecapInputAt: db.prepare('INSERT INTO recap_input (seq, session_id, body) VALUES (?, ?, ?)'),
    deleteRecapInputAt: db.prepare('DELETE FROM recap_input WHERE seq = ?'),
    deleteSessionRecapInput: db.prepare('DELETE FROM recap_input WHERE session_id = ?'),
    countEvents: db.prepare('SELECT count(*) FROM events WHERE session_id = ?').pluck(),
    // The order's state is folded in JS (server/rules/orders.ts) and written whole: the one rule.
    putOrder: db.prepare(`
      INSERT INTO orders (platform, order_id, session_id, ${ORDER_COLUMNS.join(', ')})
      VALUES (?, ?, ?, ${ORDER_COLUMNS.map(() => '?').join(', ')})
      ON CONFLICT (platform, order_id) DO UPDATE SET ${ORDER_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}
    `),
    // Read before the write, which is cheaper than the upsert answering with RETURNING.
    orderState: db.prepare(`SELECT session_id, ${ORDER_COLUMNS.join(', ')} FROM orders WHERE platform = ? AND order_id = ?`).raw(),
    dropSessionCache: db.prepare('DELETE FROM recap_cache WHERE session_id = ?'),
    catalog: db.prepare('SELECT body FROM catalog ORDER BY sku').pluck(),
    upsertProduct: db.prepare(
      'INSERT INTO catalog (sku, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (sku) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
    ),
    runsheet: db.prepare('SELECT item_id, position, body FROM runsheet ORDER BY position, item_id'),
    insertItem: db.prepare('INSERT INTO runsheet (position, body) VALUES (?, ?)'),
    updateItem: db.prepare('UPDATE runsheet SET body = ? WHERE item_id = ?'),
    moveItem: db.prepare('UPDATE runsheet SET position = ? WHERE item_id = ?'),
    deleteItem: db.prepare('DELETE FROM runsheet WHERE item_id = ?'),
    audit: db.prepare('INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)'),
    auditTail: db.prepare('SELECT * FROM audit ORDER BY seq DESC LIMIT ?'),
    insertGrant: db.prepare('INSERT INTO deal_grants (deal_id, user_id, qty, at, kind) VALUES (?, ?, ?, ?, ?)'),
    grantsOfDeal: db.prepare('SELECT user_id AS userId, sum(qty) AS qty FROM deal_grants WHERE deal_id = ? GROUP BY user_id'),
    couponGrants: db.prepare("SELECT deal_id AS couponId, qty, at FROM deal_grants WHERE deal_id = ? AND kind = 'coupon'"),
    paidOrders: db.prepare(`
      SELECT o.platform, o.user_id AS userId, o.session_id AS sessionId, s.started_at AS sessionStartedAt, o.first_ts AS ts, o.amount_fen AS amountFen
      FROM orders o JOIN sessions s ON s.id = o.session_id WHERE o.reached_paid = 1`),
    promoterRules: db.prepare('SELECT promoter, rule FROM promoters'),
    sessionsStartedIn: db.prepare('SELECT * FROM sessions WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id'),
    paidOrdersOfSession: db.prepare(
      'SELECT platform, user_id AS userId, sku, qty, amount_fen AS amountFen FROM orders WHERE session_id = ? AND reached_paid = 1 ORDER BY platform, order_id',
    ),
    // Each buyer is one seek on orders_by_buyer (named: without ANALYZE the planner takes the primary key
    // on platform alone, a scan per buyer); the JSON list keeps it one statement, not one call a buyer.
    boughtBefore: db
      .prepare(
        `SELECT b.value ->> 0 AS platform, b.value ->> 1 AS userId FROM json_each(?) AS b
         WHERE EXISTS (SELECT 1 FROM orders o INDEXED BY orders_by_buyer JOIN sessions s ON s.id = o.session_id
           WHERE o.platform = b.value ->> 0 AND o.user_id = b.value ->> 1 AND o.reached_paid = 1 AND s.started_at < ?)`,
      )
      .raw(),
    platformSeen: db.prepare('SELECT 1 FROM events WHERE platform = ? LIMIT 1').pluck(),
    // Events are stamped through their recap input, written in the same commit: a few hundred rows
    // for a long show, where counting its events walked a million index entries on every request.
    sessionStamp: db.prepare(`
      SELECT (SELECT count(*) || ':' || coalesce(max(seq), 0) FROM recap_input WHERE session_id = @id)
        || ':' || (SELECT count(*) || ':' || coalesce(max(updated_at), 0) FROM comment_state WHERE session_id = @id)
        || ':' || (SELECT count(*) || ':' || coalesce(group_concat(rule), '') FROM promoters)
        || ':' || (SELECT coalesce(ended_at, 'live') FROM sessions WHERE id = @id)`).pluck(),
    cached: db.prepare('SELECT body FROM recap_cache WHERE session_id = ? AND key = ? AND stamp = ?').pluck(),
    putCache: db.prepare('INSERT OR REPLACE INTO recap_cache (session_id, key, stamp, body) VALUES (?, ?, ?, ?)'),
    putCacheUse: db.prepare('INSERT OR REPLACE INTO recap_cache_use (session_id, key, bytes, used_at, windowed) VALUES (?, ?, ?, ?, ?)'),
    touchCache: db.prepare('UPDATE recap_cache_use SET used_at = ? WHERE session_id = ? AND key = ?'),
    cacheBytesOfShow: db.prepare('SELECT coalesce(sum(bytes), 0) FROM recap_cache_use WHERE session_id = ?').pluck(),
    windowedBytesOfShow: db.prepare('SELECT coalesce(sum(bytes), 0) FROM recap_cache_use WHERE session_id = ? AND windowed = 1').pluck(),
    cacheBytes: db.prepare('SELECT coalesce(sum(bytes), 0) FROM recap_cache_use').pluck(),
    // Least recently used first, windowed entries before whole-show ones; never the one just kept.
    cacheVictimsOfShow: db.prepare('SELECT session_id, key, bytes FROM recap_cache_use WHERE session_id = ? AND windowed = 1 AND key <> ? ORDER BY used_at'),
    cacheVictims: db.prepare('SELECT session_id, key, bytes FROM recap_cache_use WHERE NOT (session_id = ? AND key = ?) ORDER BY windowed DESC, used_at'),
    evictCache: db.prepare('DELETE FROM recap_cache WHERE session_id = ? AND key = ?'),
    evictCacheUse: db.prepare('DELETE FROM recap_cache_use WHERE session_id = ? AND key = ?'),
    dropCache: db.prepare('DELETE FROM recap_cache WHERE session_id = ?'),
    setPromoterRule: db.prepare('INSERT INTO promoters (promoter, rule) VALUES (?, ?) ON CONFLICT (promoter) DO UPDATE SET rule = excluded.rule'),
    commentStates: db.prepare('SELECT key, status, claimed_by, prompted FROM comment_state WHERE session_id = ?'),
    setCommentState: db.prepare(`
      INSERT INTO comment_state (key, session_id, status, claimed_by, prompted, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET status = excluded.status, claimed_by = excluded.claimed_by, prompted = excluded.prompted, updated_at = excluded.updated_at
    `),
  };

  // Events stored in the open transaction, whose recap input is written as one chunk per session
  // when the outermost transaction is about to commit (a rolled-back part drops its share).
  const unwritten: { sessionId: number; event: LiveEvent }[] = [];
  let depth = 0;

  function transaction<T>(fn: () => T): T {
    return db.transaction(() => {
      const mark = unwritten.length;
      depth++;
      try {
        const result = fn();
        if (depth === 1) writeRecapInput();
        return result;
      } catch (err) {
        unwritten.length = mark;
        throw err;
      } finally {
        depth--;
      }
    })();
  }

  function writeRecapInput(): void {
    if (unwritten.length === 0) return;
    const bySession = new Map<number, LiveEvent[]>();
    for (const { sessionId, event } of unwritten) {
      let list = bySession.get(sessionId);
      if (!list) bySession.set(sessionId, (list = []));
      list.push(event);
    }
    for (const [sessionId, events] of bySession) s.insertRecapInput.run(sessionId, JSON.stringify(encodeRecapInput(events)));
    unwritten.length = 0;
  }

  /**
   * Stores one validated event; answers the session it went to, or null when (platform, id) was already
   * stored. An order event whose order is already known goes to the session of the order's first event
   * (DESIGN §3: an order belongs to its show), live or ended; every other event to `sessionFor(event)`,
   * asked only then (so a late follow-up never opens a session). What an order event did to its order
   * goes into `orderChanges` when given.
   */
  function storeEvent(sessionFor: number | ((event: LiveEvent) => number), event: LiveEvent, orderChanges?: Map<LiveEvent, OrderChange>): number | null {
    // Alone, it still commits together with its recap input.
    if (depth === 0) return transaction(() => storeEvent(sessionFor, event, orderChanges));
    const row = event.type === 'order' ? (s.orderState.get(event.platform, event.orderId) as unknown[] | undefined) : undefined;
    const sessionId = row ? (row[0] as number) : typeof sessionFor === 'number' ? sessionFor : sessionFor(event);
    const info = s.insertEvent.run(sessionId, event.platform, event.id, event.type, event.ts, eventBody(event));
    if (info.changes === 0) return null;
    if (event.type === 'order') {
      const before = row && orderOfRow(row);
      const after = nextOrder(before, event);
      s.putOrder.run(event.platform, event.orderId, sessionId, ...orderRow(after));
      orderChanges?.set(event, orderChange(before, after));
    }
    unwritten.push({ sessionId, event });
    return sessionId;
  }

  /** `storeEvent` into `sessionId` (an order's later events still go to its own session); false for a duplicate. */
  function insertEvent(sessionId: number, event: LiveEvent, orderChanges?: Map<LiveEvent, OrderChange>): boolean {
    return storeEvent(sessionId, event, orderChanges) !== null;
  }

  function recapInputRows(id: number): { seq: number; chunk: RecapInputChunk }[] {
    return (s.recapInputRows.all(id) as [number, string][]).map(([seq, body]) => ({ seq, chunk: JSON.parse(body) as RecapInputChunk }));
  }

  return {
    db,
    /** Runs `fn` in one transaction (nested calls join the outer one). */
    transaction,
    insertEvent,
    storeEvent,
    /** The session an order belongs to (that of its first stored event), or null for an order never seen. */
    sessionOfOrder(platform: string, orderId: string): number | null {
      const row = s.orderState.get(platform, orderId) as unknown[] | undefined;
      return row ? (row[0] as number) : null;
    },
    /** Drops a session's kept recaps and reports (a late event changed what they were made from). */
    dropKeptRecaps(id: number): void {
      s.dropSessionCache.run(id);
    },
    liveSession(): SessionRow | null {
      const r = s.liveSession.get() as RawSession | undefined;
      return r ? toSession(r) : null;
    },
    session(id: number): SessionRow | null {
      const r = s.session.get(id) as RawSession | undefined;
      return r ? toSession(r) : null;
    },
    latestSession(): SessionRow | null {
      const r = s.latestSession.get() as RawSession | undefined;
      return r ? toSession(r) : null;
    },
    sessions(): SessionRow[] {
      return (s.sessions.all() as RawSession[]).map(toSession);
    },
    createSession(title: string, startedAt: number, options: { auto?: boolean; endedAt?: number | null } = {}): number {
      return Number(s.insertSession.run(title, startedAt, options.endedAt ?? null, options.auto ? 1 : 0).lastInsertRowid);
    },
    endSession(id: number, at: number): boolean {
      return s.endSession.run(at, id).changes === 1;
    },
    /** Gives a show its title; a named show is no longer an auto-opened one. */
    renameSession(id: number, title: string): boolean {
      return s.renameSession.run(title, id).changes === 1;
    },
    /** A studio setting as stored (JSON), or undefined when never set. */
    setting(key: string): unknown {
      const value = s.getSetting.get(key) as string | undefined;
      return value === undefined ? undefined : JSON.parse(value);
    },
    putSetting(key: string, value: unknown): void {
      s.putSetting.run(key, JSON.stringify(value));
    },
    /** Sets a show's GMV target in fen; null removes it. */
    setSessionTarget(id: number, targetFen: number | null): boolean {
      return s.setSessionTarget.run(targetFen, id).changes === 1;
    },
    setSessionSpan(id: number, startedAt: number, endedAt: number | null): void {
      s.setSpan.run(startedAt, endedAt, id);
    },
    deleteSession(id: number): void {
      db.transaction(() => {
        s.deleteSessionEvents.run(id);
        s.deleteSessionRecapInput.run(id);
        s.deleteSessionOrders.run(id);
        s.deleteSessionComments.run(id);
        s.dropCache.run(id);
        s.deleteSession.run(id);
      })();
    },
    /** The earliest `ts` of the session's events (one index seek, unlike `eventSpan`), or null. */
    firstEventTs(id: number): number | null {
      return (s.firstEventTs.get(id) as number | null | undefined) ?? null;
    },
    eventSpan(id: number): { lo: number | null; hi: number | null; n: number } {
      return s.eventSpan.get(id) as { lo: number | null; hi: number | null; n: number };
    },
    /** The distinct platforms a session's events came from. */
    platformsOfSession(id: number): string[] {
      return s.platformsOfSession.all(id) as string[];
    },
    sessionOfEvent(platform: string, id: string): number | null {
      return (s.sessionOfEvent.get(platform, id) as number | undefined) ?? null;
    },
    /**
     * The session's events in time order (ties in arrival order), parsed from their stored JSON. With
     * `only`, just those types, platforms and times (`from`…`to`, both included): the rest are
     * neither read nor parsed.
     */
    eventsOfSession(id: number, only: EventFilter = {}): LiveEvent[] {
      const windowed = only.from !== undefined || only.to !== undefined;
      const from = only.from ?? -Infinity;
      const to = only.to ?? Infinity;
      // The window's first and last rows, from the (session_id, ts) index; then table order between.
      const { lo, hi } = (windowed ? s.seqRangeIn.get(id, from, to) : s.seqRange.get(id)) as { lo: number | null; hi: number | null };
      if (lo === null || hi === null) return [];
      let rows: [number, string, string, string, string][];
      if (!only.types && !only.platforms && !windowed) rows = s.eventsInRange.all(lo, hi, id) as typeof rows;
      else {
        const where: string[] = [];
        const args: unknown[] = [lo, hi, id];
        const oneOf = (column: string, values: readonly string[]) => {
          where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
          args.push(...values);
        };
        if (only.types) oneOf('type', only.types);
        if (only.platforms) oneOf('platform', only.platforms);
        if (windowed) {
          where.push('ts BETWEEN ? AND ?');
          args.push(from, to);
        }
        rows = db.prepare(`${EVENTS_IN_RANGE} AND ${where.join(' AND ')}`).raw().all(...args) as typeof rows;
      }
      // Sorting is stable, so events of the same ms keep the order they were stored in.
      rows.sort((a, b) => a[0] - b[0]);
      return rows.map(([ts, type, platform, eventId, body]) => storedEvent(type, platform, eventId, ts, body));
    },
    /** The session's recap input (see recap-input.ts), chunk by chunk, in stored order. */
    recapInput(id: number): RecapInputChunk[] {
      return recapInputRows(id).map((r) => r.chunk);
    },
    /** The same chunks with where each is stored (its seq), for merging them. */
    recapInputRows,
    /**
     * Puts `bodies` in place of the recap input chunks at `seqs` (in that order, at the first of
     * those seqs, so chunks stored later stay after them) and drops the session's kept recaps. False,
     * changing nothing, when those chunks are no longer all there.
     */
    replaceRecapInput(id: number, seqs: readonly number[], bodies: readonly string[]): boolean {
      if (bodies.length > seqs.length) throw new Error('more chunks than places for them');
      return db.transaction(() => {
        const present = new Set(s.recapInputSeqs.all(id) as number[]);
        if (!seqs.every((seq) => present.has(seq))) return false;
        for (const seq of seqs) s.deleteRecapInputAt.run(seq);
        bodies.forEach((body, i) => s.putRecapInputAt.run(seqs[i], id, body));
        s.dropCache.run(id);
        return true;
      })();
    },
    countEvents(id: number): number {
      return s.countEvents.get(id) as number;
    },
    catalog(): Product[] {
      return (s.catalog.all() as string[]).map((b) => JSON.parse(b) as Product);
    },
    upsertProduct(p: Product, at: number): void {
      s.upsertProduct.run(p.sku, JSON.stringify(p), at);
    },
    runsheet(): RunsheetItem[] {
      return (s.runsheet.all() as { item_id: number; position: number; body: string }[]).map((r) => ({
        ...(JSON.parse(r.body) as RunsheetItemInput),
        itemId: r.item_id,
        position: r.position,
      }));
    },
    insertItem(item: RunsheetItemInput, position: number): number {
      return Number(s.insertItem.run(position, JSON.stringify(item)).lastInsertRowid);
    },
    updateItem(itemId: number, item: RunsheetItemInput): boolean {
      return s.updateItem.run(JSON.stringify(item), itemId).changes === 1;
    },
    moveItem(itemId: number, position: number): void {
      s.moveItem.run(position, itemId);
    },
    deleteItem(itemId: number): boolean {
      return s.deleteItem.run(itemId).changes === 1;
    },
    audit(at: number, actor: string, action: string, detail: unknown): void {
      s.audit.run(at, actor, action, JSON.stringify(detail));
    },
    auditTail(limit = 100): AuditRow[] {
      return (s.auditTail.all(limit) as { seq: number; at: number; actor: string; action: string; detail: string }[]).map((r) => ({
        ...r,
        detail: JSON.parse(r.detail) as unknown,
      }));
    },
    /** One grant in the durable log; `dealId` is the coupon's id for a coupon. */
    insertGrant(dealId: string, userId: string, qty: number, at: number, kind: GrantKind = 'deal'): void {
      s.insertGrant.run(dealId, userId, qty, at, kind);
    },
    /** Units (or coupons) granted per user for a deal (or coupon), from the durable grant log. */
    grantsOfDeal(dealId: string): { userId: string; qty: number }[] {
      return s.grantsOfDeal.all(dealId) as { userId: string; qty: number }[];
    },
    /** Every grant of these coupons, from the durable grant log (what the recap's coupons table counts). */
    couponGrants(couponIds: Iterable<string>): { couponId: string; qty: number; at: number }[] {
      const out: { couponId: string; qty: number; at: number }[] = [];
      for (const id of couponIds) out.push(...(s.couponGrants.all(id) as { couponId: string; qty: number; at: number }[]));
      return out;
    },
    /**
     * What a session's derived figures depend on: its events, the moderators' marks, the promoter
     * rules and whether it ended. A cached recap is valid while this stays the same.
     */
    sessionStamp(id: number): string {
      return s.sessionStamp.get({ id }) as string;
    },
    cachedRecap(id: number, key: string, stamp: string): string | null {
      const body = (s.cached.get(id, key, stamp) as string | undefined) ?? null;
      if (body !== null && !db.readonly) {
        try {
          s.touchCache.run(Date.now(), id, key);
        } catch {
          // Recency is a hint for eviction; a busy or full disk must not fail the read.
        }
      }
      return body;
    },
    /**
     * Keeps a recap under its key and stamp, then evicts the least recently used until a show's
     * windowed recaps (a time window or one platform: what anyone holding a viewer token can vary) are
     * within the show's bound and all kept recaps within the total one, windowed before whole-show ones
     * (a few per show: the recap, its reports, its period facts). Distinct windows cannot fill the
     * disk. The one just kept stays.
     */
    putCachedRecap(id: number, key: string, stamp: string, body: string): void {
      db.transaction(() => {
        s.putCache.run(id, key, stamp, body);
        s.putCacheUse.run(id, key, Buffer.byteLength(body), Date.now(), windowedKey(key) ? 1 : 0);
        const evict = (victims: Iterable<unknown>, over: number) => {
          for (const v of victims as Iterable<{ session_id: number; key: string; bytes: number }>) {
            if (over <= 0) break;
            s.evictCache.run(v.session_id, v.key);
            s.evictCacheUse.run(v.session_id, v.key);
            over -= v.bytes;
          }
        };
        const showOver = (s.windowedBytesOfShow.get(id) as number) - cacheShowBytes;
        if (showOver > 0) evict(s.cacheVictimsOfShow.all(id, key), showOver);
        const totalOver = (s.cacheBytes.get() as number) - cacheTotalBytes;
        if (totalOver > 0) evict(s.cacheVictims.all(id, key), totalOver);
      })();
    },
    /** Bytes of kept recaps: of one show, or in all. */
    keptRecapBytes(id?: number): number {
      return (id === undefined ? s.cacheBytes.get() : s.cacheBytesOfShow.get(id)) as number;
    },
    /** Every reached-paid order of every session, for buyers across sessions. */
    paidOrders(): { platform: string; userId: string; sessionId: number; sessionStartedAt: number; ts: number; amountFen: number }[] {
      return s.paidOrders.all() as { platform: string; userId: string; sessionId: number; sessionStartedAt: number; ts: number; amountFen: number }[];
    },
    /** Sessions whose start is in [from, to), oldest first. */
    sessionsStartedIn(from: number, to: number): SessionRow[] {
      return (s.sessionsStartedIn.all(from, to) as RawSession[]).map(toSession);
    },
    /** The session's reached-paid orders as the orders table folds them (see `nextOrder`). */
    paidOrdersOfSession(id: number): { platform: string; userId: string; sku: string; qty: number; amountFen: number }[] {
      return s.paidOrdersOfSession.all(id) as { platform: string; userId: string; sku: string; qty: number; amountFen: number }[];
    },
    /** Of these buyers ([platform, userId]), those with a reached-paid order in a session started before `at`. */
    boughtBefore(buyers: readonly (readonly [string, string])[], at: number): [string, string][] {
      if (buyers.length === 0) return [];
      return s.boughtBefore.all(JSON.stringify(buyers), at) as [string, string][];
    },
    /** Whether any stored event came from this platform. */
    platformSeen(platform: string): boolean {
      return s.platformSeen.get(platform) !== undefined;
    },
    promoterRules(): Record<string, unknown> {
      return Object.fromEntries((s.promoterRules.all() as { promoter: string; rule: string }[]).map((r) => [r.promoter, JSON.parse(r.rule) as unknown]));
    },
    setPromoterRule(promoter: string, rule: unknown): void {
      s.setPromoterRule.run(promoter, JSON.stringify(rule));
    },
    commentStates(sessionId: number): CommentStateRow[] {
      return (s.commentStates.all(sessionId) as { key: string; status: CommentStateRow['status']; claimed_by: string | null; prompted: number }[]).map(
        (r) => ({ key: r.key, status: r.status, claimedBy: r.claimed_by, prompted: r.prompted === 1 }),
      );
    },
    setCommentState(sessionId: number, row: CommentStateRow, at: number): void {
      s.setCommentState.run(row.key, sessionId, row.status, row.claimedBy, row.prompted ? 1 : 0, at);
    },
  };
}
