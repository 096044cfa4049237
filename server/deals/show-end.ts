/** A show's live deals and coupons end with it. */
import type { HubContext } from '../control/context.js';
import { endCoupon } from './coupons.js';
import { endDeal } from './handlers.js';
import type { Ended } from './once.js';

/**
 * Ends every live deal and coupon of the live show (reason `session_end`), each recorded before the
 * model changes, so connectors take them down and the recap knows when they stopped. Stops at the
 * first end the store refuses and answers it: the show must not end with a deal half-ended.
 */
export async function endShowOffers(ctx: HubContext, actor: string): Promise<Ended> {
  let ended = false;
  for (const d of ctx.live.deals()) {
    if (d.endedAt !== null) continue;
    const r = await endDeal(ctx, d.dealId, 'session_end', actor);
    if (!r.ok) return r;
    ended ||= r.ended;
  }
  for (const c of ctx.live.coupons()) {
    if (c.endedAt !== null) continue;
    const r = await endCoupon(ctx, c.couponId, 'session_end', actor);
    if (!r.ok) return r;
    ended ||= r.ended;
  }
  return { ok: true, ended };
}
