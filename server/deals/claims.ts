/**
 * The brand mall's claims (`/mall` `deal.claim`): LiveDeck is the stock authority there. A claim is
 * decided synchronously against in-memory tallies (one thread, so no two claims interleave), then
 * written to the grant log with the other claims of the same turn in one transaction; the ack goes
 * out only after that commit. Exactly `stock` units are ever granted and per-user limits hold, under
 * any concurrency and across restarts (tallies are rebuilt from the log).
 */
import type { ClaimAck, LiveDeal } from '../protocol/index.js';
import type { Repository } from '../store/index.js';

export interface ClaimRequest {
  dealId: string;
  userId: string;
  qty: number;
}

interface Tally {
  total: number;
  perUser: Map<string, number>;
}

/** Pure decision: how many units this claim gets, or why none. */
export function decideClaim(deal: LiveDeal | undefined, tally: Tally, req: ClaimRequest, now: number): { qty: number } | { reason: NonNullable<ClaimAck['reason']> } {
  if (!deal) return { reason: 'not_found' };
  if (deal.endedAt !== null || now >= deal.endsAt) return { reason: tally.total >= deal.stock ? 'sold_out' : 'ended' };
  if (now < deal.startedAt) return { reason: 'not_live' };
  const left = deal.stock - tally.total;
  if (left <= 0) return { reason: 'sold_out' };
  const mine = tally.perUser.get(req.userId) ?? 0;
  const allowed = deal.perUserLimit - mine;
  if (allowed <= 0 || req.qty > allowed) return { reason: 'limit_reached' };
  return { qty: Math.min(req.qty, left) };
}

export type ClaimDesk = ReturnType<typeof createClaimDesk>;

export function createClaimDesk(deps: {
  repo: Repository;
  now: () => number;
  deal: (dealId: string) => LiveDeal | undefined;
  /** Called after a commit with how many units a deal has granted in total. */
  onGranted?: (dealId: string, total: number) => void;
}) {
  const tallies = new Map<string, Tally>();
  let queue: { dealId: string; userId: string; qty: number; resolve: (a: ClaimAck) => void; userTotal: number }[] = [];
  let scheduled = false;

  function tally(dealId: string): Tally {
    let t = tallies.get(dealId);
    if (!t) {
      t = { total: 0, perUser: new Map() };
      for (const g of deps.repo.grantsOfDeal(dealId)) {
        t.perUser.set(g.userId, g.qty);
        t.total += g.qty;
      }
      tallies.set(dealId, t);
    }
    return t;
  }

  function flush(): void {
    scheduled = false;
    const group = queue;
    queue = [];
    const at = deps.now();
    try {
      deps.repo.transaction(() => {
        for (const g of group) deps.repo.insertGrant(g.dealId, g.userId, g.qty, at);
      });
    } catch {
      // Nothing was written: give the units back and tell the buyers to retry.
      for (const g of group) {
        const t = tally(g.dealId);
        t.total -= g.qty;
        t.perUser.set(g.userId, (t.perUser.get(g.userId) ?? g.qty) - g.qty);
        g.resolve({ granted: false, reason: 'unavailable' });
      }
      return;
    }
    const touched = new Set<string>();
    for (const g of group) {
      touched.add(g.dealId);
      g.resolve({ granted: true, qty: g.qty, userTotal: g.userTotal });
    }
    for (const id of touched) deps.onGranted?.(id, tally(id).total);
  }

  return {
    /** Decides and durably records one claim. */
    claim(req: ClaimRequest): Promise<ClaimAck> {
      const t = tally(req.dealId);
      const decision = decideClaim(deps.deal(req.dealId), t, req, deps.now());
      if ('reason' in decision) return Promise.resolve({ granted: false, reason: decision.reason });
      t.total += decision.qty;
      const userTotal = (t.perUser.get(req.userId) ?? 0) + decision.qty;
      t.perUser.set(req.userId, userTotal);
      return new Promise((resolve) => {
        queue.push({ ...req, qty: decision.qty, resolve, userTotal });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    /** Units granted so far for a deal. */
    granted(dealId: string): number {
      return tally(dealId).total;
    },
  };
}
