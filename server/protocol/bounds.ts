/**
 * What the hub takes in, bounded: one home for every limit a connector, a shop or a spreadsheet meets,
 * so a limit is changed in one place and the README, the tests and the answers follow. Each limit is
 * far above what a real show needs and far below what makes the hub spend unbounded memory or time.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How far back an ingested event may be stamped, against the hub's clock: an order's refund may come
 * weeks after its show (a platform's after-sale window is 7–30 days), but nothing older.
 */
export const EVENT_PAST_MS = 90 * DAY_MS;
/** How far ahead an ingested event may be stamped: clock skew between a connector and the hub. */
export const EVENT_FUTURE_MS = 5 * MINUTE_MS;
/**
 * How long before a show's start an event that joins it (rather than an earlier order's show) may be
 * stamped, and so how far back an automatic show may start: a connector's backlog from before the
 * show, not last month's comments stretching tonight's chart.
 */
export const SHOW_LEAD_MS = 2 * HOUR_MS;
/**
 * A replayed recording: the longest time its events may span, late refunds included. A recording may
 * be old (that is what recordings are), but it is one show, not a range from 1970 to now.
 */
export const RECORDING_SPAN_MS = 31 * DAY_MS;
/** No recording is older than this (2015-01-01): an event at 0 is a bug, not a show. */
export const EARLIEST_EVENT_TS = Date.UTC(2015, 0, 1);

/** One order line's amount and refund at most: ¥10,000,000 (in fen). Sums of these stay exact. */
export const MAX_LINE_FEN = 1_000_000_000;
/** Units one order line may carry. */
export const MAX_LINE_QTY = 9_999;

/** Distinct platforms (connectors' `platform`) one show may hear from; the control room's own `studio` aside. */
export const MAX_PLATFORMS_PER_SESSION = 16;
/** Gaps of one platform this close together (or overlapping) are drawn as one. */
export const GAP_MERGE_MS = 60_000;
/** Markers (items, deals, gaps) a live snapshot carries at most: the newest. */
export const MAX_MARKERS = 500;

/** A Socket.IO message (one `batch`) at most; a larger one is answered `too_large` through its ack. */
export const MAX_SOCKET_MESSAGE_BYTES = 9 * 1024 * 1024;
/** What the Socket.IO engine reads at all; past it the connection is closed (WebSocket code 1009). */
export const SOCKET_ENGINE_MAX_BYTES = 16 * 1024 * 1024;

/** Rows a run-sheet may hold: a long show has a few dozen items. */
export const MAX_RUNSHEET_ROWS = 500;

/** Is `ts` inside the window the hub takes events in, at hub time `now`? */
export function tsInWindow(ts: number, now: number): boolean {
  return ts >= now - EVENT_PAST_MS && ts <= now + EVENT_FUTURE_MS;
}

/** Says why `ts` is outside the window, for a `bad_ts` answer. */
export function describeTs(ts: number, now: number): string {
  if (ts > now + EVENT_FUTURE_MS) return `is ${Math.round((ts - now) / 1000)} s ahead of the hub's clock; at most ${EVENT_FUTURE_MS / MINUTE_MS} minutes ahead is taken (check the connector's clock)`;
  return `is ${Math.round((now - ts) / DAY_MS)} days before the hub's clock; events older than ${EVENT_PAST_MS / DAY_MS} days are not taken (epoch milliseconds, not seconds?)`;
}
