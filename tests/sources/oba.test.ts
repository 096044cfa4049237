/**
 * The `oba` live room against a local stand-in for oba-live-tool's WebSocket broadcast, sending its
 * real message shapes (tests/fixtures/sources/oba), into a real hub.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recapFromStore } from '../../server/recap/from-store.js';
import { reportFromStore } from '../../server/recap/report.js';
import { recapTables } from '../../server/recap/workbook.js';
import { roomAdapters } from '../../server/sources/kinds.js';
import { obaAdapter } from '../../server/sources/rooms/oba.js';
import type { SourceConfig } from '../../server/sources/types.js';
import { eventually, startTestHub, type TestHub } from '../support/hub.js';
import { hubSink, obaFixtures, startObaFeed, type ObaFeed, type RecordingSink } from '../support/room-feeds.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const fx = obaFixtures();
/** A fixture message restamped now (oba stamps `time` with its own clock), with changes. */
const msg = (name: string, patch: Record<string, unknown> = {}): Record<string, unknown> => ({ ...fx[name], time: Date.now(), ...patch });

async function setUp(src: Partial<SourceConfig> = {}): Promise<{ hub: TestHub; feed: ObaFeed; sink: RecordingSink }> {
  const hub = await startTestHub();
  cleanup.push(() => hub.stop());
  hub.hub.ctx.repo.upsertProduct({ sku: 'CUP-500', title: '保温杯 500ml', listPriceFen: 12900, livePriceFen: 8990 }, Date.now());
  const feed = await startObaFeed();
  cleanup.push(() => feed.kill().catch(() => {}));
  const sink = hubSink(hub, { productIds: { '3700000000000000001': 'CUP-500' } });
  const handle = obaAdapter.start({ id: 'oba', kind: 'oba', platform: 'oba', url: feed.url, enabled: true, ...src }, sink);
  cleanup.push(() => handle.stop());
  await feed.connected();
  await eventually(() => expect(sink.states.at(-1)?.state).toBe('connected'));
  return { hub, feed, sink };
}

function stored(hub: TestHub, type: 'comment' | 'interaction' | 'viewer.enter' | 'stream.gap' | 'order') {
  const session = hub.hub.ctx.repo.latestSession();
  return (session ? hub.hub.ctx.repo.eventsOfSession(session.id, { types: [type] }) : []) as unknown as Record<string, any>[];
}

const byPlatform = (events: Record<string, any>[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const e of events) out[e.platform] = (out[e.platform] ?? 0) + 1;
  return out;
};

