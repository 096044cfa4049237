import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOrderLedger } from '../../server/live/orders.js';
import type { LiveEvent, OrderEvent } from '../../server/protocol/index.js';
import type { OrderChange } from '../../server/rules/orders.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { tempDbFile } from '../support/hub.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

/** Order events of a few orders, in any order, with repeats of the same status and resent ids. */
const orderEvents = fc
  .array(
    fc.record({
      order: fc.integer({ min: 0, max: 5 }),
      platform: fc.constantFrom('douyin', 'taobao'),
      status: fc.constantFrom('created', 'paid', 'refunded', 'cancelled'),
      ts: fc.integer({ min: 0, max: 5_000 }),
      user: fc.integer({ min: 0, max: 3 }),
      qty: fc.integer({ min: 1, max: 5 }),
      amountFen: fc.integer({ min: 0, max: 100_000 }),
      deal: fc.option(fc.constantFrom('D1', 'D2'), { nil: undefined }),
      resend: fc.boolean(),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((rows) => {
    const events: OrderEvent[] = [];
    rows.forEach((r, i) => {
      // A resend repeats an earlier record byte for byte (same platform and id).
      if (r.resend && events.length) return events.push(events[i % events.length]);
      events.push({
        type: 'order',
        platform: r.platform,
        id: `e${i}`,
        ts: T0 + r.ts,
        orderId: `O${r.order}`,
        userId: `u${r.user}`,
        sku: 'S',
        qty: r.qty,
        amountFen: r.amountFen,
        status: r.status,
        dealId: r.deal,
      });
    });
    return events;
  });

describe('the order ledger', () => {
  it('says of every order event what the orders table says it changed, whatever order they arrive in', () => {
    const dbFile = tempDbFile('ledger');
    const db = openDb(dbFile);
    try {
      const repo = createRepository(db);
      const row = db.prepare('SELECT rank, reached_paid AS reachedPaid, user_id AS userId, amount_fen AS amountFen, qty, deal_id AS dealId FROM orders WHERE platform = ? AND order_id = ?');
      fc.assert(
        fc.property(orderEvents, (events) => {
          db.exec('DELETE FROM orders');
          const id = repo.createSession('ledger', T0);
          const ledger = createOrderLedger();
          const reachedPaid = new Set<string>();
          const refunded = new Set<string>();
          for (const e of events.map((x) => ({ ...x }))) {
            const changes = new Map<LiveEvent, OrderChange>();
            repo.insertEvent(id, e, changes);
            const stored = changes.get(e);
            // A resend is refused by the store and never reaches the ledger.
            if (!stored) continue;
            expect(ledger.change(e)).toEqual(stored);
            // The change describes the row as the upsert left it, and flags each transition once.
            const after = row.get(e.platform, e.orderId) as { rank: number; reachedPaid: number; userId: string; amountFen: number; qty: number; dealId: string | null };
            expect(stored).toMatchObject({ userId: after.userId, amountFen: after.amountFen, qty: after.qty, dealId: after.dealId });
            const key = `${e.platform}/${e.orderId}`;
            expect(stored.paid).toBe(after.reachedPaid === 1 && !reachedPaid.has(key));
            expect(stored.refunded).toBe(after.rank === 3 && !refunded.has(key));
            if (after.reachedPaid === 1) reachedPaid.add(key);
            if (after.rank === 3) refunded.add(key);
          }
          db.prepare('DELETE FROM events WHERE session_id = ?').run(id);
        }),
        { numRuns: 200 },
      );
    } finally {
      db.close();
      fs.rmSync(path.dirname(dbFile), { recursive: true, force: true });
    }
  });

  it("counts an order paid once, refunded once, with its earliest event's amount and its earliest deal", () => {
    const ledger = createOrderLedger();
    const o = (id: string, status: OrderEvent['status'], ts: number, amountFen: number, dealId?: string): OrderEvent => ({
      type: 'order',
      platform: 'douyin',
      id,
      ts: T0 + ts,
      orderId: 'O1',
      userId: 'u1',
      sku: 'S',
      qty: 2,
      amountFen,
      status,
      dealId,
    });
    // Refunded arrives first: it counts as paid and refunded at once; the late paid and created change nothing
    // but the amount the order is known by (the earliest event's).
    expect(ledger.change(o('r', 'refunded', 3000, 500))).toEqual({ paid: true, refunded: true, refundDeltaFen: 500, userId: 'u1', amountFen: 500, qty: 2, dealId: null });
    // The earlier event's amount is the order's, so what counts as refunded falls by 500 − 400.
    expect(ledger.change(o('p', 'paid', 2000, 400, 'D1'))).toEqual({ paid: false, refunded: false, refundDeltaFen: 400 - 500, userId: 'u1', amountFen: 400, qty: 2, dealId: 'D1' });
    expect(ledger.change(o('p2', 'paid', 2500, 300, 'D2'))).toMatchObject({ paid: false, refunded: false, amountFen: 400, dealId: 'D1' });
    expect(ledger.change(o('c', 'created', 1000, 400))).toMatchObject({ paid: false, refunded: false });
    expect(ledger.size).toBe(1);
  });
});
