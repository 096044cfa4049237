/**
 * The brand floor (品牌底价): the lowest price a flash deal may fire at without an explicit, audited
 * override. It is the brand's number: a product's own floor (the sheet's 品牌底价 column, the item
 * form), else a studio-wide ratio of list price when the studio has set one, else none — LiveDeck never
 * invents a floor. The hub refuses under it, the control room and the import preview warn under it,
 * all from this one rule.
 */

/** The floor fields of a catalog product. */
export interface FlooredProduct {
  listPriceFen: number;
  /** The brand's floor for this product, in fen. */
  floorFen?: number;
  /** The brand's floor as a fraction of list price (older catalogs). */
  floorRatio?: number;
}

/**
 * The product's brand floor in fen, or null when neither the product nor the studio has one.
 * `studioFloorRatio` is the studio's default as a fraction of list price; null (the default) is off.
 */
export function floorFen(product: FlooredProduct, studioFloorRatio: number | null = null): number | null {
  if (product.floorFen !== undefined) return product.floorFen;
  const ratio = product.floorRatio ?? studioFloorRatio;
  return ratio === null || ratio === undefined ? null : Math.ceil(product.listPriceFen * ratio);
}

/** Whether a deal at `priceFen` is under the product's floor (false when there is no floor). */
export function underFloor(priceFen: number, product: FlooredProduct, studioFloorRatio: number | null = null): boolean {
  const floor = floorFen(product, studioFloorRatio);
  return floor !== null && priceFen < floor;
}