describe('an oba-live-tool feed into the hub', () => {
  it('is registered for the runtime and connects to the default broadcast address when given none', () => {
    expect(roomAdapters.oba).toBe(obaAdapter);
    expect(obaAdapter.needs).toEqual([]);
  });

  it('gives exactly the comments, entries, likes and follows it sent, each under the platform its message type names', async () => {
    const { hub, feed, sink } = await setUp();
    // Douyin: 3 comments, 2 entries (2 viewers), 2 likes, 1 follow; 视频号 2, 小红书 1, 淘宝 1 comments.
    feed.sendJson(msg('douyin_comment'));
    feed.sendJson(msg('douyin_comment', { msg_id: 'dy-2', nick_name: '抖音用户D', content: '有没有优惠' }));
    feed.sendJson(msg('douyin_comment', { msg_id: 'dy-3', content: '好看' }));
    feed.sendJson(msg('douyin_enter'));
    feed.sendJson(msg('douyin_enter', { msg_id: 'enter-2', user_id: '1109999999' }));
    feed.sendJson(msg('douyin_like'));
    feed.sendJson(msg('douyin_like', { msg_id: 'like-2' }));
    feed.sendJson(msg('douyin_follow'));
    feed.sendJson(msg('douyin_fansclub'));
    feed.sendJson(msg('douyin_brand_vip'));
    feed.sendJson(msg('channels_comment'));
    feed.sendJson(msg('channels_comment', { msg_id: 'finderlive_2', content: '怎么买' }));
    feed.sendJson(msg('xiaohongshu_comment'));
    feed.sendJson(msg('taobao_comment'));

    await eventually(() => expect(stored(hub, 'comment')).toHaveLength(7));
    expect(byPlatform(stored(hub, 'comment'))).toEqual({ douyin: 3, channels: 2, xiaohongshu: 1, taobao: 1 });
    expect(stored(hub, 'viewer.enter')).toHaveLength(2);
    const interactions = stored(hub, 'interaction');
    expect(interactions.filter((e) => e.kind === 'like')).toHaveLength(2);
    expect(interactions.filter((e) => e.kind === 'follow')).toHaveLength(1);
    expect(sink.warnings).toEqual([]);

    const recap = recapFromStore(hub.hub.ctx.repo, 'latest', Date.now())!;
    expect(recap.byPlatform.douyin.views).toBe(2);
    expect(recap.byPlatform.douyin.viewers).toBe(2);
    for (const [platform, n] of Object.entries({ douyin: 3, channels: 2, xiaohongshu: 1, taobao: 1 })) {
      const one = recapFromStore(hub.hub.ctx.repo, 'latest', Date.now(), { platform })!;
      expect(one.minutes.reduce((s, m) => s + m.comments, 0)).toBe(n);
    }
    // Each platform's question is in the control room's inbox.
    const live = JSON.stringify(hub.hub.ctx.live.snapshot(Date.now()));
    for (const q of ['这个多少钱？', '有没有大码？', '链接在哪里', '能不能便宜点']) expect(live).toContain(q);
    // Douyin comments carry no user id: the nickname's hash stands in, never the nickname itself.
    const dy = stored(hub, 'comment').find((e) => e.id === 'c:7445123456789012345')!;
    expect(dy.userId).toMatch(/^nick:/);
    expect(dy.nick).toBe('抖音用户A');
  });

  it('puts `comment` under kuaishou when the source says so', async () => {
    const { hub, feed } = await setUp({ platform: 'kuaishou' });
    feed.sendJson(msg('kuaishou_comment'));
    feed.sendJson(msg('channels_comment'));
    await eventually(() => expect(stored(hub, 'comment')).toHaveLength(2));
    expect(byPlatform(stored(hub, 'comment'))).toEqual({ kuaishou: 1, channels: 1 });
  });

  it('turns a live_order of a catalog product into an estimated order at the catalog price, and refuses to guess any other', async () => {
    const { hub, feed, sink } = await setUp();
    feed.sendJson(msg('douyin_order_created'));
    feed.sendJson(msg('douyin_order_paid'));
    feed.sendJson(msg('douyin_order_paid', { msg_id: '6930000000000000009#3', product_id: '999', product_title: '不在目录里的商品' }));
    feed.sendJson(msg('douyin_order_paid', { msg_id: '6930000000000000010#2', order_status: '未知状态' }));
    await eventually(() => expect(stored(hub, 'order')).toHaveLength(2));
    await eventually(() => expect(sink.warnings.filter((w) => w.code === 'unmapped_order')).toHaveLength(2));
    const orders = stored(hub, 'order');
    expect(orders.map((o) => [o.orderId, o.status, o.sku, o.qty, o.amountFen, o.estimated])).toEqual([
      ['6930000000000000001', 'created', 'CUP-500', 1, 8990, true],
      ['6930000000000000001', 'paid', 'CUP-500', 1, 8990, true],
    ]);
    const recap = recapFromStore(hub.hub.ctx.repo, 'latest', Date.now())!;
    expect(recap.byPlatform.douyin.orders).toBe(1);
    expect(recap.byPlatform.douyin.paidGmvFen).toBe(8990);
    // The recap says how much of that is estimated.
    const report = reportFromStore(hub.hub.ctx.repo, 'latest', Date.now())!;
    expect(report.estimated).toEqual({ orders: 1, paidGmvFen: 8990 });
    // …and so does the workbook's summary, in a row of its own.
    const summary = recapTables(report, 'zh-CN')[0];
    const row = summary.rows.find((r) => String(r[0]).startsWith('其中估算'))!;
    expect(row.slice(0, 5)).toEqual(['其中估算（按目录价）', 89.9, null, null, 1]);
    expect(row).toHaveLength(summary.columns.length);
    // No money in any warning.
    expect(sink.warnings.every((w) => !/89\.?90|8990/.test(w.message))).toBe(true);
  });

  it('marks the outage on every platform it carried when oba-live-tool restarts, and counts a resent message once', async () => {
    const { hub, feed, sink } = await setUp();
    const sent = [msg('douyin_comment'), msg('channels_comment'), msg('douyin_enter')];
    for (const m of sent) feed.sendJson(m);
    await eventually(() => expect(stored(hub, 'comment')).toHaveLength(2));
    const port = feed.port;
    const killedAt = Date.now();
    await feed.kill();
    await eventually(() => expect(sink.states.at(-1)?.state).toBe('reconnecting'));
    const again = await startObaFeed({ port });
    cleanup.push(() => again.kill().catch(() => {}));
    await again.connected();
    await eventually(() => expect(sink.states.at(-1)?.state).toBe('connected'));
    for (const m of sent) again.sendJson(m);
    again.sendJson(msg('xiaohongshu_comment'));
    await eventually(() => expect(stored(hub, 'comment')).toHaveLength(3));
    await eventually(() => expect(stored(hub, 'stream.gap')).toHaveLength(2));
    const gaps = stored(hub, 'stream.gap');
    expect(gaps.map((g) => g.platform).sort()).toEqual(['channels', 'douyin']);
    for (const g of gaps) {
      expect(g.fromTs).toBeGreaterThanOrEqual(killedAt);
      expect(g.toTs).toBeGreaterThan(g.fromTs);
    }
    expect(stored(hub, 'viewer.enter')).toHaveLength(1);
  });

  it('skips each kind of bad input with its code and keeps the connection', async () => {
    const { hub, feed, sink } = await setUp();
    feed.sendRaw('not json at all');
    feed.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef]), true);
    feed.sendRaw(JSON.stringify({ msg_type: 'comment', msg_id: 'big', content: 'x'.repeat(10 * 1024 * 1024) }));
    feed.sendJson({ msg_type: 'douyin_gift_never_seen', msg_id: '1' });
    feed.sendJson({ msg_id: 'no-type' });
    feed.sendJson([1, 2, 3]);
    feed.sendJson(msg('douyin_comment', { content: '' }));
    feed.sendJson(msg('douyin_comment', { msg_id: 'ok-after', content: '还在吗' }));
    await eventually(() => expect(stored(hub, 'comment')).toHaveLength(1), 15_000);
    const codes = sink.warnings.map((w) => w.code);
    for (const code of ['bad_json', 'bad_frame', 'too_large', 'unknown_message', 'bad_message']) expect(codes).toContain(code);
    expect(feed.connections).toBe(1);
    expect(feed.open).toBe(1);
    expect(sink.states.map((s) => s.state)).not.toContain('reconnecting');
  });

  it('says why while oba-live-tool is not running, and connects once it starts', async () => {
    const hub = await startTestHub();
    cleanup.push(() => hub.stop());
    const probe = await startObaFeed();
    const port = probe.port;
    await probe.kill();
    const sink = hubSink(hub);
    const handle = obaAdapter.start({ id: 'oba', kind: 'oba', platform: 'oba', url: `ws://127.0.0.1:${port}`, enabled: true }, sink);
    cleanup.push(() => handle.stop());
    await eventually(() => expect(sink.states.at(-1)?.state).toBe('reconnecting'));
    expect(sink.states.at(-1)!.reason).toMatch(/cannot reach ws:\/\/127\.0\.0\.1/);
    const feed = await startObaFeed({ port });
    cleanup.push(() => feed.kill().catch(() => {}));
    await feed.connected();
    await eventually(() => expect(sink.states.at(-1)?.state).toBe('connected'), 10_000);
    // It never had the room, so there was no outage to mark.
    feed.sendJson(msg('douyin_comment'));
    await eventually(() => expect(stored(hub, 'comment')).toHaveLength(1));
    expect(stored(hub, 'stream.gap')).toHaveLength(0);
  });
});
