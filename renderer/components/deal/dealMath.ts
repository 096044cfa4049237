/**
 * What the deal panel and the on-stream overlay read off a {@link LiveDeal}, as pure functions over
 * the hub's numbers and a clock (the hub's, see `useNow`), so both screens agree to the unit.
 */
import type { LiveCoupon, LiveDeal } from '@protocol';

/** How long the "已抢光 SOLD OUT" moment stays up after a deal sells out. */
export const SOLD_OUT_MOMENT_MS = 5000;

/**
 * Units gone: the larger of paid orders carrying the deal's id (platforms that keep their own stock)
 * and units granted through `/mall` claims (where the hub keeps the stock). One of them is the
 * stock authority for a given deal; taking the larger never shows stock that is already gone.
 */
export function unitsGone(deal: LiveDeal): number {
  return Math.max(deal.sold, deal.claimed);
}

/** Units still to grab, never below zero (a platform may oversell by a few). */
export function unitsLeft(deal: LiveDeal): number {
  return Math.max(0, deal.stock - unitsGone(deal));
}

/** Share of the stock still there, 0…1: the bar that burns down. */
export function leftFraction(deal: LiveDeal): number {
  return deal.stock > 0 ? unitsLeft(deal) / deal.stock : 0;
}

/** Whole seconds until the deal's time runs out (rounded up, so 0 only when it is over). */
export function secondsLeft(deal: Pick<LiveDeal, 'endsAt'>, nowMs: number): number {
  return Math.max(0, Math.ceil((deal.endsAt - nowMs) / 1000));
}

/** `mm:ss` for a countdown (`01:30`), `h:mm:ss` past an hour. */
export function mmss(totalSec: number): string {
  const s = Math.max(0, Math.floor(totalSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mm = String(m).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Price off the list price as a fraction (0.65 = 65% off); 0 when there is no saving to show. */
export function discountFraction(priceFen: number, listPriceFen: number | null | undefined): number {
  if (!listPriceFen || listPriceFen <= 0 || priceFen >= listPriceFen) return 0;
  return 1 - priceFen / listPriceFen;
}

/** Whole percent off for a badge: 65 for ¥69 against ¥199. Floors, so a badge never overstates. */
export function discountPercent(priceFen: number, listPriceFen: number | null | undefined): number {
  return Math.floor(discountFraction(priceFen, listPriceFen) * 100 + 1e-9);
}

/** True when the deal ended because its stock ran out (the reason may trail `endedAt` by one tick). */
export function endedSoldOut(deal: LiveDeal): boolean {
  return deal.endedAt !== null && (deal.endReason === 'sold_out' || (deal.endReason === null && unitsGone(deal) >= deal.stock));
}

/** Seconds from start to sell-out, for the sold-out moment ("300 件 42 秒抢光"). */
export function sellOutSec(deal: LiveDeal): number | null {
  return endedSoldOut(deal) && deal.endedAt !== null ? Math.max(0, (deal.endedAt - deal.startedAt) / 1000) : null;
}

/** What a deal screen shows now: the newest live deal, else a deal still in its sold-out moment, else nothing. */
export type DealView = { phase: 'live'; deal: LiveDeal } | { phase: 'soldOut'; deal: LiveDeal } | null;

export function dealView(deals: readonly LiveDeal[], nowMs: number, sku?: string): DealView {
  const mine = sku === undefined ? deals : deals.filter((d) => d.sku === sku);
  let live: LiveDeal | null = null;
  let soldOut: LiveDeal | null = null;
  for (const d of mine) {
    if (d.endedAt === null) {
      if (!live || d.startedAt >= live.startedAt) live = d;
    } else if (endedSoldOut(d) && nowMs - d.endedAt < SOLD_OUT_MOMENT_MS && nowMs >= d.endedAt - 1000) {
      if (!soldOut || d.endedAt >= (soldOut.endedAt ?? 0)) soldOut = d;
    }
  }
  if (live) return { phase: 'live', deal: live };
  return soldOut ? { phase: 'soldOut', deal: soldOut } : null;
}

/** Coupons still to claim, never below zero. */
export function couponsLeft(coupon: LiveCoupon): number {
  return Math.max(0, coupon.quantity - coupon.claimed);
}

/** Share of the coupons still there, 0…1. */
export function couponLeftFraction(coupon: LiveCoupon): number {
  return coupon.quantity > 0 ? couponsLeft(coupon) / coupon.quantity : 0;
}
