/**
 * Deal handlers: fire and stop a flash deal. A deal ends on time, on sell-out (mirrored from orders
 * carrying its dealId) or by hand; the end is recorded as a `deal.ended` event and told to connectors.
 */
import type { HubContext, Caller, Handlers } from '../control/context.js';
import { fail } from '../control/context.js';
import { endOnce, startOnce, type Ended } from './once.js';
import { checkFire, checkLiveShow } from './rules.js';

export type DealHandlers = Handlers<'deal.fire' | 'deal.stop'>;

/**
 * Ends a live deal once: records `deal.ended` first, and the live model marks the deal over only by
 * applying that recorded event. When the store refuses the write the deal stays live in memory as on
 * disk, and the answer carries the store's coded error (the sweep tries again later).
 */
export function endDeal(ctx: HubContext, dealId: string, reason: string, actor: string): Promise<Ended> {
  return endOnce(ctx, `deal:${dealId}`, async () => {
    const deal = ctx.live.deal(dealId);
    if (!deal || deal.endedAt !== null) return { ok: true, ended: false };
    const now = ctx.now();
    const ack = await ctx.writer.record([{ type: 'deal.ended', platform: 'studio', id: ctx.newEventId('deal-end'), ts: now, dealId, reason }]);
    if (ack.error) return { ok: false, error: ack.error };
    ctx.repo.audit(now, actor, 'deal.end', { dealId, reason });
    ctx.command({ type: 'deal.end', dealId, sku: deal.sku, reason });
    return { ok: true, ended: true };
  });
}

export const dealHandlers: DealHandlers = {
  async 'deal.fire'(input, ctx, caller: Caller) {
    const product = ctx.live.catalog.find((p) => p.sku === input.sku);
    const now = ctx.now();
    const started = await startOnce(
      ctx,
      'deal',
      { requestId: input.requestId, key: input.sku, busy: { code: 'deal_live', message: `A deal on ${product?.title ?? input.sku} is being fired right now.` } },
      () => checkFire(input, product, ctx.live.deals(), ctx.floorRatio) ?? checkLiveShow(ctx.live.session, 'deal'),
      async () => {
        const dealId = ctx.newEventId('deal');
        await ctx.record([
          {
            type: 'deal.started',
            platform: 'studio',
            id: dealId,
            ts: now,
            dealId,
            sku: input.sku,
            priceFen: input.priceFen,
            stock: input.stock,
            perUserLimit: input.perUserLimit,
            durationSec: input.durationSec,
          },
        ]);
        return dealId;
      },
    );
    if (!started.ok) return started;
    const dealId = started.id;
    if (!started.fresh) return { ok: true, dealId };
    ctx.repo.audit(now, caller.actor, 'deal.fire', { dealId, ...input, underFloorOverride: input.confirmUnderFloor });
    ctx.command({
      type: 'deal.start',
      dealId,
      sku: input.sku,
      priceFen: input.priceFen,
      stock: input.stock,
      perUserLimit: input.perUserLimit,
      endsAt: now + input.durationSec * 1000,
    });
    return { ok: true, dealId };
  },
  async 'deal.stop'({ dealId, sku }, ctx, caller) {
    const deals = ctx.live.deals().filter((d) => d.endedAt === null);
    const deal = deals.find((d) => (dealId ? d.dealId === dealId : sku ? d.sku === sku : true));
    if (!deal) return fail('not_live', 'No live deal matches; it may have ended already.');
    const ended = await endDeal(ctx, deal.dealId, 'stopped', caller.actor);
    if (!ended.ok) return ended;
    return { ok: true, dealId: deal.dealId, gone: Math.max(deal.sold, deal.claimed), stock: deal.stock, paidGmvFen: deal.paidGmvFen };
  },
};
