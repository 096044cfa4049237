/**
 * Coupon terms (优惠券): `discountFen` off, and with `thresholdFen` only on orders of at least that
 * much (满 X 减 Y); without it, off anything (无门槛). What makes terms sound, how they read to buyers,
 * and what makes two drops the same coupon — for the hub's drop, the run-sheet's preset and the forms.
 */

/** The terms of a coupon; `thresholdFen` 0 or absent: no threshold. */
export interface CouponTerms {
  discountFen: number;
  thresholdFen?: number | null;
}

/** Why terms are not sound, as a code the screens translate (`coupon.errors.<code>`). */
export type CouponTermsProblem =
  | { code: 'bad_discount'; reason: 'not_positive' }
  /** No threshold, and the discount would make the product free. */
  | { code: 'bad_discount'; reason: 'free'; priceFen: number }
  | { code: 'bad_quantity' }
  /** 满 X 减 Y with Y ≥ X. */
  | { code: 'bad_threshold' };

/** ¥ without trailing zeros, as a coupon reads: 199, 19.9. */
export function couponYuan(fen: number): string {
  return String(Number((fen / 100).toFixed(2)));
}

/** A coupon's title from its terms, when the operator gave none: "满199减30", "立减20元". */
export function couponTitle(terms: CouponTerms): string {
  return terms.thresholdFen ? `满${couponYuan(terms.thresholdFen)}减${couponYuan(terms.discountFen)}` : `立减${couponYuan(terms.discountFen)}元`;
}

/** The terms that make two coupons the same drop (a second operator pressing the same preset). */
export function couponKey(c: CouponTerms & { sku?: string | null }): string {
  return `${c.sku ?? '*'}|${c.thresholdFen ?? 0}|${c.discountFen}`;
}

/** 满 X 减 Y holds together: no threshold, or a discount under it. */
export function discountUnderThreshold(terms: CouponTerms): boolean {
  return !terms.thresholdFen || terms.discountFen < terms.thresholdFen;
}

/**
 * What is wrong with a coupon's terms, or null when they are sound: a discount above ¥0, at least one
 * coupon, a discount under its threshold, and — for a coupon without a threshold on a product priced
 * `priceFen` — a discount that leaves something to pay.
 */
export function couponTermsProblem(terms: CouponTerms & { quantity: number }, priceFen: number | null = null): CouponTermsProblem | null {
  if (terms.discountFen <= 0) return { code: 'bad_discount', reason: 'not_positive' };
  if (terms.quantity <= 0) return { code: 'bad_quantity' };
  if (!discountUnderThreshold(terms)) return { code: 'bad_threshold' };
  if (!terms.thresholdFen && priceFen !== null && terms.discountFen >= priceFen) return { code: 'bad_discount', reason: 'free', priceFen };
  return null;
}

/**
 * What a buyer pays for one unit at `priceFen` with the coupon, when it applies: good on this product
 * (or the whole shop) and the price reaches its threshold. Null when it does not apply, so a screen
 * never shows a 券后价 nobody gets.
 */
export function priceWithCouponFen(priceFen: number, coupon: CouponTerms & { sku?: string | null }, sku: string): number | null {
  if (coupon.sku && coupon.sku !== sku) return null;
  if (coupon.thresholdFen && priceFen < coupon.thresholdFen) return null;
  return Math.max(0, priceFen - coupon.discountFen);
}
