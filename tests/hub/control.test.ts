import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorCommand, LiveTick } from '../../server/protocol/index.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub;
afterEach(async () => {
  closeClients();
  await h?.stop();
});

const cream = { sku: 'SKU-CREAM', title: '修护面霜 50ml', listPriceFen: 29900, livePriceFen: 12990 };
const serum = { sku: 'SKU-SERUM', title: '精华液 30ml', listPriceFen: 39900 };

const post = (path: string, body: unknown, token = TEST_TOKENS.operator) =>
  fetch(`${h.url}/api/control/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

describe('/control actions', () => {
  it('starts a session, refuses a second while it is live, and ends it', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator, '场控小王');
    const started = await op.timeout(5000).emitWithAck('session.start', { title: '双11 美妆专场' });
    expect(started).toEqual({ ok: true, sessionId: expect.any(Number) });
    const twice = await op.timeout(5000).emitWithAck('session.start', { title: 'again' });
    expect(twice).toMatchObject({ ok: false, error: { code: 'session_live' } });
    const ended = await op.timeout(5000).emitWithAck('session.end', {});
    expect(ended).toEqual({ ok: true, sessionId: started.sessionId });
    expect(h.hub.ctx.repo.session(started.sessionId)!.endedAt).toEqual(expect.any(Number));
    const audit = h.hub.ctx.repo.auditTail().map((a) => [a.actor, a.action]);
    expect(audit).toEqual([
      ['场控小王', 'session.end'],
      ['场控小王', 'session.start'],
    ]);
  });

  it('renames the live show over the socket and HTTP, a named 自动场次 becoming a show of its own, with clear refusals', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator, '场控小王');
    expect(await op.timeout(5000).emitWithAck('session.rename', { title: '没有直播' })).toMatchObject({ ok: false, error: { code: 'no_session' } });
    const autoId = h.hub.ctx.repo.createSession('自动场次 20:00', Date.now(), { auto: true });
    h.hub.ctx.reloadLive();
    const renamed = await op.timeout(5000).emitWithAck('session.rename', { title: '  双12 美妆专场  ' });
    expect(renamed).toEqual({ ok: true, sessionId: autoId, title: '双12 美妆专场' });
    expect(h.hub.ctx.repo.session(autoId)).toMatchObject({ title: '双12 美妆专场', auto: false });
    expect(h.hub.ctx.live.session).toMatchObject({ id: autoId, title: '双12 美妆专场' });
    const res = await post('session.rename', { sessionId: autoId, title: '双12 返场' });
    expect(await res.json()).toEqual({ ok: true, sessionId: autoId, title: '双12 返场' });
    expect((await (await post('session.rename', { title: ' ' })).json()).error.code).toBe('invalid');
    expect((await (await post('session.rename', { sessionId: 999, title: 'x' })).json()).error.code).toBe('not_found');
    expect(h.hub.ctx.repo.auditTail().filter((a) => a.action === 'session.rename')).toHaveLength(2);
  });

  it('after 下播 opens no show for the stream’s tail stamped before the end, only for an audience arriving after it', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const { sessionId } = await op.timeout(5000).emitWithAck('session.start', { title: '晚场' });
    await op.timeout(5000).emitWithAck('session.end', {});
    const endedAt = h.hub.ctx.repo.session(sessionId)!.endedAt!;
    const comment = (id: string, ts: number) => ({ type: 'comment', platform: 'douyin', id, ts, userId: id, nick: id, text: '还有货吗？' });
    expect(await ingest.timeout(5000).emitWithAck('batch', [comment('tail', endedAt)])).toMatchObject({ accepted: 1 });
    expect(h.hub.ctx.repo.liveSession()).toBeNull();
    expect(h.hub.ctx.repo.sessions()).toHaveLength(1);
    expect(await ingest.timeout(5000).emitWithAck('batch', [comment('later', endedAt + 5000)])).toMatchObject({ accepted: 1 });
    expect(h.hub.ctx.repo.liveSession()).toMatchObject({ auto: true });
  });

  it('refuses a malformed payload with the field and a reason, and an unknown action', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    const bad = await op.timeout(5000).emitWithAck('catalog.upsert', { sku: 'X', title: '', listPriceFen: 19.9 });
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid');
    expect(bad.error.message).toMatch(/title/);
    expect(bad.error.message).toMatch(/listPriceFen/);
    const res = await post('session.explode', {});
    expect(res.status).toBe(404);
  });

  it('builds and reorders the run-sheet, and Go puts items on air in order, pinning them on every platform', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    const other = await connect(h.url, '/control', TEST_TOKENS.operator);
    const connector = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const commands: ConnectorCommand[] = [];
    connector.on('command', (c: ConnectorCommand) => commands.push(c));
    const ticks: LiveTick[] = [];
    other.on('tick', (t: LiveTick) => ticks.push(t));

    await op.timeout(5000).emitWithAck('catalog.upsert', cream);
    await op.timeout(5000).emitWithAck('catalog.upsert', serum);
    const unknown = await op.timeout(5000).emitWithAck('runsheet.add', { sku: 'NOPE', plannedSec: 300 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_sku' } });
    const a = await op.timeout(5000).emitWithAck('runsheet.add', { sku: cream.sku, plannedSec: 300, script: '姐妹们看过来' });
    const b = await op.timeout(5000).emitWithAck('runsheet.add', { sku: serum.sku, plannedSec: 420 });
    const reordered = await op.timeout(5000).emitWithAck('runsheet.reorder', { itemIds: [b.itemId, a.itemId] });
    expect(reordered).toEqual({ ok: true, itemIds: [b.itemId, a.itemId] });
    expect(h.hub.ctx.repo.runsheet().map((i) => i.sku)).toEqual([serum.sku, cream.sku]);
    const stale = await op.timeout(5000).emitWithAck('runsheet.reorder', { itemIds: [a.itemId] });
    expect(stale).toMatchObject({ ok: false, error: { code: 'stale_order' } });

    await op.timeout(5000).emitWithAck('session.start', { title: '晚场' });
    expect(await op.timeout(5000).emitWithAck('item.next', {})).toEqual({ ok: true, itemId: b.itemId, sku: serum.sku });
    expect(await op.timeout(5000).emitWithAck('item.next', {})).toEqual({ ok: true, itemId: a.itemId, sku: cream.sku });
    expect(await op.timeout(5000).emitWithAck('item.next', {})).toMatchObject({ ok: false, error: { code: 'end_of_runsheet' } });
    expect(h.hub.ctx.live.current()).toMatchObject({ itemId: a.itemId, sku: cream.sku, endedAt: null });

    await eventually(() =>
      expect(commands).toEqual([
        { type: 'product.pin', sku: serum.sku, priceFen: serum.listPriceFen },
        { type: 'product.pin', sku: cream.sku, priceFen: cream.livePriceFen },
      ]),
    );
    await eventually(() => {
      const last = ticks[ticks.length - 1];
      expect(last.current).toMatchObject({ itemId: a.itemId });
      expect(last.airings.map((x) => x.sku)).toEqual([serum.sku, cream.sku]);
    });
    const stored = [...h.hub.ctx.repo.eventsOfSession(h.hub.ctx.repo.liveSession()!.id)].filter((e) => e.type === 'item.live');
    expect(stored.map((e) => (e as { sku: string }).sku)).toEqual([serum.sku, cream.sku]);
  });

  it('answers the same actions over POST /api/control/:action, for operators only', async () => {
    h = await startTestHub();
    expect((await post('session.start', { title: 'Stream Deck' }, TEST_TOKENS.viewer)).status).toBe(403);
    expect((await post('session.start', { title: 'Stream Deck' }, 'nope')).status).toBe(401);
    const res = await post('session.start', { title: 'Stream Deck' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, sessionId: expect.any(Number) });
    const empty = await post('item.next', {});
    expect(empty.status).toBe(409);
    expect((await empty.json()).error.code).toBe('empty_runsheet');
    const invalid = await post('catalog.upsert', { sku: '' });
    expect(invalid.status).toBe(400);
  });

  it('lets one moderator claim a question, shows it taken to the other, and marks it answered', async () => {
    h = await startTestHub();
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const ann = await connect(h.url, '/control', TEST_TOKENS.operator, '安安');
    const bo = await connect(h.url, '/control', TEST_TOKENS.operator, '波波');
    const seen: LiveTick[] = [];
    bo.on('tick', (t: LiveTick) => seen.push(t));
    await ingest.timeout(5000).emitWithAck('batch', [{ type: 'comment', platform: 'douyin', id: 'q1', ts: Date.now(), userId: 'u1', nick: '小鹿', text: '尺码怎么选？' }]);
    const key = 'douyin:q1';
    expect(await ann.timeout(5000).emitWithAck('comment.claim', { key })).toEqual({ ok: true, key });
    expect(await bo.timeout(5000).emitWithAck('comment.claim', { key })).toMatchObject({ ok: false, error: { code: 'taken' } });
    await eventually(() => expect(seen[seen.length - 1].questions.find((q) => q.key === key)).toMatchObject({ status: 'claimed', claimedBy: '安安' }));
    expect(await ann.timeout(5000).emitWithAck('comment.prompt', { key })).toEqual({ ok: true, key });
    await eventually(() => expect(seen[seen.length - 1].promptedQuestion?.text).toBe('尺码怎么选？'));
    expect(await ann.timeout(5000).emitWithAck('comment.answer', { key })).toEqual({ ok: true, key });
    await eventually(() => expect(seen[seen.length - 1].questions.find((q) => q.key === key)).toBeUndefined());
    expect(h.hub.ctx.repo.commentStates(h.hub.ctx.repo.liveSession()!.id)).toEqual([{ key, status: 'answered', claimedBy: '安安', prompted: false }]);
  });
});

describe('editing a run-sheet item', () => {
  it('changes only the fields sent and keeps the rest', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    await op.timeout(5000).emitWithAck('catalog.upsert', cream);
    const preset = { priceFen: 9900, stock: 50, perUserLimit: 1, durationSec: 60 };
    const { itemId } = await op.timeout(5000).emitWithAck('runsheet.add', { sku: cream.sku, plannedSec: 300, script: '话术', sellingPoints: '保湿', dealPreset: preset });
    expect(await op.timeout(5000).emitWithAck('runsheet.update', { itemId, plannedSec: 420 })).toEqual({ ok: true, itemId });
    expect(h.hub.ctx.repo.runsheet()[0]).toMatchObject({ plannedSec: 420, script: '话术', sellingPoints: '保湿', dealPreset: preset });
    await op.timeout(5000).emitWithAck('runsheet.update', { itemId, dealPreset: null });
    expect(h.hub.ctx.repo.runsheet()[0]).toMatchObject({ plannedSec: 420, script: '话术', dealPreset: null });
  });
});
