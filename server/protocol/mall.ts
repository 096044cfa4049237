/** The brand mall's claim messages (`/mall` `deal.claim`, `coupon.claim`). */
import { z } from 'zod';

export const dealClaimSchema = z.object({
  dealId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
  qty: z.number().int().min(1).max(1000),
});
export type DealClaim = z.infer<typeof dealClaimSchema>;

export const couponClaimSchema = z.object({
  couponId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
});
export type CouponClaim = z.infer<typeof couponClaimSchema>;
