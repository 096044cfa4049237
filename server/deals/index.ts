/** Flash deals' front door. */
export { dealHandlers, endDeal, sweepDeals, type DealHandlers } from './handlers.js';
export { checkFire, floorFen, DEFAULT_FLOOR_RATIO } from './rules.js';
export { createClaimDesk, decideClaim, type ClaimDesk, type ClaimRequest } from './claims.js';
