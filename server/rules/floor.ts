/**
 * The brand floor (品牌底价): the lowest price a flash deal may fire at without an explicit, audited
 * override. The hub refuses under it and the control room warns under it, from this one rule.
 */

/** The floor fields of a catalog product. */
export interface FlooredProduct {
  listPriceFen: number;
  /** The brand's floor as a fraction of list price. */
  floorRatio?: number;
}

/** Default brand floor: a deal may not go under 30% of list price without an explicit override. */
export const DEFAULT_FLOOR_RATIO = 0.3;

/** The product's brand floor in fen. */
export function floorFen(product: FlooredProduct): number {
  return Math.ceil(product.listPriceFen * (product.floorRatio ?? DEFAULT_FLOOR_RATIO));
}
