/**
 * The relay (DESIGN §11): `server.ts` is `livedeck relay`, the public side that keeps platforms'
 * webhook deliveries in its outbox (`outbox.ts`); `pull.ts` is the hub's side that takes them.
 */
export { createRelay, DEFAULT_DELIVERY_ANSWER, DEFAULT_RELAY_LIMITS, type Relay, type RelayLimits, type RelayOptions } from './server.js';
export { createRelayPull, stableHubId, type RelayPull, type RelayPullOptions, type RelayState, type RelayStatus } from './pull.js';
export { DEFAULT_OUTBOX_LIMITS, type OutboxLimits } from './outbox.js';
