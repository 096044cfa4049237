import { afterEach, describe, expect, it } from 'vitest';
import type { ClaimAck, ConnectorCommand, LiveTick } from '../../server/protocol/index.js';
import { closeClients, connect, eventually, next, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { startTestStudio } from '../support/studio.js';
import { claimStorm } from './storm.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

const tea = { sku: 'TEA-DHP250', title: '大红袍 250g', listPriceFen: 19900 };
/** 满 ¥199 减 ¥30, 100 coupons, one a buyer, five minutes. */
const drop = { title: '满199减30', thresholdFen: 19900, discountFen: 3000, quantity: 100, perUserLimit: 1, durationSec: 300 };

async function hubWithProduct(now?: () => number) {
  h = await startTestHub({ now });
  const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控阿杰');
  await op.timeout(5000).emitWithAck('catalog.upsert', tea);
  await op.timeout(5000).emitWithAck('session.start', { title: '茶叶专场' });
  return op;
}

const grantsOnDisk = (couponId: string) => h!.hub.ctx.repo.grantsOfDeal(couponId).reduce((a, g) => a + g.qty, 0);

describe('dropping a coupon', () => {
  it('drops a coupon, writes who dropped it to the audit log, tells the connectors and shows it in the live state', async () => {
    const op = await hubWithProduct();
    const connector = await connect(h!.url, '/ingest', TEST_TOKENS.ingest);
    const commands: ConnectorCommand[] = [];
    connector.on('command', (c: ConnectorCommand) => commands.push(c));
    const viewer = await connect(h!.url, '/view', TEST_TOKENS.viewer);
    const ack = await op.timeout(5000).emitWithAck('coupon.drop', { ...drop, sku: tea.sku });
    expect(ack).toEqual({ ok: true, couponId: expect.any(String) });
    await eventually(() =>
      expect(commands).toEqual([
        {
          type: 'coupon.drop',
          couponId: ack.couponId,
          sku: tea.sku,
          title: '满199减30',
          discountFen: 3000,
          thresholdFen: 19900,
          quantity: 100,
          perUserLimit: 1,
          endsAt: expect.any(Number),
        },
      ]),
    );
    const audit = h!.hub.ctx.repo.auditTail().find((a) => a.action === 'coupon.drop')!;
    expect(audit.actor).toBe('中控阿杰');
    expect(audit.detail).toMatchObject({ couponId: ack.couponId, discountFen: 3000, thresholdFen: 19900, quantity: 100 });
    const tick = await eventually(async () => {
      const t = await next<LiveTick>(viewer, 'tick');
      expect(t.coupons.map((c) => c.couponId)).toContain(ack.couponId);
      return t;
    });
    expect(tick.coupons.at(-1)).toMatchObject({ sku: tea.sku, title: '满199减30', quantity: 100, claimed: 0, endedAt: null });
    expect(tick.coupons.at(-1)!.endsAt - tick.coupons.at(-1)!.startedAt).toBe(300_000);
  });

  it('names a coupon from its terms when the operator gives no title, and takes one good on the whole shop', async () => {
    const op = await hubWithProduct();
    const ack = await op.timeout(5000).emitWithAck('coupon.drop', { discountFen: 2000, quantity: 50 });
    expect(ack.ok).toBe(true);
    expect(h!.hub.ctx.live.coupon(ack.couponId)).toMatchObject({ sku: null, title: '立减20元', thresholdFen: 0, perUserLimit: 1 });
  });

  it('refuses bad terms with a code and a sentence', async () => {
    const op = await hubWithProduct();
    const refusal = async (payload: object) => (await op.timeout(5000).emitWithAck('coupon.drop', payload)).error;
    expect(await refusal({ ...drop, discountFen: 19900 })).toMatchObject({ code: 'bad_threshold', message: expect.stringContaining('under the threshold') });
    expect(await refusal({ ...drop, quantity: 0 })).toMatchObject({ code: 'bad_quantity' });
    expect(await refusal({ ...drop, quantity: -5 })).toMatchObject({ code: 'bad_quantity' });
    expect(await refusal({ ...drop, discountFen: 0 })).toMatchObject({ code: 'bad_discount' });
    // ¥199 off a ¥199 tea with no threshold would give it away.
    expect(await refusal({ discountFen: 19900, quantity: 10, sku: tea.sku })).toMatchObject({ code: 'bad_discount', message: expect.stringContaining('free') });
    expect(await refusal({ ...drop, sku: 'NOPE' })).toMatchObject({ code: 'unknown_sku' });
    expect(await refusal({ ...drop, discountFen: 12.5 })).toMatchObject({ code: 'invalid', message: expect.stringContaining('coupon.drop.discountFen') });
    expect(h!.hub.ctx.live.coupons()).toEqual([]);
  });

  it('drops one coupon when two operators drop the same one at the same moment, and one when the same request comes twice', async () => {
    const op = await hubWithProduct();
    const other = await connect(h!.url, '/control', TEST_TOKENS.operator, '中控小林');
    const [a, b] = await Promise.all([op.timeout(5000).emitWithAck('coupon.drop', drop), other.timeout(5000).emitWithAck('coupon.drop', drop)]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect((a.ok ? b : a).error.code).toBe('coupon_live');
    await op.timeout(5000).emitWithAck('coupon.stop', {});
    const req = { ...drop, requestId: 'coupon-preset-3-click' };
    const [c, d] = await Promise.all([op.timeout(5000).emitWithAck('coupon.drop', req), other.timeout(5000).emitWithAck('coupon.drop', req)]);
    expect(c).toEqual({ ok: true, couponId: expect.any(String) });
    expect(d).toEqual(c);
    expect(h!.hub.ctx.live.coupons().filter((x) => x.endedAt === null)).toHaveLength(1);
    expect(h!.hub.ctx.repo.auditTail().filter((x) => x.action === 'coupon.drop')).toHaveLength(2);
  });

  it('ends on time and tells the connectors', async () => {
    let clock = Date.now();
    const op = await hubWithProduct(() => clock);
    const connector = await connect(h!.url, '/ingest', TEST_TOKENS.ingest);
    const commands: ConnectorCommand[] = [];
    connector.on('command', (c: ConnectorCommand) => commands.push(c));
    const { couponId } = await op.timeout(5000).emitWithAck('coupon.drop', { ...drop, durationSec: 30 });
    await eventually(() => expect(commands.map((c) => c.type)).toEqual(['coupon.drop']));
    expect(commands[0]).toMatchObject({ couponId, endsAt: clock + 30_000 });
    clock += 30_001;
    await eventually(() => expect(commands[1]).toEqual({ type: 'coupon.end', couponId, reason: 'time' }));
    expect(h!.hub.ctx.live.coupon(couponId)).toMatchObject({ endReason: 'time' });
    const mall = await connect(h!.url, '/mall', TEST_TOKENS.ingest);
    expect(await mall.timeout(5000).emitWithAck('coupon.claim', { couponId, userId: 'late' })).toEqual({ granted: false, reason: 'ended' });
  });

  it('drops and stops over HTTP as a Stream Deck does, with the operator token', async () => {
    await hubWithProduct();
    const post = (action: string, body: object, token = TEST_TOKENS.operator) =>
      fetch(`${h!.url}/api/control/${action}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('coupon.drop', drop, TEST_TOKENS.viewer)).status).toBe(403);
    const dropped = (await (await post('coupon.drop', { ...drop, sku: tea.sku })).json()) as { ok: boolean; couponId: string };
    expect(dropped).toEqual({ ok: true, couponId: expect.any(String) });
    expect(h!.hub.ctx.live.coupon(dropped.couponId)).toMatchObject({ endedAt: null });
    expect(await (await post('coupon.stop', {})).json()).toEqual({ ok: true, couponId: dropped.couponId });
    expect(h!.hub.ctx.live.coupon(dropped.couponId)).toMatchObject({ endReason: 'stopped' });
  });

  it('stops by hand: the newest live coupon, or the one named', async () => {
    const op = await hubWithProduct();
    const first = await op.timeout(5000).emitWithAck('coupon.drop', drop);
    const second = await op.timeout(5000).emitWithAck('coupon.drop', { discountFen: 500, quantity: 10 });
    expect(await op.timeout(5000).emitWithAck('coupon.stop', {})).toEqual({ ok: true, couponId: second.couponId });
    expect(await op.timeout(5000).emitWithAck('coupon.stop', { couponId: first.couponId })).toEqual({ ok: true, couponId: first.couponId });
    expect(await op.timeout(5000).emitWithAck('coupon.stop', {})).toMatchObject({ ok: false, error: { code: 'not_live' } });
    expect(
      h!.hub.ctx.repo
        .auditTail()
        .filter((a) => a.action === 'coupon.end')
        .map((a) => a.actor),
    ).toEqual(['中控阿杰', '中控阿杰']);
  });
});

describe('claiming coupons in the mall (LiveDeck keeps the count)', () => {
  it('grants exactly 100 of 100 to 40 concurrent claimers on 20 connections, nobody over the limit of 1, all on disk, then ends claimed out', async () => {
    const op = await hubWithProduct();
    const connector = await connect(h!.url, '/ingest', TEST_TOKENS.ingest);
    const commands: ConnectorCommand[] = [];
    connector.on('command', (c: ConnectorCommand) => commands.push(c));
    const { couponId } = await op.timeout(5000).emitWithAck('coupon.drop', drop);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => connect(h!.url, '/mall', TEST_TOKENS.ingest)));
    const { grantedTo, reasons, total } = await claimStorm(sockets, {
      claimers: 40,
      rounds: 8,
      buyers: 160,
      claim: (s, userId) => s.timeout(5000).emitWithAck('coupon.claim', { couponId, userId }),
    });
    expect(total).toBe(100);
    expect(Math.max(...grantedTo.values())).toBe(1);
    expect(reasons).toContain('sold_out');
    expect(reasons).toContain('limit_reached');
    const onDisk = h!.hub.ctx.repo.grantsOfDeal(couponId);
    expect(Object.fromEntries(onDisk.map((g) => [g.userId, g.qty]))).toEqual(Object.fromEntries(grantedTo));
    expect(h!.hub.db.prepare('SELECT DISTINCT kind FROM deal_grants WHERE deal_id = ?').pluck().all(couponId)).toEqual(['coupon']);
    await eventually(() => expect(h!.hub.ctx.live.coupon(couponId)).toMatchObject({ claimed: 100, endReason: 'claimed_out' }));
    await eventually(() => expect(commands.at(-1)).toEqual({ type: 'coupon.end', couponId, reason: 'claimed_out' }));
  });

  it('answers why a claim was refused: unknown coupon, a deal id, bad payload', async () => {
    const op = await hubWithProduct();
    const mall = await connect(h!.url, '/mall', TEST_TOKENS.ingest);
    expect(await mall.timeout(5000).emitWithAck('coupon.claim', { couponId: 'nope', userId: 'u' })).toEqual({ granted: false, reason: 'not_found' });
    expect(await mall.timeout(5000).emitWithAck('coupon.claim', { couponId: '', userId: 'u' })).toEqual({ granted: false, reason: 'invalid' });
    // A deal's units are not coupons, nor the other way round.
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', { sku: tea.sku, priceFen: 9900, stock: 5 });
    const { couponId } = await op.timeout(5000).emitWithAck('coupon.drop', drop);
    expect(await mall.timeout(5000).emitWithAck('coupon.claim', { couponId: dealId, userId: 'u' })).toEqual({ granted: false, reason: 'not_found' });
    expect(await mall.timeout(5000).emitWithAck('deal.claim', { dealId: couponId, userId: 'u', qty: 1 })).toEqual({ granted: false, reason: 'not_found' });
  });

  it('never grants over the quantity when the hub is stopped mid-drop with claims in flight and started again', async () => {
    const op = await hubWithProduct();
    const { couponId } = await op.timeout(5000).emitWithAck('coupon.drop', { ...drop, quantity: 30 });
    const first = await connect(h!.url, '/mall', TEST_TOKENS.ingest);
    const answered1 = await Promise.all(Array.from({ length: 12 }, (_, i) => first.timeout(5000).emitWithAck('coupon.claim', { couponId, userId: `b${i}` })));
    // More claims sent, then the hub goes down under them: some may never be answered.
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      first
        .timeout(2000)
        .emitWithAck('coupon.claim', { couponId, userId: `b${12 + i}` })
        .catch(() => null),
    );
    const dbFile = h!.dbFile;
    const port = h!.port;
    await h!.stop();
    const answered2 = (await Promise.all(inFlight)).filter((a): a is ClaimAck => a !== null);
    closeClients();
    h = await startTestHub({ dbFile, port });
    expect(h.hub.ctx.live.coupon(couponId)).toMatchObject({ endedAt: null });
    // Every grant acknowledged before the stop is on disk and counted again.
    const ackedBefore = [...answered1, ...answered2].filter((a) => a.granted).length;
    expect(grantsOnDisk(couponId)).toBeGreaterThanOrEqual(ackedBefore);
    expect(h.hub.ctx.live.coupon(couponId)!.claimed).toBe(grantsOnDisk(couponId));
    const second = await connect(h.url, '/mall', TEST_TOKENS.ingest);
    // The first 12 buyers again (limit 1) and 60 more, for what is left.
    const answered3 = await Promise.all(Array.from({ length: 72 }, (_, i) => second.timeout(5000).emitWithAck('coupon.claim', { couponId, userId: `b${i}` })));
    expect(answered3.slice(0, 12).every((a: ClaimAck) => a.reason === 'limit_reached')).toBe(true);
    expect(grantsOnDisk(couponId)).toBe(30);
    const perUser = h.hub.ctx.repo.grantsOfDeal(couponId);
    expect(Math.max(...perUser.map((g) => g.qty))).toBe(1);
  });
});

describe('the demo audience', () => {
  it('has its mall buyers claim a dropped coupon through /mall, one each, never past the quantity', async () => {
    const studio = await startTestStudio({ simulate: true, simRate: 20 });
    try {
      const op = await connect(studio.url, '/control', studio.tokens.operator);
      // The demo audience opens the show (自动场次) as it arrives; no coupon drops before a show is live.
      await eventually(() => expect(studio.hub.ctx.live.session).not.toBeNull(), 10_000);
      const { couponId } = await op.timeout(5000).emitWithAck('coupon.drop', { discountFen: 1000, quantity: 5, durationSec: 120 });
      await eventually(() => expect(studio.hub.ctx.live.coupon(couponId)).toMatchObject({ claimed: 5, endReason: 'claimed_out' }), 25_000);
      const grants = studio.hub.ctx.repo.grantsOfDeal(couponId);
      expect(grants.map((g) => g.qty)).toEqual([1, 1, 1, 1, 1]);
      expect(grants.every((g) => g.userId.startsWith('mall_'))).toBe(true);
    } finally {
      closeClients();
      await studio.stop();
    }
  }, 40_000);
});

describe('the recap', () => {
  it("leaves the control room's coupon events out of the platforms", async () => {
    const op = await hubWithProduct();
    const connector = await connect(h!.url, '/ingest', TEST_TOKENS.ingest);
    const { couponId } = await op.timeout(5000).emitWithAck('coupon.drop', drop);
    await connector.timeout(5000).emitWithAck('batch', [{ type: 'viewer.enter', platform: 'douyin', id: 'e1', ts: Date.now(), userId: 'u1' }]);
    await op.timeout(5000).emitWithAck('coupon.stop', { couponId });
    const { sessionId } = await op.timeout(5000).emitWithAck('session.end');
    const res = await fetch(`${h!.url}/api/sessions/${sessionId}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } });
    const recap = (await res.json()) as { byPlatform: Record<string, unknown>; viewers: number };
    expect(Object.keys(recap.byPlatform)).toEqual(['douyin']);
    expect(recap.viewers).toBe(1);
  });
});

describe('a run-sheet item carries a coupon preset', () => {
  it('keeps the preset through an update that does not send it, and clears it with null', async () => {
    const op = await hubWithProduct();
    const couponPreset = { title: '满199减30', thresholdFen: 19900, discountFen: 3000, quantity: 200, perUserLimit: 1, durationSec: 120 };
    const { itemId } = await op.timeout(5000).emitWithAck('runsheet.add', { sku: tea.sku, plannedSec: 300, couponPreset });
    await op.timeout(5000).emitWithAck('runsheet.update', { itemId, plannedSec: 240 });
    expect(h!.hub.ctx.repo.runsheet()[0]).toMatchObject({ plannedSec: 240, couponPreset });
    const bad = await op.timeout(5000).emitWithAck('runsheet.update', { itemId, couponPreset: { ...couponPreset, discountFen: 20000 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('under the threshold') } });
    await op.timeout(5000).emitWithAck('runsheet.update', { itemId, couponPreset: null });
    expect(h!.hub.ctx.repo.runsheet()[0].couponPreset).toBeNull();
  });
});
