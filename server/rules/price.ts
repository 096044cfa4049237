/**
 * The on-air price (直播价): what the host says, the prompter and the big screen show and the platforms
 * are pinned with while an item is on air. The run-sheet row's own live price wins over the product's,
 * and a product without a live price sells at its list price.
 */

/** The price fields of a run-sheet row (any row-like object: an item, an imported row). */
export interface PricedItem {
  livePriceFen?: number | null;
}

/** The price fields of a catalog product. */
export interface PricedProduct {
  listPriceFen: number;
  livePriceFen?: number | null;
}

/**
 * The live price set for a row: the row's, else its product's; null when neither says (then the row
 * sells at list price). This is what a run-sheet export writes in its 直播价 column.
 */
export function livePriceFen(item: PricedItem | null | undefined, product: PricedProduct | null | undefined): number | null {
  return item?.livePriceFen ?? product?.livePriceFen ?? null;
}

/**
 * The price on air: the row's live price, else the product's, else its list price; null only when
 * there is no product to price (a row whose sku is not in the catalog and has no price of its own).
 */
export function onAirPriceFen(item: PricedItem | null | undefined, product: PricedProduct | null | undefined): number | null {
  return livePriceFen(item, product) ?? product?.listPriceFen ?? null;
}
