/**
 * The period a report covers, read at the edge (CLI flags, HTTP query): dates are local midnight
 * (`2026-11-01`) or epoch milliseconds, `from` before `to`. Bad input is a coded value, never a throw.
 */

/** A period a report can be made for: shows whose `startedAt` is in [from, to), one platform or all. */
export interface PeriodQuery {
  from: number;
  to: number;
  platform?: string;
}

export type PeriodErrorCode = 'missing_period' | 'bad_date' | 'bad_period' | 'unknown_platform';

export interface PeriodError {
  code: PeriodErrorCode;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: PeriodError };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EPOCH_MS = /^-?\d{1,16}$/;

/**
 * `2026-11-01` as the epoch ms of that day's local midnight, or a whole number as epoch ms. `name`
 * is how the caller calls the field (`--from`, `from`), for the message.
 */
export function parsePeriodDate(text: string | null | undefined, name: string): Parsed<number> {
  const s = (text ?? '').trim();
  if (s === '') return { ok: false, error: { code: 'missing_period', message: `${name} is required: a date such as 2026-11-01 (local midnight) or epoch milliseconds.` } };
  const day = DATE.exec(s);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const at = new Date(y, m - 1, d);
    // new Date rolls 2026-02-30 over into March: a date that does not come back as written is not one.
    if (at.getFullYear() === y && at.getMonth() === m - 1 && at.getDate() === d) return { ok: true, value: at.getTime() };
    return { ok: false, error: { code: 'bad_date', message: `${name} “${s}” is not a day of the calendar.` } };
  }
  if (EPOCH_MS.test(s) && Number.isSafeInteger(Number(s))) return { ok: true, value: Number(s) };
  return { ok: false, error: { code: 'bad_date', message: `${name} “${s.slice(0, 40)}” is not a date: use 2026-11-01 (local midnight) or epoch milliseconds.` } };
}

/**
 * The period of `from`/`to`/`platform` as given, checked: both dates read, `from` before `to`, and a
 * platform some stored event came from (`platformSeen`). A period with no show in it is fine.
 */
export function parsePeriod(
  input: { from?: string | null; to?: string | null; platform?: string | null },
  names: { from: string; to: string; platform: string },
  platformSeen: (platform: string) => boolean,
): Parsed<PeriodQuery> {
  const from = parsePeriodDate(input.from, names.from);
  if (!from.ok) return from;
  const to = parsePeriodDate(input.to, names.to);
  if (!to.ok) return to;
  if (from.value >= to.value) {
    return { ok: false, error: { code: 'bad_period', message: `${names.from} (${input.from}) must be before ${names.to} (${input.to}): the period is [from, to).` } };
  }
  const platform = input.platform?.trim() || undefined;
  if (platform !== undefined && !platformSeen(platform)) {
    return { ok: false, error: { code: 'unknown_platform', message: `No show has the platform “${platform.slice(0, 40)}”; leave ${names.platform} out for every platform.` } };
  }
  return { ok: true, value: { from: from.value, to: to.value, ...(platform !== undefined ? { platform } : {}) } };
}

/** The period of the same length just before `q` (what a report's headline compares against). */
export function previousPeriod(q: PeriodQuery): PeriodQuery {
  const length = q.to - q.from;
  return { ...q, from: q.from - length, to: q.from };
}
