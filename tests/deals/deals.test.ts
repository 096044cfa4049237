import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimAck, ConnectorCommand, LiveTick } from '../../server/protocol/index.js';
import { closeClients, connect, eventually, next, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { checkFire } from '../../server/deals/index.js';
import { claimStorm } from './storm.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

const lipstick = { sku: 'SKU-LIP', title: '丝绒口红', listPriceFen: 19900 };
const fire = { sku: lipstick.sku, priceFen: 9900, stock: 100, perUserLimit: 2, durationSec: 60 };

async function hubWithProduct(now?: () => number) {
  h = await startTestHub({ now });
  const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控阿杰');
  await op.timeout(5000).emitWithAck('catalog.upsert', lipstick);
  await op.timeout(5000).emitWithAck('session.start', { title: '口红专场' });
  return op;
}

describe('firing a flash deal', () => {
  it('refuses a deal or a coupon while no show is live (no_live_show), records nothing, and fires once the show is on', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控阿杰');
    await op.timeout(5000).emitWithAck('catalog.upsert', lipstick);
    const coupon = { discountFen: 1000, thresholdFen: 9900, quantity: 50, perUserLimit: 1, durationSec: 300 };
    const refused = { ok: false, error: { code: 'no_live_show', message: expect.stringContaining('No show is live') } };
    expect(await op.timeout(5000).emitWithAck('deal.fire', fire)).toEqual(refused);
    expect(await op.timeout(5000).emitWithAck('coupon.drop', coupon)).toEqual(refused);
    expect(h.hub.ctx.live.deals()).toEqual([]);
    expect(h.hub.ctx.repo.auditTail().filter((a) => a.action === 'deal.fire' || a.action === 'coupon.drop')).toEqual([]);

    await op.timeout(5000).emitWithAck('session.start', { title: '口红专场' });
    const fired = await op.timeout(5000).emitWithAck('deal.fire', fire);
    expect(fired).toEqual({ ok: true, dealId: expect.any(String) });
    expect(h.hub.ctx.live.deal(fired.dealId)?.endedAt).toBeNull();

    // After 下播 the last show is over: a deal fired now would be recorded into it and go nowhere.
    await op.timeout(5000).emitWithAck('deal.stop', { dealId: fired.dealId });
    await op.timeout(5000).emitWithAck('session.end', {});
    expect(await op.timeout(5000).emitWithAck('deal.fire', fire)).toEqual(refused);
    expect(await op.timeout(5000).emitWithAck('coupon.drop', coupon)).toEqual(refused);
  });

  it('refuses a price under the brand’s own floor (品牌底价) with the floor in the message, and fires it when the override is confirmed', async () => {
    const op = await hubWithProduct();
    await op.timeout(5000).emitWithAck('catalog.upsert', { ...lipstick, floorFen: 7900 });
    const under = await op.timeout(5000).emitWithAck('deal.fire', { ...fire, priceFen: 5900 });
    expect(under).toMatchObject({ ok: false, error: { code: 'under_floor' } });
    expect(under.error.message).toContain('¥79.00');
    const confirmed = await op.timeout(5000).emitWithAck('deal.fire', { ...fire, priceFen: 5900, confirmUnderFloor: true });
    expect(confirmed).toEqual({ ok: true, dealId: expect.any(String) });
    const audit = h!.hub.ctx.repo.auditTail().find((a) => a.action === 'deal.fire')!;
    expect(audit.actor).toBe('中控阿杰');
    expect(audit.detail).toMatchObject({ priceFen: 5900, underFloorOverride: true });
  });

  it('fires a ¥1 引流 deal at once when neither the brand nor the studio set a floor: no invented floor', async () => {
    const op = await hubWithProduct();
    expect(await op.timeout(5000).emitWithAck('deal.fire', { ...fire, priceFen: 100 })).toEqual({ ok: true, dealId: expect.any(String) });
  });

  it('tells every screen the studio’s default floor when one is set, and holds a deal under it to a confirmation', async () => {
    h = await startTestHub({ floorRatio: 0.3 });
    const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控阿杰');
    const tick = next<{ floorRatio?: number | null }>(op, 'tick');
    await op.timeout(5000).emitWithAck('catalog.upsert', lipstick);
    expect((await tick).floorRatio).toBe(0.3);
    // 30% of ¥199.00 = ¥59.70 > ¥59.00
    expect(await op.timeout(5000).emitWithAck('deal.fire', { ...fire, priceFen: 5900 })).toMatchObject({ ok: false, error: { code: 'under_floor' } });
  });

  it('holds deals to the studio’s default floor only when one is set, and a product’s own floor wins over it', () => {
    const input = { ...fire, priceFen: 5900, confirmUnderFloor: false };
    expect(checkFire(input, lipstick, [])).toBeNull();
    // 30% of ¥199.00 = ¥59.70 > ¥59.00
    expect(checkFire(input, lipstick, [], 0.3)).toMatchObject({ code: 'under_floor', message: expect.stringContaining('¥59.70') });
    expect(checkFire(input, { ...lipstick, floorFen: 5000 }, [], 0.3)).toBeNull();
  });

  it('starts one deal when two operators fire at the same moment, and one when the same request comes twice', async () => {
    const op = await hubWithProduct();
    const other = await connect(h!.url, '/control', TEST_TOKENS.operator, '中控小林');
    const [a, b] = await Promise.all([op.timeout(5000).emitWithAck('deal.fire', fire), other.timeout(5000).emitWithAck('deal.fire', fire)]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect((a.ok ? b : a).error.code).toBe('deal_live');
    await op.timeout(5000).emitWithAck('deal.stop', { sku: fire.sku });
    const req = { ...fire, requestId: 'preset-3-click' };
    const [c, d] = await Promise.all([op.timeout(5000).emitWithAck('deal.fire', req), other.timeout(5000).emitWithAck('deal.fire', req)]);
    expect(c).toEqual({ ok: true, dealId: expect.any(String) });
    expect(d).toEqual(c);
    expect(h!.hub.ctx.live.deals().filter((x) => x.endedAt === null)).toHaveLength(1);
  });

  it('ends on time and tells the connectors', async () => {
    let clock = Date.now();
    const op = await hubWithProduct(() => clock);
    const connector = await connect(h!.url, '/ingest', TEST_TOKENS.ingest);
    const commands: ConnectorCommand[] = [];
    connector.on('command', (c: ConnectorCommand) => commands.push(c));
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', { ...fire, durationSec: 30 });
    await eventually(() => expect(commands.map((c) => c.type)).toEqual(['deal.start']));
    expect(commands[0]).toMatchObject({ dealId, priceFen: 9900, stock: 100, perUserLimit: 2, endsAt: clock + 30_000 });
    clock += 30_001;
    await eventually(() => expect(commands[1]).toEqual({ type: 'deal.end', dealId, sku: fire.sku, reason: 'time' }));
    expect(h!.hub.ctx.live.deal(dealId)).toMatchObject({ endReason: 'time' });
  });

  it('ends when the platforms report it sold out, mirrored from orders carrying its id', async () => {
    const op = await hubWithProduct();
    const connector = await connect(h!.url, '/ingest', TEST_TOKENS.ingest);
    const commands: ConnectorCommand[] = [];
    connector.on('command', (c: ConnectorCommand) => commands.push(c));
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', { ...fire, stock: 3 });
    const order = (id: string, qty: number) => ({
      type: 'order',
      platform: 'douyin',
      id,
      ts: Date.now(),
      orderId: id,
      userId: `u-${id}`,
      sku: fire.sku,
      qty,
      amountFen: qty * 9900,
      status: 'paid',
      dealId,
    });
    await connector.timeout(5000).emitWithAck('batch', [order('a', 1), order('b', 2)]);
    await eventually(() => expect(commands.find((c) => c.type === 'deal.end')).toEqual({ type: 'deal.end', dealId, sku: fire.sku, reason: 'sold_out' }));
    expect(h!.hub.ctx.live.deal(dealId)).toMatchObject({ sold: 3, endReason: 'sold_out' });
  });
});

describe('mall claims (LiveDeck keeps the stock)', () => {
  it('grants exactly the stock to 40 concurrent claimers on 20 connections, no buyer over the limit, all of it on disk', async () => {
    const op = await hubWithProduct();
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', fire);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(h!.url, '/mall', TEST_TOKENS.ingest)));
    const { grantedTo, reasons, total } = await claimStorm(sockets, {
      claimers: 40,
      rounds: 12,
      buyers: 120,
      claim: (s, userId, claimer, k) => s.timeout(5000).emitWithAck('deal.claim', { dealId, userId, qty: 1 + ((claimer + k) % 2) }),
    });
    expect(total).toBe(100);
    expect(Math.max(...grantedTo.values())).toBeLessThanOrEqual(2);
    expect(reasons).toContain('sold_out');
    expect(reasons).toContain('limit_reached');
    const onDisk = h!.hub.ctx.repo.grantsOfDeal(dealId);
    expect(onDisk.reduce((a, g) => a + g.qty, 0)).toBe(100);
    expect(Object.fromEntries(onDisk.map((g) => [g.userId, g.qty]))).toEqual(Object.fromEntries(grantedTo));
    await eventually(() => expect(h!.hub.ctx.live.deal(dealId)).toMatchObject({ claimed: 100, endReason: 'sold_out' }));
  });

  it('answers why a claim was refused: unknown deal, ended deal, bad payload', async () => {
    const op = await hubWithProduct();
    const mall = await connect(h!.url, '/mall', TEST_TOKENS.ingest);
    expect(await mall.timeout(5000).emitWithAck('deal.claim', { dealId: 'nope', userId: 'u', qty: 1 })).toEqual({ granted: false, reason: 'not_found' });
    expect(await mall.timeout(5000).emitWithAck('deal.claim', { dealId: 'x', userId: 'u', qty: 0 })).toEqual({ granted: false, reason: 'invalid' });
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', fire);
    await op.timeout(5000).emitWithAck('deal.stop', { dealId });
    expect(await mall.timeout(5000).emitWithAck('deal.claim', { dealId, userId: 'u', qty: 1 })).toEqual({ granted: false, reason: 'ended' });
  });

  it('never grants over the stock across a hub restart mid-sale', async () => {
    const op = await hubWithProduct();
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', { ...fire, stock: 30, perUserLimit: 1 });
    const first = await connect(h!.url, '/mall', TEST_TOKENS.ingest);
    const acks1 = await Promise.all(Array.from({ length: 20 }, (_, i) => first.timeout(5000).emitWithAck('deal.claim', { dealId, userId: `b${i}`, qty: 1 })));
    closeClients();
    const dbFile = h!.dbFile;
    const port = h!.port;
    await h!.stop();
    h = await startTestHub({ dbFile, port });
    const second = await connect(h.url, '/mall', TEST_TOKENS.ingest);
    // the same 20 buyers again (limit 1) and 20 new ones, for 10 units left
    const acks2 = await Promise.all(Array.from({ length: 40 }, (_, i) => second.timeout(5000).emitWithAck('deal.claim', { dealId, userId: `b${i}`, qty: 1 })));
    const granted = [...acks1, ...acks2].filter((a: ClaimAck) => a.granted).length;
    expect(acks1.every((a: ClaimAck) => a.granted)).toBe(true);
    expect(granted).toBe(30);
    expect(acks2.slice(0, 20).every((a: ClaimAck) => a.reason === 'limit_reached')).toBe(true);
    expect(h.hub.ctx.repo.grantsOfDeal(dealId).reduce((a, g) => a + g.qty, 0)).toBe(30);
  });
});

describe('commerce cues', () => {
  it('fires the item preset by itself at the set second of the slot, once', async () => {
    let clock = Date.now();
    const op = await hubWithProduct(() => clock);
    const preset = { priceFen: 9900, stock: 50, perUserLimit: 1, durationSec: 60, autoFireAtSec: 90 };
    const { itemId } = await op.timeout(5000).emitWithAck('runsheet.add', { sku: lipstick.sku, plannedSec: 300, dealPreset: preset });
    await op.timeout(5000).emitWithAck('item.go', { itemId });
    clock += 89_000;
    await new Promise((r) => setTimeout(r, 500));
    expect(h!.hub.ctx.live.deals()).toEqual([]);
    clock += 1_000;
    await eventually(() => expect(h!.hub.ctx.live.deals()).toEqual([expect.objectContaining({ sku: lipstick.sku, priceFen: 9900, stock: 50 })]));
    clock += 61_000;
    await eventually(() => expect(h!.hub.ctx.live.deals()[0].endReason).toBe('time'));
    await new Promise((r) => setTimeout(r, 500));
    expect(h!.hub.ctx.live.deals()).toHaveLength(1);
    expect(h!.hub.ctx.repo.auditTail().find((a) => a.action === 'deal.fire')!.actor).toBe('auto');
  });
});
