/** Loads a stored session and recaps it. The metrics themselves are pure, in compute.ts. */
import { recapInputEvents, type RecapInputChunk, type Repository } from '../store/index.js';
import { cachedOrCompute } from './cache.js';
import { computeRecap } from './compute.js';
import type { Recap } from './types.js';

export interface RecapQuery {
  from?: number;
  to?: number;
  platform?: string;
}

/** The recap of a stored session (`latest` for the newest), or null if there is no such session. */
export function recapFromStore(repo: Repository, which: number | 'latest', now: number, query: RecapQuery = {}): Recap | null {
  const session = which === 'latest' ? repo.latestSession() : repo.session(which);
  if (!session) return null;
  return cachedOrCompute(repo, session.id, `recap:${JSON.stringify(query)}`, () => {
    const endAt = session.endedAt ?? Math.max(now, repo.eventSpan(session.id).hi ?? session.startedAt);
    const chunks = repo.recapInput(session.id);
    return computeRecap({
      session: { id: session.id, title: session.title, startedAt: session.startedAt, endAt },
      // The compact recap input, not the event bodies: see store/recap-input.ts.
      events: recapInputEvents(chunks),
      // Claims are the mall's grant log, not events: a coupon is only claimable while its show is live,
      // so the grants of an ended show's coupons are all in before its kept recap is computed.
      couponGrants: repo.couponGrants(droppedCoupons(chunks)),
      ...query,
    });
  });
}

/** The coupons dropped in a session: its `coupon.started` events, kept whole in the recap input (rare, not columns). */
function droppedCoupons(chunks: readonly RecapInputChunk[]): Set<string> {
  const ids = new Set<string>();
  for (const c of chunks) for (const e of c.event) if (e.type === 'coupon.started') ids.add(e.couponId);
  return ids;
}
