/**
 * Deal handlers: fire and stop a flash deal. A deal ends on time, on sell-out (mirrored from orders
 * carrying its dealId) or by hand; the end is recorded as a `deal.ended` event and told to connectors.
 */
import type { HubContext, Caller, Handlers } from '../control/context.js';
import { fail } from '../control/context.js';
import { sweepCoupons } from './coupons.js';
import { startOnce } from './once.js';
import { checkFire, checkLiveShow } from './rules.js';

export type DealHandlers = Handlers<'deal.fire' | 'deal.stop'>;

/** Ends a live deal once: records `deal.ended`, tells connectors. */
export async function endDeal(ctx: HubContext, dealId: string, reason: string, actor: string): Promise<boolean> {
  const deal = ctx.live.deal(dealId);
  if (!deal || deal.endedAt !== null) return false;
  const now = ctx.now();
  deal.endedAt = now;
  await ctx.record([{ type: 'deal.ended', platform: 'studio', id: ctx.newEventId('deal-end'), ts: now, dealId, reason }]);
  ctx.repo.audit(now, actor, 'deal.end', { dealId, reason });
  ctx.command({ type: 'deal.end', dealId, sku: deal.sku, reason });
  return true;
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
    await endDeal(ctx, deal.dealId, 'stopped', caller.actor);
    return { ok: true, dealId: deal.dealId, gone: Math.max(deal.sold, deal.claimed), stock: deal.stock, paidGmvFen: deal.paidGmvFen };
  },
};

/**
 * Fires the current item's deal preset by itself when its slot reaches `autoFireAtSec`, once per
 * airing (a deal on that sku started during this airing counts, so a restart does not fire twice).
 */
async function autoFire(ctx: HubContext, now: number): Promise<void> {
  const airing = ctx.live.current();
  if (!airing) return;
  const item = ctx.live.runsheet.find((i) => i.itemId === airing.itemId);
  const preset = item?.dealPreset;
  if (!item || !preset || preset.autoFireAtSec === undefined) return;
  if (now - airing.startedAt < preset.autoFireAtSec * 1000) return;
  if (ctx.live.deals().some((d) => d.sku === item.sku && d.startedAt >= airing.startedAt)) return;
  await dealHandlers['deal.fire'](
    {
      sku: item.sku,
      priceFen: preset.priceFen,
      stock: preset.stock,
      perUserLimit: preset.perUserLimit,
      durationSec: preset.durationSec,
      confirmUnderFloor: false,
      requestId: `auto-${item.itemId}-${airing.startedAt}`,
    },
    ctx,
    { actor: 'auto' },
  );
}

/** Ends deals (and coupons) whose time is up or whose stock is gone, and fires presets that are due; every tick. */
export async function sweepDeals(ctx: HubContext): Promise<void> {
  const now = ctx.now();
  await autoFire(ctx, now);
  for (const d of ctx.live.deals()) {
    if (d.endedAt !== null) continue;
    if (Math.max(d.sold, d.claimed) >= d.stock) await endDeal(ctx, d.dealId, 'sold_out', 'hub');
    else if (now >= d.endsAt) await endDeal(ctx, d.dealId, 'time', 'hub');
  }
  await sweepCoupons(ctx, now);
}
