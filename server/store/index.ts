/** The store's front door: open the file, then talk to it through the repository. */
export { openDb, migrate, migrations, type Db } from './db.js';
export {
  createRepository,
  RECAP_CACHE_SHOW_BYTES,
  RECAP_CACHE_TOTAL_BYTES,
  type RecapCacheLimits,
  type Repository,
  type SessionRow,
  type CommentStateRow,
  type AuditRow,
  type GrantKind,
} from './repository.js';
export { backfillRecapInput, encodeRecapInput, mergeRecapInput, plannedMerge, recapInputEvents, type RecapInputChunk } from './recap-input.js';
export { eventBody, storedEvent } from './event-body.js';
export { watchOutsideWrites, OUTSIDE_WRITES_POLL_MS } from './outside-writes.js';
