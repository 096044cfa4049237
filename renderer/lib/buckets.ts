/**
 * Pure helpers over the hub's buckets. A bucket is replaced whole by `sec` (ticks carry the current
 * value of every bucket they touch), seconds are kept for a bounded window, and `online = -1`
 * ("no viewer snapshot in that second") carries the last known value forward.
 */
import type { Bucket } from '../../server/protocol/index.js';

/** Seconds of per-second history the control room keeps (and draws in the "last 30 minutes" view). */
export const SECONDS_KEPT = 30 * 60;

export const emptyBucket = (sec: number): Bucket => ({ sec, gmvFen: 0, orders: 0, units: 0, comments: 0, online: -1, enters: 0, clicks: 0 });

/** Replaces buckets by `sec`. */
export function mergeBuckets(into: Map<number, Bucket>, incoming: readonly Bucket[]): void {
  for (const b of incoming) into.set(b.sec, b);
}

/** Drops per-second buckets older than `keepSec` before the newest one, so memory stays bounded. */
export function pruneOlderThan(map: Map<number, Bucket>, newestSec: number, keepSec: number): void {
  const cutoff = newestSec - keepSec;
  for (const sec of map.keys()) if (sec <= cutoff) map.delete(sec);
}

/** The buckets in time order. */
export const sorted = (map: Map<number, Bucket>): Bucket[] => [...map.values()].sort((a, b) => a.sec - b.sec);

/**
 * The most minutes a live chart draws (seven days, as the recap's cap): a show's minute buckets are
 * drawn without holes, so one bucket from 1970 or the year 3000 must not make a row per minute between.
 */
export const MAX_CHART_MINUTES = 7 * 24 * 60;

/**
 * Minute buckets from `fromSec` to `toSec` (inclusive, both minute-aligned) with no holes: a minute
 * in which nothing happened is drawn as zero, not skipped. A span over {@link MAX_CHART_MINUTES}
 * keeps its newest minutes: what an absurd timestamp costs is bounded, not the show's last week.
 */
export function contiguousMinutes(map: Map<number, Bucket>, fromSec: number, toSec: number): Bucket[] {
  const out: Bucket[] = [];
  if (!Number.isFinite(fromSec) || !Number.isFinite(toSec) || toSec < fromSec) return out;
  const start = Math.max(fromSec, toSec - (MAX_CHART_MINUTES - 1) * 60);
  for (let sec = start; sec <= toSec; sec += 60) out.push(map.get(sec) ?? emptyBucket(sec));
  return out;
}

/**
 * `[sec, online]` pairs with unknown seconds (-1) carried forward from the last known value; leading
 * unknowns take `seed` (the value before the window), or are skipped when there is none.
 */
export function onlineSeries(buckets: readonly Bucket[], seed = -1): [number, number][] {
  const out: [number, number][] = [];
  let last = seed;
  for (const b of buckets) {
    if (b.online >= 0) last = b.online;
    if (last >= 0) out.push([b.sec, last]);
  }
  return out;
}

export const minuteOf = (sec: number): number => Math.floor(sec / 60) * 60;
