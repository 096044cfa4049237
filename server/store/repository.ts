/**
 * Every SQL statement the hub runs, prepared once. The hub has one writer: this repository, used from
 * the hub's single thread.
 */
import type { Db } from './db.js';
import type { LiveEvent, OrderEvent, OrderStatus, Product, RunsheetItem, RunsheetItemInput, SessionInfo } from '../protocol/index.js';
import { eventBody, storedEvent } from './event-body.js';
import { encodeRecapInput, type RecapInputChunk } from './recap-input.js';

/** Status rank: an order only ever moves to a higher rank, whatever order its events arrive in. */
export const statusRank: Record<OrderStatus, number> = { created: 0, paid: 1, cancelled: 2, refunded: 3 };

/**
 * What storing one order event did to its order. The store knows the order's state before the event,
 * so the live model can count each order once without remembering every order of the session.
 */
export interface OrderChange {
  /** The order reached paid (or went straight to refunded) with this event, for the first time. */
  paid: boolean;
  /** The order became refunded with this event. */
  refunded: boolean;
  /** The order as stored after this event: its earliest event's buyer, amount and qty; its first deal. */
  userId: string;
  amountFen: number;
  qty: number;
  dealId: string | null;
}

/** An order's state as far as counting goes: what the orders table holds for it. */
export interface OrderFacts {
  rank: number;
  reachedPaid: boolean;
  userId: string;
  amountFen: number;
  qty: number;
  dealId: string | null;
  firstTs: number;
}

/**
 * An order's state after one more event, by the rules of the orders table's upsert below: the status
 * only moves up, the earliest event (by ts) says who bought what for how much, the first deal sticks.
 */
export function nextOrder(before: OrderFacts | undefined, e: OrderEvent): OrderFacts {
  const earlier = !before || e.ts < before.firstTs;
  return {
    rank: Math.max(before?.rank ?? -1, statusRank[e.status]),
    reachedPaid: e.status === 'paid' || e.status === 'refunded' || (before?.reachedPaid ?? false),
    userId: earlier ? e.userId : before.userId,
    amountFen: earlier ? e.amountFen : before.amountFen,
    qty: earlier ? e.qty : before.qty,
    dealId: before?.dealId ?? e.dealId ?? null,
    firstTs: earlier ? e.ts : before.firstTs,
  };
}

/** The change between an order's state before an event (undefined: first seen) and after it. */
export function orderChange(before: OrderFacts | undefined, after: OrderFacts): OrderChange {
  return {
    paid: after.reachedPaid && !before?.reachedPaid,
    refunded: after.rank === statusRank.refunded && (before?.rank ?? -1) < statusRank.refunded,
    userId: after.userId,
    amountFen: after.amountFen,
    qty: after.qty,
    dealId: after.dealId,
  };
}

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

