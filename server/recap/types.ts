/**
 * The recap (复盘) contract: what `computeRecap` takes and answers. DESIGN §6 defines the metrics and
 * §9 names the keys; the JSDoc here pins down every edge those sentences leave open, and
 * tests/support/reference-recap.ts implements the same rules independently.
 *
 * Conventions throughout: money is integer fen, time epoch ms, durations in seconds as `ms / 1000`
 * of an integer sum of milliseconds; ratios are plain unrounded fractions and any division by zero
 * gives 0. Nothing is ever rounded.
 */
import type { LiveEvent, Marker } from '../protocol/index.js';

/**
 * What to recap.
 *
 * The window. Without `from`/`to` the recap covers the whole session, closed at both ends:
 * `from` = min(session.startedAt, first event's ts), `to` = the session's end (`session.endAt`), and
 * an event at exactly `to` belongs to it. A given `to` makes the window half-open, `from ≤ t < to`, so
 * adjacent windows split a session without counting anything twice. (Only `from` given: the end is
 * the session's, closed. `to` before `from` is taken as `to = from`.) A `to` at or past the session's
 * end is the session's end, closed as the whole show's is: a window never runs past the end (the first
 * hour of a 40-minute show is the whole show — no minute after the end, its late orders counted).
 *
 * Session end (DESIGN §6). Watching stops at `session.endAt`: viewers, views, online, average online,
 * watch time, clicks, comments, item windows and live time, deals and markers only count up to it
 * (`viewEnd` = min(to, endAt), closed there when it cuts the window short). Orders do not stop: in the
 * whole-session window every order of the session counts, a late one too (an order placed after the
 * end is filed in the last minute and in no item window), and an order's later events — a refund days
 * after the show — always change its money. So a late event never changes a viewing figure.
 *
 * Membership. An order belongs to a window by its order time (the ts of its earliest event), every
 * other event by its own ts, a `stream.gap` by its `fromTs`. Whatever carries state across the
 * window's edges is still read from outside it: the viewer snapshot in force at `from`, a viewer who
 * entered before `from`, the item on air at `from`.
 *
 * The platform filter keeps that platform's events and the control room's own (`item.live`,
 * `deal.started`, `deal.ended`, recorded under the platform `studio`), so item windows and deals
 * still exist when looking at one platform.
 */
export interface RecapInput {
  session: { id: number; title: string; startedAt: number; endAt: number };
  /**
   * The mall's coupon grants (the grant log's `coupon` rows) of the session's coupons, any order;
   * without it, no coupon was claimed. A grant is never an event: claims are decided by the hub.
   */
  couponGrants?: Iterable<CouponGrant>;
  /**
   * The session's stored events: each (platform, id) at most once, sorted by ts ascending. Events
   * with equal ts may come in any order; the recap does not depend on it (see the tie rules below).
   */
  events: Iterable<LiveEvent>;
  from?: number;
  to?: number;
  platform?: string;
}

/**
 * The §6 metrics of one scope: the whole (filtered) audience, or one platform under `byPlatform`.
 *
 * Orders: events are grouped by (platform, orderId). Status only moves forward — created 0 < paid 1
 * < cancelled 2 < refunded 3 — so the final status is the highest rank seen, in any arrival order.
 * An order "reached paid" when any of its events says `paid` or `refunded` (a refund implies a
 * payment), so a cancellation after payment still counts as sold. Its time, userId, sku, qty and
 * amountFen come from its earliest event (equal ts: the smallest event id, by code-unit order). The
 * folding is server/rules/orders.ts, the same the store and the live model use.
 */
export interface RecapMetrics {
  /** Sum of amountFen of orders that reached paid, later refunds included. */
  paidGmvFen: number;
  /**
   * Over orders that reached paid: amountFen where the final status is refunded, else the largest
   * `refundFen` (partial refund) seen on its events, 0 if none.
   */
  refundFen: number;
  /** paidGmvFen − refundFen. */
  netGmvFen: number;
  /** Count of orders that reached paid. */
  orders: number;
  /** Distinct (platform, userId) among those orders. */
  buyers: number;
  /** Sum of qty of those orders. */
  units: number;
  /** paidGmvFen / buyers. */
  aovFen: number;
  /** Count of `viewer.enter` events. */
  views: number;
  /** Distinct (platform, userId) among `viewer.enter` events. */
  viewers: number;
  /**
   * Max over every instant t of the closed interval [from, to] of online(t) — including the value in
   * force at `from`. online(t) is, per platform, the `online` of its latest snapshot with ts ≤ t (0
   * before its first); in total, the sum over platforms. Of one platform's snapshots with the same ts
   * the one with the greatest id is the latest, and a total is only taken once every snapshot of an
   * instant is in, so no half-applied instant is ever a peak.
   */
  peakOnline: number;
  /**
   * Time-weighted mean of online(t) from s0 = max(first snapshot's ts, from) to `to`:
   * (Σ online × ms) / (to − s0). If that span is 0 long, online(s0); with no snapshot at or before
   * `to`, 0. The total uses the first snapshot of any platform, a platform its own first.
   */
  avgOnline: number;
  /**
   * (Σ watched ms / 1000) / viewers. Per (platform, userId), enters and leaves are walked in ts
   * order: an enter while outside opens an interval, a leave while inside closes it, an enter while
   * inside and a leave while outside are ignored; an interval still open closes at `to`; every
   * interval is clipped to [from, to]. An enter and a leave of one viewer at the same ms count as a
   * reconnect: the leave is taken first, so the viewer stays in.
   */
  avgWatchSec: number;
  /** buyers / viewers. */
  conversion: number;
  /** paidGmvFen / views × 1000, computed in that order. */
  gpmFen: number;
}

