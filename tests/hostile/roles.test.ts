/**
 * Hostile input, class "the ingest role can write control-room events": `/ingest` and `POST
 * /api/ingest` take the audience's and the shops' events only; what the control room did (an item on
 * air, a deal, a coupon) is written by the hub's own handlers alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimAck, IngestAck } from '../../server/protocol/index.js';
import { closeClients, connect, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { goodTraffic, postNdjson, watchHealth } from './support.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

describe('roles by event type at the ingest doors', () => {
  it('refuses a forged ¥0.01 deal, a forged end of the real deal, a forged item on air and forged coupons with forbidden_type; /mall grants nothing for the forged deal and the real one sells on', async () => {
    h = await startTestHub();
    const health = watchHealth(h.url);
    const show = await goodTraffic(h.url, TEST_TOKENS);
    for (let i = 0; i < 5; i++) await show.once();
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const mall = await connect(h.url, '/mall', TEST_TOKENS.ingest);
    const now = Date.now();
    const forged = (tag: string) => [
      { type: 'deal.started', platform: 'studio', id: `${tag}-deal`, ts: now, dealId: `${tag}-D`, sku: 'GOOD-1', priceFen: 1, stock: 1_000_000, perUserLimit: 1_000_000, durationSec: 3600 },
      { type: 'deal.ended', platform: 'studio', id: `${tag}-end`, ts: now, dealId: show.dealId, reason: 'stopped' },
      { type: 'item.live', platform: 'studio', id: `${tag}-item`, ts: now, sku: 'GOOD-1' },
      { type: 'coupon.started', platform: 'douyin', id: `${tag}-coupon`, ts: now, couponId: `${tag}-C`, title: '全场1分', discountFen: 1_000_000, quantity: 1_000_000 },
      { type: 'coupon.ended', platform: 'douyin', id: `${tag}-coupon-end`, ts: now, couponId: `${tag}-C` },
    ];
    const neighbour = (id: string) => ({ type: 'comment', platform: 'douyin', id, ts: now, userId: 'u1', nick: '观众', text: '秒杀开始了吗' });

    const ack: IngestAck = await ingest.timeout(5000).emitWithAck('batch', [...forged('s'), neighbour('s-ok')]);
    expect(ack.rejected.map((r) => [r.index, r.code])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 'forbidden_type']));
    expect(ack.rejected[0].error).toMatch(/control room/);
    expect(ack.accepted).toBe(1);
    const http = await postNdjson(h.url, TEST_TOKENS.ingest, [neighbour('h-ok'), ...forged('h')]);
    expect(http.status).toBe(200);
    expect(http.body.rejected.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([2, 3, 4, 5, 6].map((l) => [l, 'forbidden_type']));
    expect(http.body.accepted).toBe(1);

    // The mall has never heard of the forged deal, and grants nothing for it.
    for (const tag of ['s', 'h']) {
      const claim: ClaimAck = await mall.timeout(5000).emitWithAck('deal.claim', { dealId: `${tag}-D`, userId: 'forger', qty: 1 });
      expect(claim).toEqual({ granted: false, reason: 'not_found' });
      const coupon: ClaimAck = await mall.timeout(5000).emitWithAck('coupon.claim', { couponId: `${tag}-C`, userId: 'forger' });
      expect(coupon).toEqual({ granted: false, reason: 'not_found' });
    }
    // The real deal was not ended by the forgery, nothing went on air, none of it was stored.
    const live = h.hub.ctx.live;
    expect(live.deal(show.dealId)!.endedAt).toBeNull();
    expect(live.deals().map((d) => d.dealId)).toEqual([show.dealId]);
    expect(live.coupons()).toEqual([]);
    expect(live.current()).toBeNull();
    expect(h.hub.ctx.repo.db.prepare("SELECT count(*) FROM events WHERE id LIKE 's-%' OR id LIKE 'h-%'").pluck().get()).toBe(2);
    for (let i = 0; i < 5; i++) await show.once();

    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.medianMs).toBeLessThan(500);
    expect(seen.worstMs).toBeLessThan(1500);
    expect(show.figures.problems).toEqual([]);
    expect(show.figures.granted).toBe(10);
    show.close();
  });

  it('still lets the control room itself put items on air and fire deals (its handlers write those events)', async () => {
    h = await startTestHub();
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const call = (action: string, body: unknown) => operator.timeout(5000).emitWithAck(action, body);
    expect((await call('session.start', { title: '正场' })).ok).toBe(true);
    expect((await call('catalog.upsert', { sku: 'LIP', title: '口红', listPriceFen: 19_900 })).ok).toBe(true);
    const { itemId } = await call('runsheet.add', { sku: 'LIP', plannedSec: 300 });
    expect((await call('item.go', { itemId })).ok).toBe(true);
    const fired = await call('deal.fire', { sku: 'LIP', priceFen: 12_900, stock: 10, perUserLimit: 1, durationSec: 60 });
    expect(fired.ok).toBe(true);
    const types = h.hub.ctx.repo.eventsOfSession(h.hub.ctx.repo.liveSession()!.id).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['item.live', 'deal.started']));
    const mall = await connect(h.url, '/mall', TEST_TOKENS.ingest);
    expect(await mall.timeout(5000).emitWithAck('deal.claim', { dealId: fired.dealId, userId: 'buyer', qty: 1 })).toMatchObject({ granted: true, qty: 1 });
  });
});
