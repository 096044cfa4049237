/** The brand mall's claim messages (`/mall` `deal.claim`, `deal.claims`, `coupon.claim`). */
import { z } from 'zod';

export const dealClaimSchema = z.object({
  dealId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
  qty: z.number().int().min(1).max(1000),
});
export type DealClaim = z.infer<typeof dealClaimSchema>;

/** Most claims one `deal.claims` message may carry. */
export const MAX_CLAIMS_PER_MESSAGE = 1000;

/**
 * `deal.claims`: many buyers' claims in one message, as a shop backend fanning out a rush sends them,
 * answered by one ack `{answers}` where `answers[i]` answers `claims[i]`. Only the array is checked
 * here; each item is parsed with `dealClaimSchema` on its own, so a bad item is answered `invalid`
 * without failing the others. Claims are decided in array order and acked after one commit.
 */
export const dealClaimsSchema = z.array(z.unknown()).min(1).max(MAX_CLAIMS_PER_MESSAGE);

export const couponClaimSchema = z.object({
  couponId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
});
export type CouponClaim = z.infer<typeof couponClaimSchema>;
