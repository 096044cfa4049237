/** Flash deals' and coupons' front door. */
export { couponHandlers, couponClaimable, endCoupon, type CouponHandlers } from './coupons.js';
export { dealHandlers, endDeal, type DealHandlers } from './handlers.js';
export { createDealsService, END_RETRY_MS, type DealsService, type DealsServiceOptions } from './service.js';
export { endShowOffers } from './show-end.js';
export type { Ended } from './once.js';
export { checkDrop, checkFire, checkLiveShow } from './rules.js';
export { createClaimDesk, decideClaim, type Claimable, type ClaimDesk, type ClaimRequest } from './claims.js';
export { createClaimDesks, type ClaimDesks } from './desks.js';
