/**
 * The orders table's rules, in memory: for replaying stored events into the live model, where each
 * order's change is worked out here instead of asked of the store. It remembers every order it sees,
 * so the hub uses it only while rebuilding; live, the store says what each order event changed. The
 * folding itself is server/rules/orders.ts, the same the store uses.
 */
import type { OrderEvent } from '../protocol/index.js';
import { nextOrder, orderChange, type OrderChange, type OrderState } from '../rules/orders.js';

export type OrderLedger = ReturnType<typeof createOrderLedger>;

export function createOrderLedger() {
  const orders = new Map<string, OrderState>();
  return {
    /** Records one new order event (never a duplicate) as the orders table does; answers what it changed. */
    change(e: OrderEvent): OrderChange {
      const key = `${e.platform}\u0000${e.orderId}`;
      const before = orders.get(key);
      const after = nextOrder(before, e);
      orders.set(key, after);
      return orderChange(before, after);
    },
    get size(): number {
      return orders.size;
    },
  };
}
