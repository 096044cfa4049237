/**
 * Raw events (the source of truth), the orders folded from them and the recap input written with them,
 * in one transaction per batch: the one write path. Events are read back per session.
 */
import type { Db } from '../db.js';
import type { LiveEvent } from '../../protocol/index.js';
import { nextOrder, orderChange, type OrderChange } from '../../rules/orders.js';
import { ORDER_COLUMNS, orderOfRow, orderRow } from '../order-row.js';
import { eventBody, storedEvent } from '../event-body.js';
import { encodeRecapInput, type RecapInputChunk } from '../recap-input.js';

/** Which of a session's events to read (see `eventsOfSession`). */
export interface EventFilter {
  types?: readonly LiveEvent['type'][];
  platforms?: readonly string[];
  from?: number;
  to?: number;
}

/** A session's rows between two seqs (`+session_id`: walk the rowid range, not the session index). */
const EVENTS_IN_RANGE = 'SELECT ts, type, platform, id, body FROM events WHERE seq BETWEEN ? AND ? AND +session_id = ?';

export function createEventsRepo(db: Db, deps: { dropKeptRecaps: (sessionId: number) => void }) {
  const s = {
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
    countEvents: db.prepare('SELECT count(*) FROM events WHERE session_id = ?').pluck(),
    // The order's state is folded in JS (server/rules/orders.ts) and written whole: the one rule.
    putOrder: db.prepare(`
      INSERT INTO orders (platform, order_id, session_id, ${ORDER_COLUMNS.join(', ')})
      VALUES (?, ?, ?, ${ORDER_COLUMNS.map(() => '?').join(', ')})
      ON CONFLICT (platform, order_id) DO UPDATE SET ${ORDER_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}
    `),
    // Read before the write, which is cheaper than the upsert answering with RETURNING.
    orderState: db.prepare(`SELECT session_id, ${ORDER_COLUMNS.join(', ')} FROM orders WHERE platform = ? AND order_id = ?`).raw(),
    paidOrders: db.prepare(`
      SELECT o.platform, o.user_id AS userId, o.session_id AS sessionId, s.started_at AS sessionStartedAt, o.first_ts AS ts, o.amount_fen AS amountFen
      FROM orders o JOIN sessions s ON s.id = o.session_id WHERE o.reached_paid = 1`),
    paidOrdersOfSession: db.prepare('SELECT platform, user_id AS userId, sku, qty, amount_fen AS amountFen FROM orders WHERE session_id = ? AND reached_paid = 1 ORDER BY platform, order_id'),
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
    /** Runs `fn` in one transaction (nested calls join the outer one). */
    transaction,
    insertEvent,
    storeEvent,
    /** The session an order belongs to (that of its first stored event), or null for an order never seen. */
    sessionOfOrder(platform: string, orderId: string): number | null {
      const row = s.orderState.get(platform, orderId) as unknown[] | undefined;
      return row ? (row[0] as number) : null;
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
        rows = db
          .prepare(`${EVENTS_IN_RANGE} AND ${where.join(' AND ')}`)
          .raw()
          .all(...args) as typeof rows;
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
        deps.dropKeptRecaps(id);
        return true;
      })();
    },
    countEvents(id: number): number {
      return s.countEvents.get(id) as number;
    },
    /** Every reached-paid order of every session, for buyers across sessions. */
    paidOrders(): { platform: string; userId: string; sessionId: number; sessionStartedAt: number; ts: number; amountFen: number }[] {
      return s.paidOrders.all() as { platform: string; userId: string; sessionId: number; sessionStartedAt: number; ts: number; amountFen: number }[];
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
  };
}
