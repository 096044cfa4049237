/**
 * An order's folded state (server/rules/orders.ts) as a row of the orders table, and back. The state is
 * folded in JS and written whole, so the table holds exactly what the rule says.
 */
import type { OrderState } from '../rules/orders.js';

/** The orders table's columns that hold an order's folded state (`OrderState`), in this order. */
export const ORDER_COLUMNS = [
  'status',
  'rank',
  'reached_paid',
  'paid_ts',
  'first_ts',
  'first_id',
  'user_id',
  'sku',
  'qty',
  'amount_fen',
  'deal_id',
  'deal_ts',
  'deal_src',
  'promoter',
  'promoter_ts',
  'promoter_src',
  'refund_fen',
] as const;
const STATUS_OF_RANK = ['created', 'paid', 'cancelled', 'refunded'] as const;
/** Infinity (no such event yet) is stored as NULL. */
const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

export function orderRow(o: OrderState): unknown[] {
  return [
    STATUS_OF_RANK[o.rank],
    o.rank,
    o.reachedPaid ? 1 : 0,
    finiteOrNull(o.paidTs),
    o.firstTs,
    o.firstId,
    o.userId,
    o.sku,
    o.qty,
    o.amountFen,
    o.dealId,
    finiteOrNull(o.dealTs),
    o.dealSrcId,
    o.promoter,
    finiteOrNull(o.promoterTs),
    o.promoterSrcId,
    o.refundSeenFen,
  ];
}

/** The state of an order row read as `[session_id, ...ORDER_COLUMNS]`. */
export function orderOfRow(r: unknown[]): OrderState {
  const ts = (v: unknown) => (v === null ? Infinity : (v as number));
  return {
    rank: r[2] as number,
    reachedPaid: r[3] === 1,
    paidTs: ts(r[4]),
    firstTs: r[5] as number,
    firstId: r[6] as string,
    userId: r[7] as string,
    sku: r[8] as string,
    qty: r[9] as number,
    amountFen: r[10] as number,
    dealId: r[11] as string | null,
    dealTs: ts(r[12]),
    dealSrcId: r[13] as string,
    promoter: r[14] as string | null,
    promoterTs: ts(r[15]),
    promoterSrcId: r[16] as string,
    refundSeenFen: r[17] as number,
  };
}
