/** Platform ids as connectors send them, folded to the ones the studio streams to (one table: server/rules/platforms.ts, pure). */
export { knownPlatform, type KnownPlatform } from '../../server/rules/platforms.js';
