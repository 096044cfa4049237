/**
 * One start per request: a flash deal fired or a coupon dropped twice (a double click, two operators
 * pressing the same preset) starts one. A request id seen before answers what it started; while a
 * start on the same key (a sku, a coupon's terms) is being recorded, another is refused.
 */
import type { AppError } from '../protocol/index.js';
import type { HubContext } from '../control/context.js';

interface Starts {
  byRequest: Map<string, Promise<string | null>>;
  busy: Set<string>;
}

const startsOf = new WeakMap<HubContext, Map<string, Starts>>();

function starts(ctx: HubContext, kind: string): Starts {
  let kinds = startsOf.get(ctx);
  if (!kinds) startsOf.set(ctx, (kinds = new Map()));
  let s = kinds.get(kind);
  if (!s) kinds.set(kind, (s = { byRequest: new Map(), busy: new Set() }));
  return s;
}

export type Started = { ok: true; id: string; fresh: boolean } | { ok: false; error: AppError };

/**
 * Runs `start` unless this request already started something (then answers its id, `fresh: false`),
 * a start on `key` is in flight (`busy`), or `refuse` says no. `start` records and returns the new id.
 */
export async function startOnce(
  ctx: HubContext,
  kind: string,
  request: { requestId?: string; key: string; busy: AppError },
  refuse: () => AppError | null,
  start: () => Promise<string>,
): Promise<Started> {
  const { byRequest, busy } = starts(ctx, kind);
  const { requestId, key } = request;
  const again = requestId ? byRequest.get(requestId) : undefined;
  if (again) {
    const id = await again;
    if (id) return { ok: true, id, fresh: false };
  }
  const refused = busy.has(key) ? request.busy : refuse();
  if (refused) return { ok: false, error: refused };
  busy.add(key);
  let done!: (id: string | null) => void;
  if (requestId) byRequest.set(requestId, new Promise((r) => (done = r)));
  let id: string;
  try {
    id = await start();
  } catch (err) {
    done?.(null);
    if (requestId) byRequest.delete(requestId);
    throw err;
  } finally {
    busy.delete(key);
  }
  done?.(id);
  return { ok: true, id, fresh: true };
}

const endingOf = new WeakMap<HubContext, Map<string, Promise<Ended>>>();

/** What ending a deal or coupon came to: ended now, already over (or unknown), or the store refused the write. */
export type Ended = { ok: true; ended: boolean } | { ok: false; error: AppError };

/**
 * One end per deal or coupon at a time: an operator's 停止 and the sweep ending the same deal in the
 * same moment record one `*.ended`; the second caller gets the first one's answer.
 */
export function endOnce(ctx: HubContext, key: string, end: () => Promise<Ended>): Promise<Ended> {
  const ending = endingOf.get(ctx) ?? new Map<string, Promise<Ended>>();
  endingOf.set(ctx, ending);
  const inFlight = ending.get(key);
  if (inFlight) return inFlight;
  const done = end().finally(() => ending.delete(key));
  ending.set(key, done);
  return done;
}
