/** Flash deals' and coupons' front door. */
export { couponHandlers, couponClaimable, endCoupon, sweepCoupons, type CouponHandlers } from './coupons.js';
export { dealHandlers, endDeal, sweepDeals, type DealHandlers } from './handlers.js';
export { checkDrop, checkFire, checkLiveShow } from './rules.js';
export { createClaimDesk, decideClaim, type Claimable, type ClaimDesk, type ClaimRequest } from './claims.js';
