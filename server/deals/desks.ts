/** The mall's two claim desks over the live model: flash-deal units, and coupons (one a claim). */
import type { LiveModel } from '../live/index.js';
import type { Repository } from '../store/index.js';
import { createClaimDesk } from './claims.js';
import { couponClaimable } from './coupons.js';

export type ClaimDesks = ReturnType<typeof createClaimDesks>;

export function createClaimDesks(deps: { repo: Repository; now: () => number; live: LiveModel }) {
  const { repo, now, live } = deps;
  const deals = createClaimDesk({ repo, now, deal: (id) => live.deal(id), onGranted: (id, total) => live.setClaimed(id, total) });
  const coupons = createClaimDesk({ repo, now, kind: 'coupon', deal: (id) => couponClaimable(live.coupon(id)), onGranted: (id, total) => live.setCouponClaimed(id, total) });
  return {
    deals,
    coupons,
    /** Tells a rebuilt live model what the desks granted (grants are not events). */
    restore(): void {
      for (const d of live.deals()) live.setClaimed(d.dealId, deals.granted(d.dealId));
      for (const c of live.coupons()) live.setCouponClaimed(c.couponId, coupons.granted(c.couponId));
    },
    /** Tallies held in memory: one per deal or coupon that exists (or existed). */
    get tallies(): number {
      return deals.tallies + coupons.tallies;
    },
  };
}
