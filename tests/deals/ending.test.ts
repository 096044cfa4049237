import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectorCommand } from '../../server/protocol/index.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  closeClients();
  await h?.stop();
  h = null;
});

const lipstick = { sku: 'SKU-LIP', title: '丝绒口红', listPriceFen: 19900 };
const fire = { sku: lipstick.sku, priceFen: 9900, stock: 100, perUserLimit: 2, durationSec: 60 };
const coupon = { discountFen: 1000, thresholdFen: 9900, quantity: 50, perUserLimit: 1, durationSec: 60 };

async function liveShow(now?: () => number) {
  h = await startTestHub({ now });
  const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控阿杰');
  await op.timeout(5000).emitWithAck('catalog.upsert', lipstick);
  await op.timeout(5000).emitWithAck('session.start', { title: '口红专场' });
  const connector = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
  const commands: ConnectorCommand[] = [];
  connector.on('command', (c: ConnectorCommand) => commands.push(c));
  return { op, commands };
}

/** The `*.ended` events on disk for one deal or coupon (what a restarted hub would rebuild from). */
function endsOnDisk(type: 'deal.ended' | 'coupon.ended', id: string): { ts: number; reason: string }[] {
  const key = type === 'deal.ended' ? 'dealId' : 'couponId';
  return (h!.hub.db.prepare('SELECT ts, body FROM events WHERE type = ?').all(type) as { ts: number; body: string }[])
    .map((r) => ({ ts: r.ts, body: JSON.parse(r.body) as Record<string, string> }))
    .filter((e) => e.body[key] === id)
    .map((e) => ({ ts: e.ts, reason: e.body.reason }));
}

