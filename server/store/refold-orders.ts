/**
 * Refolds every order of the file from its stored events (a migration step): the orders table is
 * derived data, and the rule it is derived by lives in server/rules/orders.ts.
 */
import type { OrderEvent } from '../protocol/index.js';
import { foldOrderEvent, newOrderState, type OrderState } from '../rules/orders.js';
import type { Db } from './db.js';
import { storedEvent } from './event-body.js';
import { ORDER_COLUMNS, orderRow } from './order-row.js';

const PAGE = 8192;

export function refoldOrders(db: Db): void {
  const page = db.prepare("SELECT seq, platform, id, ts, body FROM events WHERE type = 'order' AND seq > ? ORDER BY seq LIMIT ?").raw();
  const orders = new Map<string, { platform: string; orderId: string; state: OrderState }>();
  for (let after = 0; ;) {
    const rows = page.all(after, PAGE) as [number, string, string, number, string][];
    if (rows.length === 0) break;
    for (const [seq, platform, id, ts, body] of rows) {
      const e = storedEvent('order', platform, id, ts, body) as OrderEvent;
      const key = `${platform}\u0000${e.orderId}`;
      const known = orders.get(key);
      if (known) foldOrderEvent(known.state, e);
      else orders.set(key, { platform, orderId: e.orderId, state: newOrderState(e) });
      after = seq;
    }
  }
  const update = db.prepare(`UPDATE orders SET ${ORDER_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE platform = ? AND order_id = ?`);
  for (const { platform, orderId, state } of orders.values()) update.run(...orderRow(state), platform, orderId);
}
