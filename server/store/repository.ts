/**
 * The hub's one writer to SQLite, as one object over one `Db`: each table group's statements are
 * prepared once in its own module (`repos/`), and this facade joins them, so callers use one
 * `repo.…` whatever table they touch. Used from the hub's single thread.
 */
import type { Db } from './db.js';
import { createEventsRepo } from './repos/events.js';
import { createGrantsRepo } from './repos/grants.js';
import { createPlanRepo } from './repos/plan.js';
import { createRecapCacheRepo, type RecapCacheLimits } from './repos/recap-cache.js';
import { createSessionsRepo } from './repos/sessions.js';
import { createStudioRepo } from './repos/studio.js';

export type { EventFilter } from './repos/events.js';
export type { GrantKind } from './repos/grants.js';
export { RECAP_CACHE_SHOW_BYTES, RECAP_CACHE_TOTAL_BYTES, type RecapCacheLimits } from './repos/recap-cache.js';
export type { SessionRow } from './repos/sessions.js';
export type { AuditRow, CommentStateRow } from './repos/studio.js';

export type Repository = ReturnType<typeof createRepository>;

export function createRepository(db: Db, options: { recapCache?: RecapCacheLimits } = {}) {
  const recapCache = createRecapCacheRepo(db, options);
  const events = createEventsRepo(db, { dropKeptRecaps: recapCache.dropKeptRecaps });
  const sessions = createSessionsRepo(db);
  const plan = createPlanRepo(db);
  const studio = createStudioRepo(db);
  const grants = createGrantsRepo(db);
  // Joined by spreading: a name two groups declared would silently lose one of them.
  const seen = new Set<string>(['db']);
  for (const group of [events, sessions, plan, studio, grants, recapCache]) {
    for (const name of Object.keys(group)) {
      if (seen.has(name)) throw new Error(`repository: "${name}" is declared by two table groups`);
      seen.add(name);
    }
  }
  return { db, ...events, ...sessions, ...plan, ...studio, ...grants, ...recapCache };
}
