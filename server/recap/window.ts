/**
 * What window of a show a recap, report or export may be asked for, and how big any recap computation
 * may grow. A recap allocates a row per minute of its window, so the window is the cost: anyone holding
 * the viewer token (the QR code on every tablet) could otherwise ask for 56 years of minutes with
 * `?from=0` and take the hub down. Windows are therefore clamped to the show, rounded to the minute
 * (so the kept recaps of one show are a few, not one per millisecond asked for), and refused with a
 * code when they cannot be meant; every computation refuses more than {@link MAX_RECAP_MINUTES}.
 */
import type { RecapQuery } from './from-store.js';

export const MINUTE_MS = 60_000;
/** The most minutes any recap, report or period computation allocates: seven days of a show. */
export const MAX_RECAP_MINUTES = 7 * 24 * 60;
/** The last epoch millisecond a JavaScript date can hold (year 275760): anything past it is not a time. */
const MAX_EPOCH_MS = 8.64e15;

export type RecapErrorCode = 'invalid_window' | 'window_too_long' | 'recap_failed';

/** A recap that is not computed, with a code for programs and a sentence for people. */
export class RecapError extends Error {
  constructor(
    readonly code: RecapErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RecapError';
  }
}

/** Refuses a computation over more than {@link MAX_RECAP_MINUTES} minutes, before it allocates them. */
export function checkMinutes(minutes: number): void {
  if (minutes > MAX_RECAP_MINUTES) {
    throw new RecapError(
      'window_too_long',
      `This recap would span ${Math.round(minutes).toLocaleString('en-US')} minutes; at most ${MAX_RECAP_MINUTES.toLocaleString('en-US')} (7 days) can be computed. Ask for a shorter window (?from=&to=).`,
    );
  }
}

/** The show a window is asked of: when it started and where it ends (a live show: now). */
export interface ShowSpan {
  startedAt: number;
  endAt: number;
}

const floorMinute = (t: number) => Math.floor(t / MINUTE_MS) * MINUTE_MS;
const ceilMinute = (t: number) => Math.ceil(t / MINUTE_MS) * MINUTE_MS;

/**
 * The canonical form of a requested window of `show`: `from` rounded down and `to` up to the minute,
 * then clamped to the show — a bound at or beyond the show's own is dropped, so every way of asking
 * for the whole show is the same query (and the same kept recap). Throws a {@link RecapError}:
 * `invalid_window` for a bound that is not a time, `from` ≥ `to`, or a window wholly outside the show;
 * `window_too_long` when what remains is longer than {@link MAX_RECAP_MINUTES}.
 */
export function canonicalWindow(query: RecapQuery, show: ShowSpan): RecapQuery {
  for (const key of ['from', 'to'] as const) {
    const v = query[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0 || v > MAX_EPOCH_MS)) {
      throw new RecapError('invalid_window', `${key} must be a time in epoch milliseconds, got “${String(v).slice(0, 30)}”.`);
    }
  }
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
    throw new RecapError('invalid_window', `from (${query.from}) must be before to (${query.to}).`);
  }
  const out: RecapQuery = {};
  if (query.from !== undefined) {
    const from = floorMinute(query.from);
    if (from >= show.endAt) throw new RecapError('invalid_window', `The window starts after the show ended (${new Date(show.endAt).toISOString()}).`);
    if (from > show.startedAt) out.from = from;
  }
  if (query.to !== undefined) {
    const to = ceilMinute(query.to);
    if (to <= show.startedAt) throw new RecapError('invalid_window', `The window ends before the show started (${new Date(show.startedAt).toISOString()}).`);
    if (to < show.endAt) out.to = to;
  }
  if (query.platform !== undefined) out.platform = query.platform;
  checkMinutes(((out.to ?? show.endAt) - (out.from ?? show.startedAt)) / MINUTE_MS);
  return out;
}
