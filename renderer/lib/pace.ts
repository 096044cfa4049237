/**
 * Pace: the last ten minutes against the ten before, from minute buckets, so the host and producer
 * hear "clicks fell 40% since the last stretch" while they can still act on it.
 */
import type { Bucket } from '../../server/protocol/index.js';

export type PaceMetric = 'enters' | 'comments' | 'clicks' | 'gmv';

export interface PaceLine {
  metric: PaceMetric;
  /** Per-minute average over the last window. */
  lastPerMin: number;
  /** Per-minute average over the window before. */
  prevPerMin: number;
  /** (last − prev) / prev as a fraction; null when the earlier window had none. */
  change: number | null;
}

export interface Pace {
  /** False until there are two full windows of data to compare. */
  ready: boolean;
  lines: PaceLine[];
}

/** A change smaller than this is "steady" and not worth a producer's attention. */
export const PACE_THRESHOLD = 0.15;

const fieldOf: Record<PaceMetric, (b: Bucket) => number> = {
  enters: (b) => b.enters,
  comments: (b) => b.comments,
  clicks: (b) => b.clicks,
  gmv: (b) => b.gmvFen,
};

/**
 * Compares the last `windowMin` complete minutes before `nowSec` with the `windowMin` before them.
 * The running minute is left out: it is partial and would always look like a drop.
 * `sinceSec` is when data starts (session start): a window reaching before it is not comparable.
 */
export function computePace(minutes: ReadonlyMap<number, Bucket>, nowSec: number, sinceSec: number, windowMin = 10): Pace {
  const currentMinute = Math.floor(nowSec / 60) * 60;
  const lastStart = currentMinute - windowMin * 60;
  const prevStart = lastStart - windowMin * 60;
  const ready = sinceSec <= prevStart;
  const sum = (from: number, metric: PaceMetric) => {
    let total = 0;
    for (let sec = from; sec < from + windowMin * 60; sec += 60) {
      const b = minutes.get(sec);
      if (b) total += fieldOf[metric](b);
    }
    return total / windowMin;
  };
  const lines = (Object.keys(fieldOf) as PaceMetric[]).map((metric) => {
    const lastPerMin = sum(lastStart, metric);
    const prevPerMin = sum(prevStart, metric);
    return { metric, lastPerMin, prevPerMin, change: prevPerMin > 0 ? (lastPerMin - prevPerMin) / prevPerMin : null };
  });
  return { ready, lines };
}

/** The lines worth saying out loud, biggest change first. */
export function notablePace(pace: Pace, threshold = PACE_THRESHOLD): PaceLine[] {
  if (!pace.ready) return [];
  return pace.lines.filter((l) => l.change !== null && Math.abs(l.change) >= threshold).sort((a, b) => Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0));
}
