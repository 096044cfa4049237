/** The mall's durable grant log: deal units and coupons granted per buyer. */
import type { Db } from '../db.js';

/** What a row of the grant log granted: flash-deal units or coupons. */
export type GrantKind = 'deal' | 'coupon';

export function createGrantsRepo(db: Db) {
  const s = {
    insertGrant: db.prepare('INSERT INTO deal_grants (deal_id, user_id, qty, at, kind) VALUES (?, ?, ?, ?, ?)'),
    grantsOfDeal: db.prepare('SELECT user_id AS userId, sum(qty) AS qty FROM deal_grants WHERE deal_id = ? GROUP BY user_id'),
    couponGrants: db.prepare("SELECT deal_id AS couponId, qty, at FROM deal_grants WHERE deal_id = ? AND kind = 'coupon'"),
  };

  return {
    /** One grant in the durable log; `dealId` is the coupon's id for a coupon. */
    insertGrant(dealId: string, userId: string, qty: number, at: number, kind: GrantKind = 'deal'): void {
      s.insertGrant.run(dealId, userId, qty, at, kind);
    },
    /** Units (or coupons) granted per user for a deal (or coupon), from the durable grant log. */
    grantsOfDeal(dealId: string): { userId: string; qty: number }[] {
      return s.grantsOfDeal.all(dealId) as { userId: string; qty: number }[];
    },
    /** Every grant of these coupons, from the durable grant log (what the recap's coupons table counts). */
    couponGrants(couponIds: Iterable<string>): { couponId: string; qty: number; at: number }[] {
      const out: { couponId: string; qty: number; at: number }[] = [];
      for (const id of couponIds) out.push(...(s.couponGrants.all(id) as { couponId: string; qty: number; at: number }[]));
      return out;
    },
  };
}