describe('the end of a deal or coupon is recorded before the live model changes', () => {
  it('answers the store’s code when 停止 cannot be written, and leaves the deal live in memory as on disk; the next 停止 ends it in both', async () => {
    const { op, commands } = await liveShow();
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', fire);
    const { couponId } = await op.timeout(5000).emitWithAck('coupon.drop', coupon);

    h!.hub.db.pragma('query_only = ON');
    expect(await op.timeout(5000).emitWithAck('deal.stop', { dealId })).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
    expect(await op.timeout(5000).emitWithAck('coupon.stop', { couponId })).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
    expect(h!.hub.ctx.live.deal(dealId)?.endedAt).toBeNull();
    expect(h!.hub.ctx.live.coupon(couponId)?.endedAt).toBeNull();
    expect(endsOnDisk('deal.ended', dealId)).toEqual([]);
    expect(endsOnDisk('coupon.ended', couponId)).toEqual([]);
    expect(commands.map((c) => c.type)).not.toContain('deal.end');
    // A claim on the still-live deal is still taken: memory and disk both say it is on sale.
    expect(
      h!.hub.ctx.live
        .deals()
        .filter((d) => d.endedAt === null)
        .map((d) => d.dealId),
    ).toEqual([dealId]);

    h!.hub.db.pragma('query_only = OFF');
    expect(await op.timeout(5000).emitWithAck('deal.stop', { dealId })).toMatchObject({ ok: true, dealId });
    expect(await op.timeout(5000).emitWithAck('coupon.stop', { couponId })).toMatchObject({ ok: true, couponId });
    const [dealEnd] = endsOnDisk('deal.ended', dealId);
    const [couponEnd] = endsOnDisk('coupon.ended', couponId);
    expect(dealEnd.reason).toBe('stopped');
    expect(h!.hub.ctx.live.deal(dealId)).toMatchObject({ endedAt: dealEnd.ts, endReason: 'stopped' });
    expect(h!.hub.ctx.live.coupon(couponId)).toMatchObject({ endedAt: couponEnd.ts, endReason: 'stopped' });
    await eventually(() => expect(commands.filter((c) => c.type === 'deal.end' || c.type === 'coupon.end')).toHaveLength(2));
  });

  it('keeps a deal whose time is up live while the database refuses writes, says so in the log once, and ends it when writes work again', async () => {
    let clock = Date.now();
    const { op, commands } = await liveShow(() => clock);
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line));
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', { ...fire, durationSec: 30 });

    // A real refusal from SQLite (SQLITE_READONLY), as a disk remounted read-only gives.
    h!.hub.db.pragma('query_only = ON');
    clock += 30_001;
    await eventually(() => expect(warnings.some((w) => w.includes(dealId) && w.includes('store_unavailable'))).toBe(true));
    // Several beats later the deal is still live in both places, and the trouble was logged once.
    await new Promise((r) => setTimeout(r, 300));
    expect(h!.hub.ctx.live.deal(dealId)?.endedAt).toBeNull();
    expect(endsOnDisk('deal.ended', dealId)).toEqual([]);
    expect(commands.map((c) => c.type)).not.toContain('deal.end');
    expect(warnings.filter((w) => w.includes(dealId))).toHaveLength(1);

    h!.hub.db.pragma('query_only = OFF');
    await eventually(() => expect(commands.find((c) => c.type === 'deal.end')).toEqual({ type: 'deal.end', dealId, sku: fire.sku, reason: 'time' }));
    const [end] = endsOnDisk('deal.ended', dealId);
    expect(end).toEqual({ ts: clock, reason: 'time' });
    expect(h!.hub.ctx.live.deal(dealId)).toMatchObject({ endedAt: clock, endReason: 'time' });
  });

  it('ends the show’s live deal and coupon when the show ends (session_end), and refuses to end the show while that cannot be written', async () => {
    const { op, commands } = await liveShow();
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', fire);
    const { couponId } = await op.timeout(5000).emitWithAck('coupon.drop', coupon);
    const sessionId = h!.hub.ctx.live.session!.id;

    h!.hub.db.pragma('query_only = ON');
    expect(await op.timeout(5000).emitWithAck('session.end', {})).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
    expect(h!.hub.ctx.repo.liveSession()?.id).toBe(sessionId);
    expect(h!.hub.ctx.live.deal(dealId)?.endedAt).toBeNull();
    expect(endsOnDisk('deal.ended', dealId)).toEqual([]);

    h!.hub.db.pragma('query_only = OFF');
    expect(await op.timeout(5000).emitWithAck('session.end', {})).toEqual({ ok: true, sessionId });
    expect(endsOnDisk('deal.ended', dealId)).toEqual([{ ts: expect.any(Number), reason: 'session_end' }]);
    expect(endsOnDisk('coupon.ended', couponId)).toEqual([{ ts: expect.any(Number), reason: 'session_end' }]);
    await eventually(() =>
      expect(commands.filter((c) => c.type === 'deal.end' || c.type === 'coupon.end')).toEqual([
        { type: 'deal.end', dealId, sku: fire.sku, reason: 'session_end' },
        { type: 'coupon.end', couponId, reason: 'session_end' },
      ]),
    );
  });

  it('answers store_unavailable, not internal, when a deal or coupon cannot be started, and shows nothing that was not recorded', async () => {
    const { op, commands } = await liveShow();
    h!.hub.db.pragma('query_only = ON');
    expect(await op.timeout(5000).emitWithAck('deal.fire', fire)).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
    expect(await op.timeout(5000).emitWithAck('coupon.drop', coupon)).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
    expect(h!.hub.ctx.live.deals()).toEqual([]);
    expect(h!.hub.ctx.live.coupons()).toEqual([]);
    expect(commands).toEqual([]);
    h!.hub.db.pragma('query_only = OFF');
    // The same request again, once the disk takes writes, starts the deal.
    expect(await op.timeout(5000).emitWithAck('deal.fire', fire)).toEqual({ ok: true, dealId: expect.any(String) });
  });

  it('records one end when two operators press 停止 on the same deal at the same moment', async () => {
    const { op, commands } = await liveShow();
    const other = await connect(h!.url, '/control', TEST_TOKENS.operator, '导播小林');
    const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', fire);
    const answers = await Promise.all([op.timeout(5000).emitWithAck('deal.stop', { dealId }), other.timeout(5000).emitWithAck('deal.stop', { dealId })]);
    // Both were pressed while the deal was live: both hear it stopped, and it ended once.
    expect(answers).toEqual([expect.objectContaining({ ok: true, dealId }), expect.objectContaining({ ok: true, dealId })]);
    expect(endsOnDisk('deal.ended', dealId)).toHaveLength(1);
    await eventually(() => expect(commands.filter((c) => c.type === 'deal.end')).toHaveLength(1));
    expect(h!.hub.ctx.repo.auditTail().filter((a) => a.action === 'deal.end')).toHaveLength(1);
  });
});
