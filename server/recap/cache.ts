/**
 * Recaps of finished sessions are kept, keyed by what they depend on (see `sessionStamp`): a 4-hour
 * show is computed once, and opening its recap again is a lookup. A late event, a question marked
 * answered or a new promoter rule changes the stamp, and the next request computes afresh. Live
 * sessions are never cached.
 */
import type { Repository } from '../store/index.js';

export function cachedOrCompute<T>(repo: Repository, sessionId: number, key: string, compute: () => T | null): T | null {
  const session = repo.session(sessionId);
  if (!session || session.endedAt === null) return compute();
  const stamp = repo.sessionStamp(sessionId);
  const hit = repo.cachedRecap(sessionId, key, stamp);
  if (hit !== null) return JSON.parse(hit) as T;
  const value = compute();
  // A read-only connection (the recap worker's) cannot keep it: the hub keeps what the worker sends.
  if (value !== null && !repo.db.readonly) {
    try {
      repo.putCachedRecap(sessionId, key, stamp, JSON.stringify(value));
    } catch {
      // A cache that cannot be written (read-only or full disk) only costs time.
    }
  }
  return value;
}