type RawSession = { id: number; title: string; started_at: number; ended_at: number | null; auto: number };
const toSession = (r: RawSession): SessionRow => ({
  id: r.id,
  title: r.title,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  auto: r.auto === 1,
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

export function createRepository(db: Db) {
  const s = {
    liveSession: db.prepare('SELECT * FROM sessions WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1'),
    session: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    latestSession: db.prepare('SELECT * FROM sessions ORDER BY id DESC LIMIT 1'),
    sessions: db.prepare('SELECT * FROM sessions ORDER BY id DESC'),
    insertSession: db.prepare('INSERT INTO sessions (title, started_at, ended_at, auto) VALUES (?, ?, ?, ?)'),
    endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    setSpan: db.prepare('UPDATE sessions SET started_at = ?, ended_at = ? WHERE id = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    deleteSessionEvents: db.prepare('DELETE FROM events WHERE session_id = ?'),
    deleteSessionOrders: db.prepare('DELETE FROM orders WHERE session_id = ?'),
    deleteSessionComments: db.prepare('DELETE FROM comment_state WHERE session_id = ?'),
    eventSpan: db.prepare('SELECT min(ts) AS lo, max(ts) AS hi, count(*) AS n FROM events WHERE session_id = ?'),
    insertEvent: db.prepare('INSERT OR IGNORE INTO events (session_id, platform, id, type, ts, body) VALUES (?, ?, ?, ?, ?, ?)'),
    sessionOfEvent: db.prepare('SELECT session_id FROM events WHERE platform = ? AND id = ?').pluck(),
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
    upsertOrder: db.prepare(`
      INSERT INTO orders (platform, order_id, session_id, user_id, sku, qty, amount_fen, status, rank, reached_paid, first_ts, deal_id, promoter)
      VALUES (@platform, @orderId, @sessionId, @userId, @sku, @qty, @amountFen, @status, @rank, @reachedPaid, @ts, @dealId, @promoter)
      ON CONFLICT (platform, order_id) DO UPDATE SET
        status = CASE WHEN excluded.rank > rank THEN excluded.status ELSE status END,
        rank = max(rank, excluded.rank),
        reached_paid = max(reached_paid, excluded.reached_paid),
        user_id = CASE WHEN excluded.first_ts < first_ts THEN excluded.user_id ELSE user_id END,
        sku = CASE WHEN excluded.first_ts < first_ts THEN excluded.sku ELSE sku END,
        qty = CASE WHEN excluded.first_ts < first_ts THEN excluded.qty ELSE qty END,
        amount_fen = CASE WHEN excluded.first_ts < first_ts THEN excluded.amount_fen ELSE amount_fen END,
        promoter = CASE WHEN excluded.first_ts < first_ts THEN excluded.promoter ELSE promoter END,
        deal_id = coalesce(deal_id, excluded.deal_id),
        first_ts = min(first_ts, excluded.first_ts)
    `),
    // Read before the upsert, which is cheaper than the upsert answering with RETURNING.
    orderState: db.prepare(
      'SELECT rank, reached_paid AS reachedPaid, user_id AS userId, amount_fen AS amountFen, qty, deal_id AS dealId, first_ts AS firstTs FROM orders WHERE platform = ? AND order_id = ?',
    ),
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
   * Stores one validated event in a session; false when (platform, id) was already stored. For a stored
   * order event, what it did to its order goes into `orderChanges` when given.
   */
  function insertEvent(sessionId: number, event: LiveEvent, orderChanges?: Map<LiveEvent, OrderChange>): boolean {
    // Alone, it still commits together with its recap input.
    if (depth === 0) return transaction(() => insertEvent(sessionId, event, orderChanges));
    const info = s.insertEvent.run(sessionId, event.platform, event.id, event.type, event.ts, eventBody(event));
    if (info.changes === 0) return false;
    if (event.type === 'order') {
      const change = upsertOrder(sessionId, event);
      orderChanges?.set(event, change);
    }
    unwritten.push({ sessionId, event });
    return true;
  }

  function recapInputRows(id: number): { seq: number; chunk: RecapInputChunk }[] {
    return (s.recapInputRows.all(id) as [number, string][]).map(([seq, body]) => ({ seq, chunk: JSON.parse(body) as RecapInputChunk }));
  }

  function upsertOrder(sessionId: number, e: OrderEvent): OrderChange {
    const rank = statusRank[e.status];
    const row = s.orderState.get(e.platform, e.orderId) as (Omit<OrderFacts, 'reachedPaid'> & { reachedPaid: number }) | undefined;
    const before = row && { ...row, reachedPaid: row.reachedPaid === 1 };
    s.upsertOrder.run({
      platform: e.platform,
      orderId: e.orderId,
      sessionId,
      userId: e.userId,
      sku: e.sku,
      qty: e.qty,
      amountFen: e.amountFen,
      status: e.status,
      rank,
      reachedPaid: e.status === 'paid' || e.status === 'refunded' ? 1 : 0,
      ts: e.ts,
      dealId: e.dealId ?? null,
      promoter: e.promoter ?? null,
    });
    return orderChange(before, nextOrder(before, e));
  }

  return {
    db,
    /** Runs `fn` in one transaction (nested calls join the outer one). */
    transaction,
    insertEvent,
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
    eventSpan(id: number): { lo: number | null; hi: number | null; n: number } {
      return s.eventSpan.get(id) as { lo: number | null; hi: number | null; n: number };
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
    /**
     * What a session's derived figures depend on: its events, the moderators' marks, the promoter
     * rules and whether it ended. A cached recap is valid while this stays the same.
     */
    sessionStamp(id: number): string {
      return s.sessionStamp.get({ id }) as string;
    },
    cachedRecap(id: number, key: string, stamp: string): string | null {
      return (s.cached.get(id, key, stamp) as string | undefined) ?? null;
    },
    putCachedRecap(id: number, key: string, stamp: string, body: string): void {
      s.putCache.run(id, key, stamp, body);
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
