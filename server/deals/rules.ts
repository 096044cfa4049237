/** Flash-deal (秒杀) and coupon (优惠券) decisions, pure: may this deal fire, this coupon drop? */
import type { AppError, ControlInput, LiveCoupon, LiveDeal, Product } from '../protocol/index.js';

/** Default brand floor: a deal may not go under 30% of list price without an explicit override. */
export const DEFAULT_FLOOR_RATIO = 0.3;

export function floorFen(product: Product): number {
  return Math.ceil(product.listPriceFen * (product.floorRatio ?? DEFAULT_FLOOR_RATIO));
}

/** Why a deal may not fire, or null when it may. */
export function checkFire(input: ControlInput<'deal.fire'>, product: Product | undefined, liveDeals: LiveDeal[]): AppError | null {
  if (!product) return { code: 'unknown_sku', message: `No product ${input.sku} in the catalog.` };
  if (input.priceFen <= 0) return { code: 'bad_price', message: 'The deal price must be above ¥0.' };
  if (input.stock <= 0) return { code: 'bad_stock', message: 'Stock must be at least 1.' };
  const floor = floorFen(product);
  if (input.priceFen < floor && !input.confirmUnderFloor) {
    return {
      code: 'under_floor',
      message: `¥${(input.priceFen / 100).toFixed(2)} is under the brand floor of ¥${(floor / 100).toFixed(2)} for ${product.title}; confirm the override to fire anyway.`,
    };
  }
  const clash = liveDeals.find((d) => d.sku === input.sku && d.endedAt === null);
  if (clash) return { code: 'deal_live', message: `A deal on ${product.title} is already live (${clash.dealId}); stop it first.` };
  return null;
}

/** ¥ without trailing zeros, as a coupon reads: 199, 19.9. */
const yuan = (fen: number) => String(Number((fen / 100).toFixed(2)));

/** A coupon's title from its terms, when the operator gave none: "满199减30", "立减20元". */
export function couponTitle(terms: { discountFen: number; thresholdFen?: number }): string {
  return terms.thresholdFen ? `满${yuan(terms.thresholdFen)}减${yuan(terms.discountFen)}` : `立减${yuan(terms.discountFen)}元`;
}

/** The terms that make two coupons the same drop (a second operator pressing the same preset). */
export function couponKey(c: { sku?: string | null; discountFen: number; thresholdFen?: number }): string {
  return `${c.sku ?? '*'}|${c.thresholdFen ?? 0}|${c.discountFen}`;
}

/** Why a coupon may not drop, or null when it may. */
export function checkDrop(input: ControlInput<'coupon.drop'>, product: Product | undefined, liveCoupons: LiveCoupon[]): AppError | null {
  if (input.sku !== undefined && !product) return { code: 'unknown_sku', message: `No product ${input.sku} in the catalog.` };
  if (input.discountFen <= 0) return { code: 'bad_discount', message: 'The discount must be above ¥0.' };
  if (input.quantity <= 0) return { code: 'bad_quantity', message: 'Quantity must be at least 1 coupon.' };
  if (input.thresholdFen && input.discountFen >= input.thresholdFen) {
    return {
      code: 'bad_threshold',
      message: `满 ¥${yuan(input.thresholdFen)} 减 ¥${yuan(input.discountFen)}: the discount must be under the threshold.`,
    };
  }
  const priceFen = product ? (product.livePriceFen ?? product.listPriceFen) : null;
  if (!input.thresholdFen && priceFen !== null && input.discountFen >= priceFen) {
    return { code: 'bad_discount', message: `¥${yuan(input.discountFen)} off would make ${product!.title} (¥${yuan(priceFen)}) free; give a threshold or a smaller discount.` };
  }
  const key = couponKey(input);
  const clash = liveCoupons.find((c) => c.endedAt === null && couponKey(c) === key);
  if (clash) return { code: 'coupon_live', message: `The same coupon (${clash.title}) is already live (${clash.couponId}); stop it first.` };
  return null;
}
