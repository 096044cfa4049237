/** Flash-deal (秒杀) decisions, pure: may this deal fire? */
import type { AppError, ControlInput, LiveDeal, Product } from '../protocol/index.js';

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
