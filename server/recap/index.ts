/** The recap's front door: the pure engine, its contract, and the store-backed entry point. */
export { computeRecap } from './compute.js';
export { recapFromStore, type RecapQuery } from './from-store.js';
export type { CouponGrant, Recap, RecapCoupon, RecapDeal, RecapInput, RecapItem, RecapMetrics, RecapMinute } from './types.js';
