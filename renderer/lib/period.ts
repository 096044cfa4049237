/**
 * The period picker's arithmetic, in the browser's local time (the studio's): days as `2026-11-01`
 * (what the URL keeps), presets as [from, to) ranges of local midnights, and which preset a range is.
 */

export type PeriodPreset = 'thisMonth' | 'lastMonth' | 'last7' | 'last30' | 'custom';
export const PERIOD_PRESETS: readonly PeriodPreset[] = ['thisMonth', 'lastMonth', 'last7', 'last30', 'custom'];

export interface PeriodRange {
  /** Local midnight, included. */
  from: number;
  /** Local midnight, excluded. */
  to: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-01` for the local day holding `ms`. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight of `2026-11-01`, or epoch ms given as digits; null for anything else. */
export function parseDay(text: string | null | undefined): number | null {
  const s = (text ?? '').trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) {
    const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return dayKey(d.getTime()) === s ? d.getTime() : null;
  }
  return /^\d{1,16}$/.test(s) ? Number(s) : null;
}

const midnight = (y: number, m: number, d: number) => new Date(y, m, d).getTime();

/** The range of a preset as of `now` (last N days: the N days ending today, today included). */
export function presetRange(preset: Exclude<PeriodPreset, 'custom'>, now: number): PeriodRange {
  const d = new Date(now);
  const [y, m, day] = [d.getFullYear(), d.getMonth(), d.getDate()];
  switch (preset) {
    case 'thisMonth':
      return { from: midnight(y, m, 1), to: midnight(y, m + 1, 1) };
    case 'lastMonth':
      return { from: midnight(y, m - 1, 1), to: midnight(y, m, 1) };
    case 'last7':
      return { from: midnight(y, m, day - 6), to: midnight(y, m, day + 1) };
    case 'last30':
      return { from: midnight(y, m, day - 29), to: midnight(y, m, day + 1) };
  }
}

/** The preset a range is, as of `now`, else `custom`. */
export function presetOf(range: PeriodRange, now: number): PeriodPreset {
  for (const p of PERIOD_PRESETS) {
    if (p === 'custom') continue;
    const r = presetRange(p, now);
    if (r.from === range.from && r.to === range.to) return p;
  }
  return 'custom';
}

/** The range of the same length just before (what the headline compares against). */
export function previousRange(range: PeriodRange): PeriodRange {
  return { from: range.from - (range.to - range.from), to: range.from };
}
