/** The brand mall's claim message (`/mall` `deal.claim`). */
import { z } from 'zod';

export const dealClaimSchema = z.object({
  dealId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
  qty: z.number().int().min(1).max(1000),
});
export type DealClaim = z.infer<typeof dealClaimSchema>;
