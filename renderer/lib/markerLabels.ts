/**
 * Which item markers a chart names. When items change quickly their names overprint into noise, so
 * only markers at least a share of the axis apart are named — the newest first (what is on air now
 * matters most), walking back in time. The lines themselves are all drawn.
 */

/** Share of the visible time span kept free between two named markers. */
export const LABEL_GAP_FRACTION = 0.12;

/**
 * The timestamps to name among `ts` (any order) on an axis `spanMs` wide: the newest, then each older
 * one at least `spanMs × gapFraction` before the last one named.
 */
export function labelledMarkers(ts: readonly number[], spanMs: number, gapFraction = LABEL_GAP_FRACTION): Set<number> {
  const kept = new Set<number>();
  const gap = Math.max(0, spanMs) * gapFraction;
  let last = Number.POSITIVE_INFINITY;
  for (const t of [...ts].sort((a, b) => b - a)) {
    if (last - t >= gap) {
      kept.add(t);
      last = t;
    }
  }
  return kept;
}
