/**
 * `/mall`: the shop's buyers claim deal units and coupons. Every payload is parsed by its protocol
 * schema here, at the edge; the claim desks see only valid claims.
 */
import type { Namespace } from 'socket.io';
import type { ClaimDesk } from '../deals/index.js';
import { couponClaimSchema, dealClaimSchema, dealClaimsSchema, MAX_CLAIMS_PER_MESSAGE, type MallClientToServer, type MallServerToClient } from '../protocol/index.js';

export type MallNamespace = Namespace<MallClientToServer, MallServerToClient>;

export interface MallDeps {
  /** The flash deals' claim desk. */
  deals: Pick<ClaimDesk, 'take' | 'claimMany'>;
  /** The coupons' claim desk (one coupon a claim). */
  coupons: Pick<ClaimDesk, 'claim'>;
}

export function bindMall(ns: MallNamespace, deps: MallDeps): void {
  ns.on('connection', (socket) => {
    socket.on('deal.claim', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const p = dealClaimSchema.safeParse(payload);
      if (!p.success) return ack({ granted: false, reason: 'invalid' });
      deps.deals.take(p.data, ack);
    });
    socket.on('deal.claims', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const p = dealClaimsSchema.safeParse(payload);
      if (!p.success) return ack({ answers: [], error: { code: 'invalid', message: `deal.claims takes an array of 1–${MAX_CLAIMS_PER_MESSAGE} claims {dealId, userId, qty}` } });
      // Each claim is checked on its own: a bad one is answered `invalid` in its place, its neighbours go on.
      deps.deals.claimMany(
        p.data.map((item) => {
          const c = dealClaimSchema.safeParse(item);
          return c.success ? c.data : null;
        }),
        (answers) => ack({ answers }),
      );
    });
    socket.on('coupon.claim', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const p = couponClaimSchema.safeParse(payload);
      if (!p.success) return ack({ granted: false, reason: 'invalid' });
      void deps.coupons.claim({ dealId: p.data.couponId, userId: p.data.userId, qty: 1 }).then(ack);
    });
  });
}
