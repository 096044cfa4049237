/**
 * One home per rule: the business rules every layer applies — the hub, the recap, the connectors and
 * the screens — as pure functions over plain data. No I/O, and no runtime import from outside this
 * folder (types only), so the renderer takes it (`@rules`) without zod or the protocol schemas.
 */
export { couponKey, couponTermsProblem, couponTitle, couponYuan, discountUnderThreshold, priceWithCouponFen, type CouponTerms, type CouponTermsProblem } from './coupon.js';
export { floorFen, underFloor, type FlooredProduct } from './floor.js';
export { livePriceFen, onAirPriceFen, type PricedItem, type PricedProduct } from './price.js';
export { linkNosMentioned } from './link.js';
export { blockedWordIn, cleanBlockedWords } from './moderation.js';
export { DEFAULT_PROMPTER, PROMPTER_RATE_PER_LEVEL, prompterPosition } from './prompter.js';
export { generatedSku, normaliseSku } from './sku.js';
export { DEFAULT_KEYWORDS, isQuestion, questionGroupKey, triageComment, type Triage } from './question.js';
export * from './orders.js';
export { knownPlatform, PLATFORM_NAMES, platformName, platformNamesIn, type KnownPlatform, type PlatformLang } from './platforms.js';