/**
 * One sku's row. Item windows: every `item.live` (any platform), sorted by (ts, platform, id), starts
 * a window for its sku that ends at the next `item.live`'s ts or, for the last, at the session's end. A sku is
 * listed when one of its windows reaches into the recap window, or it has an order (any status) or
 * a click in the window. Rows are sorted by paidGmvFen descending, then sku.
 */
export interface RecapItem {
  sku: string;
  /** Paid GMV of this sku's reached-paid orders whose order time falls in one of its windows. */
  windowGmvFen: number;
  /** Paid GMV of this sku's reached-paid orders in the recap window, on air or not. */
  paidGmvFen: number;
  /** Refunds (as `RecapMetrics.refundFen`) of those orders. */
  refundFen: number;
  units: number;
  orders: number;
  /** Distinct (platform, userId) among this sku's reached-paid orders. */
  buyers: number;
  /** Distinct (platform, userId) among this sku's `product.click` events. */
  clickers: number;
  /** clickers / viewers (the scope's viewers). */
  ctr: number;
  /** buyers / clickers; a buyer need not have clicked, so this may exceed 1. */
  clickToBuy: number;
  /** Σ window ms clipped to [from, to] / 1000, over every window of this sku. */
  liveSec: number;
}

/**
 * One flash deal, from its `deal.started` (if several carry one dealId, the earliest by
 * (ts, platform, id)). Listed when that event is in the window; sorted by startedAt, then dealId.
 * Its orders are the reached-paid orders in the window whose dealId is this one (an order's dealId is
 * the first one found among its events in (ts, id) order).
 */
export interface RecapDeal {
  dealId: string;
  sku: string;
  /** From `deal.started`, or null when it did not say. */
  priceFen: number | null;
  stock: number;
  /** ts of `deal.started`. */
  startedAt: number;
  /** Sum of qty of its orders. */
  sold: number;
  /**
   * Its orders are walked in order of their paid time (the ts of their earliest paid-or-refunded
   * event; ties by platform, then orderId); (paid time − startedAt) / 1000 of the first one that
   * brings cumulative qty to ≥ stock. null if none does.
   */
  sellOutSec: number | null;
  /** Sum of amountFen of its orders. */
  paidGmvFen: number;
  /** Refunds (as `RecapMetrics.refundFen`) of its orders. */
  refundFen: number;
}

/** One row of the grant log for a coupon: `qty` coupons (one a claim) granted at `at`. */
export interface CouponGrant {
  couponId: string;
  qty: number;
  at: number;
}

/**
 * One coupon dropped in the session (DESIGN §6), from its `coupon.started` (if several carry one
 * couponId, the earliest by (ts, platform, id)). Listed when that event is in the window as far as
 * watching goes (like a deal); sorted by droppedAt, then couponId. Coupons are the control room's:
 * a platform filter keeps them all, and their grants are the mall's (the log has no platform).
 */
export interface RecapCoupon {
  couponId: string;
  title: string;
  /** Off the order (减 Y). */
  discountFen: number;
  /** 满 X: the order total it needs; 0 for none (无门槛). */
  thresholdFen: number;
  /** Coupons it offered. */
  quantity: number;
  /** ts of `coupon.started`. */
  droppedAt: number;
  /**
   * Coupons granted through `/mall` claims: the sum of its grants' qty, wherever they fall (a coupon
   * is only claimable while it is live, within the session).
   */
  claimed: number;
  /**
   * Grants walked in time order: (at − droppedAt) / 1000 of the one that brought the claimed total
   * to ≥ quantity; null if none did.
   */
  claimedOutSec: number | null;
}

/**
 * One calendar minute (epoch-aligned) of the window, from the minute holding `from` to the one holding
 * the window's last instant; every minute has a row, empty ones too, and none past the session's end
 * (see the window rule on RecapInput). Totals over the scope.
 */
export interface RecapMinute {
  /** Epoch ms at which the minute starts. */
  minute: number;
  /** Paid GMV of reached-paid orders whose order time is in this minute (so Σ = paidGmvFen). */
  gmvFen: number;
  orders: number;
  units: number;
  comments: number;
  /** online(t) at the minute's last ms, or at `to` if the window ends before that. */
  online: number;
  /** `viewer.enter` events. */
  enters: number;
  /** `product.click` events. */
  clicks: number;
}

/**
 * The recap of a session or a window of it. `from`/`to` are the effective window (see RecapInput);
 * `platform` echoes the filter. Markers: `item.live` (label: sku), `deal.started` (label: sku),
 * `coupon.started` (kind `coupon`, label: its title; the first of each couponId, as listed),
 * `stream.gap` (at its fromTs, label: platform and gap length), in the window, sorted by ts, kind,
 * label.
 */
export interface Recap extends RecapMetrics {
  sessionId: number;
  title: string;
  startedAt: number;
  endAt: number;
  from: number;
  to: number;
  platform: string | null;
  /**
   * Every platform (the filtered one only, under a platform filter) with at least one non-control
   * event anywhere in the input, in the window or not, so counts and sums in total add up over these.
   */
  byPlatform: Record<string, RecapMetrics>;
  items: RecapItem[];
  deals: RecapDeal[];
  coupons: RecapCoupon[];
  minutes: RecapMinute[];
  markers: Marker[];
}
