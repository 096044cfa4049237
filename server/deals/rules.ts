/**
 * Flash-deal (秒杀) and coupon (优惠券) decisions, pure: may this deal fire, this coupon drop? The rules
 * they apply (brand floor, coupon terms, on-air price) live in server/rules.
 */
import type { AppError, ControlInput, LiveCoupon, LiveDeal, Product, SessionInfo } from '../protocol/index.js';
import { couponKey, couponTermsProblem, couponYuan as yuan, floorFen, onAirPriceFen } from '../rules/index.js';

/**
 * Refuses a deal or a coupon while no show is live: it would be recorded into the last show (or
 * none), answer ok, and never reach a screen, a platform or the mall. The operator starts the show
 * first (开播) — or the audience opens one by arriving.
 */
export function checkLiveShow(session: SessionInfo | null, what: 'deal' | 'coupon'): AppError | null {
  if (session && session.endedAt === null) return null;
  return { code: 'no_live_show', message: `No show is live, so the ${what} was not started: start the show (开播) first.` };
}

/** Why a deal may not fire, or null when it may. */
export function checkFire(input: ControlInput<'deal.fire'>, product: Product | undefined, liveDeals: LiveDeal[], studioFloorRatio: number | null = null): AppError | null {
  if (!product) return { code: 'unknown_sku', message: `No product ${input.sku} in the catalog.` };
  if (input.priceFen <= 0) return { code: 'bad_price', message: 'The deal price must be above ¥0.' };
  if (input.stock <= 0) return { code: 'bad_stock', message: 'Stock must be at least 1.' };
  const floor = floorFen(product, studioFloorRatio);
  if (floor !== null && input.priceFen < floor && !input.confirmUnderFloor) {
    return {
      code: 'under_floor',
      message: `¥${(input.priceFen / 100).toFixed(2)} is under the brand floor of ¥${(floor / 100).toFixed(2)} for ${product.title}; confirm the override to fire anyway.`,
    };
  }
  const clash = liveDeals.find((d) => d.sku === input.sku && d.endedAt === null);
  if (clash) return { code: 'deal_live', message: `A deal on ${product.title} is already live (${clash.dealId}); stop it first.` };
  return null;
}

/** Why a coupon may not drop, or null when it may. */
export function checkDrop(input: ControlInput<'coupon.drop'>, product: Product | undefined, liveCoupons: LiveCoupon[]): AppError | null {
  if (input.sku !== undefined && !product) return { code: 'unknown_sku', message: `No product ${input.sku} in the catalog.` };
  const problem = couponTermsProblem(input, onAirPriceFen(null, product));
  if (problem?.code === 'bad_discount' && problem.reason === 'free') {
    return { code: 'bad_discount', message: `¥${yuan(input.discountFen)} off would make ${product!.title} (¥${yuan(problem.priceFen)}) free; give a threshold or a smaller discount.` };
  }
  if (problem) {
    const message = {
      bad_discount: 'The discount must be above ¥0.',
      bad_quantity: 'Quantity must be at least 1 coupon.',
      bad_threshold: `满 ¥${yuan(input.thresholdFen ?? 0)} 减 ¥${yuan(input.discountFen)}: the discount must be under the threshold.`,
    }[problem.code];
    return { code: problem.code, message };
  }
  const key = couponKey(input);
  const clash = liveCoupons.find((c) => c.endedAt === null && couponKey(c) === key);
  if (clash) return { code: 'coupon_live', message: `The same coupon (${clash.title}) is already live (${clash.couponId}); stop it first.` };
  return null;
}
