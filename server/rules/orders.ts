/**
 * Order folding: how an order's events, in whatever order they arrive, make its state (DESIGN §3, §6).
 * The one home of this rule: the orders table (server/store), the live model's ledger, the recap and
 * its insights all fold with these functions. Pure, no I/O and no schema import, so the hub, the recap
 * worker and the renderer can all load it.
 *
 * The rules:
 * - Status only moves forward by rank: created 0 < paid 1 < cancelled 2 < refunded 3.
 * - An order reached paid when any of its events says `paid` or `refunded` (a refund implies a payment);
 *   its paid time is the ts of the earliest such event.
 * - The earliest event says who bought what for how much: its ts is the order's time, and its userId,
 *   sku, qty and amountFen are the order's. **Tie-break** (the one used everywhere an order is folded):
 *   of events with equal ts the one with the smallest event id, in code-unit order, is the earlier.
 * - `dealId` and `promoter` come from the earliest event (same tie-break) that carries one; an event
 *   without one never clears it.
 * - `refundFen` is the largest refunded-so-far amount seen; an order whose status is `refunded` counts
 *   as refunded in full (its amountFen). Refunds only count for an order that reached paid.
 */

/** An order's status, as the protocol names them. */
export type OrderStatusName = 'created' | 'paid' | 'refunded' | 'cancelled';

/** Status rank: an order only ever moves to a higher rank, whatever order its events arrive in. */
export const statusRank: Readonly<Record<OrderStatusName, number>> = { created: 0, paid: 1, cancelled: 2, refunded: 3 };
export const RANK_PAID = 1;
export const RANK_REFUNDED = 3;

/** What folding reads of one order event (a protocol `order` event has all of it). */
export interface OrderEventFacts {
  id: string;
  ts: number;
  status: OrderStatusName;
  userId: string;
  sku: string;
  qty: number;
  amountFen: number;
  dealId?: string | null;
  promoter?: string | null;
  refundFen?: number | null;
}

/** An order's folded state: everything needed to fold one more event into it. */
export interface OrderState {
  rank: number;
  reachedPaid: boolean;
  /** ts of the earliest paid-or-refunded event; Infinity until one arrives. */
  paidTs: number;
  /** The order's time: ts of its earliest event. */
  firstTs: number;
  /** Id of that event (the tie-break). */
  firstId: string;
  userId: string;
  sku: string;
  qty: number;
  amountFen: number;
  dealId: string | null;
  /** ts and id of the event `dealId` came from (Infinity / '' while none). */
  dealTs: number;
  dealSrcId: string;
  promoter: string | null;
  promoterTs: number;
  promoterSrcId: string;
  /** Largest `refundFen` seen on any of its events (0 if none). */
  refundSeenFen: number;
}

/** Whether the event at (ts, id) comes before the one at (ts2, id2): ts, then id in code-unit order. */
export function eventBefore(ts: number, id: string, ts2: number, id2: string): boolean {
  return ts < ts2 || (ts === ts2 && id < id2);
}

/** The state of an order whose first (and so far only) event is `e`. */
export function newOrderState(e: OrderEventFacts): OrderState {
  const rank = statusRank[e.status];
  const paid = rank === RANK_PAID || rank === RANK_REFUNDED;
  const dealId = e.dealId ?? null;
  const promoter = e.promoter ?? null;
  return {
    rank,
    reachedPaid: paid,
    paidTs: paid ? e.ts : Infinity,
    firstTs: e.ts,
    firstId: e.id,
    userId: e.userId,
    sku: e.sku,
    qty: e.qty,
    amountFen: e.amountFen,
    dealId,
    dealTs: dealId === null ? Infinity : e.ts,
    dealSrcId: dealId === null ? '' : e.id,
    promoter,
    promoterTs: promoter === null ? Infinity : e.ts,
    promoterSrcId: promoter === null ? '' : e.id,
    refundSeenFen: e.refundFen ?? 0,
  };
}

/**
 * Folds one more event of the order into `o`, in place (the recap folds a million events and keeps one
 * object per order). The result does not depend on the order events are folded in.
 */
export function foldOrderEvent(o: OrderState, e: OrderEventFacts): void {
  const ts = e.ts;
  if (eventBefore(ts, e.id, o.firstTs, o.firstId)) {
    o.firstTs = ts;
    o.firstId = e.id;
    o.userId = e.userId;
    o.sku = e.sku;
    o.qty = e.qty;
    o.amountFen = e.amountFen;
  }
  const rank = statusRank[e.status];
  if (rank > o.rank) o.rank = rank;
  if (rank === RANK_PAID || rank === RANK_REFUNDED) {
    o.reachedPaid = true;
    if (ts < o.paidTs) o.paidTs = ts;
  }
  const dealId = e.dealId;
  // A state without a deal has dealTs Infinity, so the first event carrying one always sets it.
  if (dealId && eventBefore(ts, e.id, o.dealTs, o.dealSrcId)) {
    o.dealId = dealId;
    o.dealTs = ts;
    o.dealSrcId = e.id;
  }
  const promoter = e.promoter;
  if (promoter && eventBefore(ts, e.id, o.promoterTs, o.promoterSrcId)) {
    o.promoter = promoter;
    o.promoterTs = ts;
    o.promoterSrcId = e.id;
  }
  const refund = e.refundFen;
  if (refund && refund > o.refundSeenFen) o.refundSeenFen = refund;
}

/** The state after one more event, leaving `before` as it was (undefined: the order's first event). */
export function nextOrder(before: OrderState | undefined, e: OrderEventFacts): OrderState {
  if (!before) return newOrderState(e);
  const after = { ...before };
  foldOrderEvent(after, e);
  return after;
}

/** Folds a whole order's events (any order, duplicates of one event harmless). */
export function foldOrder(events: Iterable<OrderEventFacts>): OrderState | undefined {
  let o: OrderState | undefined;
  for (const e of events) {
    if (o) foldOrderEvent(o, e);
    else o = newOrderState(e);
  }
  return o;
}

/** Whether the order's final status is `refunded`. */
export const isRefunded = (o: OrderState): boolean => o.rank === RANK_REFUNDED;

/**
 * What the order counts as refunded (DESIGN §6 refunds): its amountFen when its status is `refunded`,
 * else the largest `refundFen` seen; 0 for an order that never reached paid.
 */
export function refundedFen(o: OrderState): number {
  if (!o.reachedPaid) return 0;
  return o.rank === RANK_REFUNDED ? o.amountFen : o.refundSeenFen;
}

/**
 * What storing one order event did to its order, so the live model can count each order once without
 * remembering every order of the session.
 */
export interface OrderChange {
  /** The order reached paid (or went straight to refunded) with this event, for the first time. */
  paid: boolean;
  /** The order became refunded (in full) with this event. */
  refunded: boolean;
  /** How much this event added to what the order counts as refunded (see `refundedFen`). */
  refundDeltaFen: number;
  /** The order after this event: its earliest event's buyer, amount and qty; its deal. */
  userId: string;
  amountFen: number;
  qty: number;
  dealId: string | null;
}

/** The change between an order's state before an event (undefined: first seen) and after it. */
export function orderChange(before: OrderState | undefined, after: OrderState): OrderChange {
  return {
    paid: after.reachedPaid && !before?.reachedPaid,
    refunded: after.rank === RANK_REFUNDED && (before?.rank ?? -1) < RANK_REFUNDED,
    refundDeltaFen: refundedFen(after) - (before ? refundedFen(before) : 0),
    userId: after.userId,
    amountFen: after.amountFen,
    qty: after.qty,
    dealId: after.dealId,
  };
}
