/**
 * Another process may change this database file while the hub runs (`livedeck runsheet import` from a
 * shell while the studio is on air). SQLite's `data_version` moves only for other connections' commits,
 * so watching costs one pragma per beat; the hub re-reads what may have changed.
 */
import type { Db } from './db.js';

/** How often the hub looks for changes another process made to its database file. */
export const OUTSIDE_WRITES_POLL_MS = 1000;

export function watchOutsideWrites(db: Db, changed: () => void, everyMs = OUTSIDE_WRITES_POLL_MS): { stop(): void } {
  let dataVersion = db.pragma('data_version', { simple: true });
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || !db.open) return;
    const version = db.pragma('data_version', { simple: true });
    if (version === dataVersion) return;
    dataVersion = version;
    changed();
  }, everyMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
