/** Kept recaps and reports, valid while their session's stamp holds, bounded per show and in all. */
import type { Db } from '../db.js';

/** Bounds of the recap cache (see `putCachedRecap`). */
export interface RecapCacheLimits {
  /** Bytes of a show's kept windowed recaps (default {@link RECAP_CACHE_SHOW_BYTES}). */
  perShowBytes?: number;
  /** Bytes of kept recaps in all (default {@link RECAP_CACHE_TOTAL_BYTES}). */
  totalBytes?: number;
}

/** Kept windowed recaps per show: a few dozen windows of a long show. */
export const RECAP_CACHE_SHOW_BYTES = 128 * 1024 * 1024;
/** Kept recaps in all: recomputing an old show costs seconds, a full disk stops acks and claims. */
export const RECAP_CACHE_TOTAL_BYTES = 1024 * 1024 * 1024;

/**
 * Kept recaps of a whole show (no window, every platform: `recap:{}`, `report:{}…`, the period
 * facts) are evicted after every windowed one: they are what the team opens, and what a show's end warms.
 */
const windowedKey = (key: string): boolean => /"(from|to|platform)"/.test(key);

export function createRecapCacheRepo(db: Db, options: { recapCache?: RecapCacheLimits } = {}) {
  const cacheShowBytes = options.recapCache?.perShowBytes ?? RECAP_CACHE_SHOW_BYTES;
  const cacheTotalBytes = options.recapCache?.totalBytes ?? RECAP_CACHE_TOTAL_BYTES;
  const s = {
    dropSessionCache: db.prepare('DELETE FROM recap_cache WHERE session_id = ?'),
    // Events are stamped through their recap input, written in the same commit: a few hundred rows
    // for a long show, where counting its events walked a million index entries on every request.
    sessionStamp: db
      .prepare(
        `
      SELECT (SELECT count(*) || ':' || coalesce(max(seq), 0) FROM recap_input WHERE session_id = @id)
        || ':' || (SELECT count(*) || ':' || coalesce(max(updated_at), 0) FROM comment_state WHERE session_id = @id)
        || ':' || (SELECT count(*) || ':' || coalesce(group_concat(rule), '') FROM promoters)
        || ':' || (SELECT coalesce(ended_at, 'live') FROM sessions WHERE id = @id)`,
      )
      .pluck(),
    cached: db.prepare('SELECT body FROM recap_cache WHERE session_id = ? AND key = ? AND stamp = ?').pluck(),
    putCache: db.prepare('INSERT OR REPLACE INTO recap_cache (session_id, key, stamp, body) VALUES (?, ?, ?, ?)'),
    putCacheUse: db.prepare('INSERT OR REPLACE INTO recap_cache_use (session_id, key, bytes, used_at, windowed) VALUES (?, ?, ?, ?, ?)'),
    touchCache: db.prepare('UPDATE recap_cache_use SET used_at = ? WHERE session_id = ? AND key = ?'),
    cacheBytesOfShow: db.prepare('SELECT coalesce(sum(bytes), 0) FROM recap_cache_use WHERE session_id = ?').pluck(),
    windowedBytesOfShow: db.prepare('SELECT coalesce(sum(bytes), 0) FROM recap_cache_use WHERE session_id = ? AND windowed = 1').pluck(),
    cacheBytes: db.prepare('SELECT coalesce(sum(bytes), 0) FROM recap_cache_use').pluck(),
    // Least recently used first, windowed entries before whole-show ones; never the one just kept.
    cacheVictimsOfShow: db.prepare('SELECT session_id, key, bytes FROM recap_cache_use WHERE session_id = ? AND windowed = 1 AND key <> ? ORDER BY used_at'),
    cacheVictims: db.prepare('SELECT session_id, key, bytes FROM recap_cache_use WHERE NOT (session_id = ? AND key = ?) ORDER BY windowed DESC, used_at'),
    evictCache: db.prepare('DELETE FROM recap_cache WHERE session_id = ? AND key = ?'),
    evictCacheUse: db.prepare('DELETE FROM recap_cache_use WHERE session_id = ? AND key = ?'),
  };

  return {
    /** Drops a session's kept recaps and reports (a late event changed what they were made from). */
    dropKeptRecaps(id: number): void {
      s.dropSessionCache.run(id);
    },
    /**
     * What a session's derived figures depend on: its events, the moderators' marks, the promoter
     * rules and whether it ended. A cached recap is valid while this stays the same.
     */
    sessionStamp(id: number): string {
      return s.sessionStamp.get({ id }) as string;
    },
    cachedRecap(id: number, key: string, stamp: string): string | null {
      const body = (s.cached.get(id, key, stamp) as string | undefined) ?? null;
      if (body !== null && !db.readonly) {
        try {
          s.touchCache.run(Date.now(), id, key);
        } catch {
          // Recency is a hint for eviction; a busy or full disk must not fail the read.
        }
      }
      return body;
    },
    /**
     * Keeps a recap under its key and stamp, then evicts the least recently used until a show's
     * windowed recaps (a time window or one platform: what anyone holding a viewer token can vary) are
     * within the show's bound and all kept recaps within the total one, windowed before whole-show ones
     * (a few per show: the recap, its reports, its period facts). Distinct windows cannot fill the
     * disk. The one just kept stays.
     */
    putCachedRecap(id: number, key: string, stamp: string, body: string): void {
      db.transaction(() => {
        s.putCache.run(id, key, stamp, body);
        s.putCacheUse.run(id, key, Buffer.byteLength(body), Date.now(), windowedKey(key) ? 1 : 0);
        const evict = (victims: Iterable<unknown>, over: number) => {
          for (const v of victims as Iterable<{ session_id: number; key: string; bytes: number }>) {
            if (over <= 0) break;
            s.evictCache.run(v.session_id, v.key);
            s.evictCacheUse.run(v.session_id, v.key);
            over -= v.bytes;
          }
        };
        const showOver = (s.windowedBytesOfShow.get(id) as number) - cacheShowBytes;
        if (showOver > 0) evict(s.cacheVictimsOfShow.all(id, key), showOver);
        const totalOver = (s.cacheBytes.get() as number) - cacheTotalBytes;
        if (totalOver > 0) evict(s.cacheVictims.all(id, key), totalOver);
      })();
    },
    /** Bytes of kept recaps: of one show, or in all. */
    keptRecapBytes(id?: number): number {
      return (id === undefined ? s.cacheBytes.get() : s.cacheBytesOfShow.get(id)) as number;
    },
  };
}
