/**
 * Coupon drops (优惠券), the deal's second kind: dropped and stopped by the operator, claimed through
 * `/mall` `coupon.claim` on the same claim desk and grant log as deal units (one coupon a claim), told
 * to connectors as `coupon.drop` / `coupon.end`. A coupon ends on time, when all are claimed, or by hand.
 */
import type { Caller, HubContext, Handlers } from '../control/context.js';
import { fail } from '../control/context.js';
import type { LiveCoupon } from '../protocol/index.js';
import type { Claimable } from './claims.js';
import { endOnce, startOnce, type Ended } from './once.js';
import { couponKey, couponTitle } from '../rules/index.js';
import { checkDrop, checkLiveShow } from './rules.js';

export type CouponHandlers = Handlers<'coupon.drop' | 'coupon.stop'>;

/** A coupon as the claim desk sees it: its quantity is the stock. */
export function couponClaimable(coupon: LiveCoupon | undefined): Claimable | undefined {
  return coupon && { stock: coupon.quantity, perUserLimit: coupon.perUserLimit, startedAt: coupon.startedAt, endsAt: coupon.endsAt, endedAt: coupon.endedAt };
}

/**
 * Ends a live coupon once: records `coupon.ended` first; the live model marks it over only by applying
 * that event, so a refused write leaves it live in memory as on disk and answers the store's coded error.
 */
export function endCoupon(ctx: HubContext, couponId: string, reason: string, actor: string): Promise<Ended> {
  return endOnce(ctx, `coupon:${couponId}`, async () => {
    const coupon = ctx.live.coupon(couponId);
    if (!coupon || coupon.endedAt !== null) return { ok: true, ended: false };
    const now = ctx.now();
    const ack = await ctx.writer.record([{ type: 'coupon.ended', platform: 'studio', id: ctx.newEventId('coupon-end'), ts: now, couponId, reason }]);
    if (ack.error) return { ok: false, error: ack.error };
    ctx.repo.audit(now, actor, 'coupon.end', { couponId, reason });
    ctx.command({ type: 'coupon.end', couponId, reason });
    return { ok: true, ended: true };
  });
}

export const couponHandlers: CouponHandlers = {
  async 'coupon.drop'(input, ctx, caller: Caller) {
    const product = input.sku === undefined ? undefined : ctx.live.catalog.find((p) => p.sku === input.sku);
    const title = input.title || couponTitle(input);
    const now = ctx.now();
    const started = await startOnce(
      ctx,
      'coupon',
      { requestId: input.requestId, key: couponKey(input), busy: { code: 'coupon_live', message: `The same coupon (${title}) is being dropped right now.` } },
      () => checkDrop(input, product, ctx.live.coupons()) ?? checkLiveShow(ctx.live.session, 'coupon'),
      async () => {
        const couponId = ctx.newEventId('coupon');
        await ctx.record([
          {
            type: 'coupon.started',
            platform: 'studio',
            id: couponId,
            ts: now,
            couponId,
            ...(input.sku === undefined ? {} : { sku: input.sku }),
            title,
            discountFen: input.discountFen,
            ...(input.thresholdFen ? { thresholdFen: input.thresholdFen } : {}),
            quantity: input.quantity,
            perUserLimit: input.perUserLimit,
            durationSec: input.durationSec,
          },
        ]);
        return couponId;
      },
    );
    if (!started.ok) return started;
    const couponId = started.id;
    if (!started.fresh) return { ok: true, couponId };
    ctx.repo.audit(now, caller.actor, 'coupon.drop', { couponId, ...input, title });
    ctx.command({
      type: 'coupon.drop',
      couponId,
      sku: input.sku ?? null,
      title,
      discountFen: input.discountFen,
      thresholdFen: input.thresholdFen ?? 0,
      quantity: input.quantity,
      perUserLimit: input.perUserLimit,
      endsAt: now + input.durationSec * 1000,
    });
    return { ok: true, couponId };
  },
  async 'coupon.stop'({ couponId }, ctx, caller) {
    const live = ctx.live.coupons().filter((c) => c.endedAt === null);
    const coupon = couponId ? live.find((c) => c.couponId === couponId) : live[live.length - 1];
    if (!coupon) return fail('not_live', 'No live coupon matches; it may have ended already.');
    const ended = await endCoupon(ctx, coupon.couponId, 'stopped', caller.actor);
    if (!ended.ok) return ended;
    return { ok: true, couponId: coupon.couponId };
  },
};
