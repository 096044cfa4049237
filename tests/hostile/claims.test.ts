/**
 * Hostile input, class "claims for deals that do not exist": each is answered `not_found` without a
 * tally being made for it, so memory does not grow with made-up deal ids.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimsAck } from '../../server/protocol/index.js';
import { closeClients, connect, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { goodTraffic, retainedMb, watchHealth } from './support.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

describe('claims for deals that do not exist', () => {
  it('answers 200,000 claims for made-up deals and coupons not_found, keeps no tally for any of them, and grants the real deal as before', async () => {
    h = await startTestHub();
    const health = watchHealth(h.url);
    const show = await goodTraffic(h.url, TEST_TOKENS);
    const stopGood = show.keepGoing(50);
    const mall = await connect(h.url, '/mall', TEST_TOKENS.ingest);
    const heapBefore = retainedMb();
    let notFound = 0;
    for (let b = 0; b < 150; b++) {
      const claims = Array.from({ length: 1000 }, (_, i) => ({ dealId: `made-up-${b}-${i}`, userId: `u${i}`, qty: 1 }));
      const ack: ClaimsAck = await mall.timeout(10_000).emitWithAck('deal.claims', claims);
      notFound += ack.answers.filter((a) => a.reason === 'not_found').length;
    }
    for (let i = 0; i < 50_000; i += 1) {
      if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
      mall.emit('coupon.claim', { couponId: `made-up-coupon-${i}`, userId: 'u' }, (a: { reason?: string }) => a.reason === 'not_found' && notFound++);
    }
    await mall.timeout(10_000).emitWithAck('coupon.claim', { couponId: 'last', userId: 'u' });
    expect(notFound).toBe(200_000);
    // Only the real deal (and nothing made up) has a tally.
    expect(h.hub.claimTallies).toBeLessThanOrEqual(1);
    expect(retainedMb() - heapBefore).toBeLessThan(20);

    await stopGood();
    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.medianMs).toBeLessThan(500);
    expect(seen.worstMs).toBeLessThan(1500);
    expect(show.figures.problems).toEqual([]);
    expect(show.figures.granted).toBe(show.figures.sent);
    expect(h.hub.ctx.live.deal(show.dealId)!.claimed).toBe(show.figures.granted);
    show.close();
  });
});
