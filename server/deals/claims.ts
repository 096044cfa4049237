/**
 * The brand mall's claims (`/mall` `deal.claim`, `deal.claims`): LiveDeck is the stock authority
 * there. A claim is decided synchronously against in-memory tallies (one thread, so no two claims
 * interleave), then written to the grant log with the other claims of the same turn in one
 * transaction; the ack goes out only after that commit. Exactly `stock` units are ever granted and
 * per-user limits hold, under any concurrency and across restarts (tallies are rebuilt from the log).
 * A batch's claims are decided in its order and answered together after the commit that holds them.
 */
import type { ClaimAck, LiveDeal } from '../protocol/index.js';
import type { GrantKind, Repository } from '../store/index.js';

export interface ClaimRequest {
  dealId: string;
  userId: string;
  qty: number;
}

/** What a claim is decided against: a flash deal, or a coupon with its quantity as `stock`. */
export type Claimable = Pick<LiveDeal, 'stock' | 'perUserLimit' | 'startedAt' | 'endsAt' | 'endedAt'>;

interface Tally {
  total: number;
  perUser: Map<string, number>;
}

/** Pure decision: how many units this claim gets, or why none. */
export function decideClaim(deal: Claimable | undefined, tally: Tally, req: ClaimRequest, now: number): { qty: number } | { reason: NonNullable<ClaimAck['reason']> } {
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
  deal: (dealId: string) => Claimable | undefined;
  /** What this desk grants, written on each grant (default 'deal'). */
  kind?: GrantKind;
  /** Called after a commit with how many units a deal has granted in total. */
  onGranted?: (dealId: string, total: number) => void;
}) {
  const tallies = new Map<string, Tally>();
  // Grants held in memory since the last commit, and who to answer once they are on disk (or not).
  let queue: { dealId: string; userId: string; qty: number }[] = [];
  let waiters: ((committed: boolean) => void)[] = [];
  let scheduled = false;
  const unavailable: ClaimAck = { granted: false, reason: 'unavailable' };

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

  /** Decides one claim; a grant's units are held in the tallies and queued for the next commit. */
  function hold(req: ClaimRequest, now: number): ClaimAck {
    // A claim for a deal that does not exist is answered before a tally is made for it: anyone can
    // send made-up deal ids, and each would otherwise stay in memory for good.
    const deal = deps.deal(req.dealId);
    if (!deal) return { granted: false, reason: 'not_found' };
    const t = tally(req.dealId);
    const decision = decideClaim(deal, t, req, now);
    if ('reason' in decision) return { granted: false, reason: decision.reason };
    t.total += decision.qty;
    const userTotal = (t.perUser.get(req.userId) ?? 0) + decision.qty;
    t.perUser.set(req.userId, userTotal);
    queue.push({ dealId: req.dealId, userId: req.userId, qty: decision.qty });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return { granted: true, qty: decision.qty, userTotal };
  }

  function flush(): void {
    scheduled = false;
    const group = queue;
    const answer = waiters;
    queue = [];
    waiters = [];
    const at = deps.now();
    try {
      deps.repo.transaction(() => {
        for (const g of group) deps.repo.insertGrant(g.dealId, g.userId, g.qty, at, deps.kind);
      });
    } catch {
      // Nothing was written: give the units back and tell the buyers to retry.
      for (const g of group) {
        const t = tally(g.dealId);
        t.total -= g.qty;
        t.perUser.set(g.userId, (t.perUser.get(g.userId) ?? g.qty) - g.qty);
      }
      for (const w of answer) w(false);
      return;
    }
    for (const w of answer) w(true);
    let last = '';
    for (const g of group) {
      if (g.dealId === last) continue;
      last = g.dealId;
      deps.onGranted?.(g.dealId, tally(g.dealId).total);
    }
  }

  /** Decides one claim and answers it through `done` once its grant is durable (at once if refused). */
  function take(req: ClaimRequest, done: (ack: ClaimAck) => void): void {
    const ack = hold(req, deps.now());
    if (!ack.granted) return done(ack);
    waiters.push((committed) => done(committed ? ack : unavailable));
  }

  return {
    /** Decides and durably records one claim. */
    claim(req: ClaimRequest): Promise<ClaimAck> {
      return new Promise((resolve) => take(req, resolve));
    },
    take,
    /**
     * Decides claims in their order (each sees the grants of those before it, so per-user limits hold
     * within one batch) and answers all of them at once, after the commit that holds their grants.
     * A `null` item (one that failed validation) is answered `invalid` without touching the others.
     */
    claimMany(reqs: readonly (ClaimRequest | null)[], done: (answers: ClaimAck[]) => void): void {
      const now = deps.now();
      const answers: ClaimAck[] = new Array(reqs.length);
      let held = false;
      for (let i = 0; i < reqs.length; i++) {
        const req = reqs[i];
        answers[i] = req ? hold(req, now) : { granted: false, reason: 'invalid' };
        if (answers[i].granted) held = true;
      }
      if (!held) return done(answers);
      waiters.push((committed) => {
        if (!committed) for (let i = 0; i < answers.length; i++) if (answers[i].granted) answers[i] = unavailable;
        done(answers);
      });
    },
    /** Units granted so far for a deal. */
    granted(dealId: string): number {
      return tally(dealId).total;
    },
    /** Deals (or coupons) whose tallies are held in memory: only ones that exist(ed). */
    get tallies(): number {
      return tallies.size;
    },
  };
}
