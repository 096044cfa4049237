/**
 * Comment moderation at the hub (issue #20): a pin names a comment the hub has, the blocked words are
 * cleaned, both survive a restart, and a screen gets them in its snapshot and in the tick after a change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveSnapshot, LiveTick } from '../../server/protocol/index.js';
import { blockedWordIn, cleanBlockedWords } from '../../server/rules/index.js';
import { closeClients, connect, eventually, next, startTestHub, tempDbFile, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub;
afterEach(async () => {
  closeClients();
  await h?.stop();
});

describe('blocked words', () => {
  it('match across case, width and spaces, and are kept once each', () => {
    expect(cleanBlockedWords([' 加微信 ', '', '加 微信', 'VX', 'vx'])).toEqual(['加微信', 'VX']);
    expect(blockedWordIn('加 微 信 领红包', ['加微信'])).toBe('加微信');
    expect(blockedWordIn('私我ｖｘ', ['VX'])).toBe('VX');
    expect(blockedWordIn('口红色号有几个？', ['加微信', 'VX'])).toBeNull();
    expect(blockedWordIn('anything', [])).toBeNull();
  });
});

describe('pin and blocked words at the hub', () => {
  it('pins a comment it has, refuses one it has not, and keeps the pin and the words over a restart', async () => {
    const dbFile = tempDbFile('moderation');
    h = await startTestHub({ dbFile });
    const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控阿杰');
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const view = await connect(h.url, '/view', TEST_TOKENS.viewer);
    const ticks: LiveTick[] = [];
    view.on('tick', (t: LiveTick) => ticks.push(t));
    await ingest.timeout(5000).emitWithAck('batch', [{ type: 'comment', platform: 'douyin', id: 'c1', ts: Date.now(), userId: 'u1', nick: '阿花', text: '主播好美' }]);
    await eventually(() => expect(h.hub.ctx.live.snapshot(Date.now()).comments.some((c) => c.key === 'douyin:c1')).toBe(true));

    expect(await op.timeout(5000).emitWithAck('comment.pin', { key: 'douyin:nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await op.timeout(5000).emitWithAck('comment.pin', { key: 'douyin:c1' })).toEqual({ ok: true, key: 'douyin:c1' });
    await eventually(() => expect(ticks.some((t) => t.moderation?.pinned?.text === '主播好美')).toBe(true));
    expect((await op.timeout(5000).emitWithAck('moderation.words', { words: ['x'.repeat(41)] })).error.code).toBe('invalid');
    expect(await op.timeout(5000).emitWithAck('moderation.words', { words: [' 加微信', '加微信', ''] })).toEqual({ ok: true, words: ['加微信'] });
    expect((await await connect(h.url, '/control', TEST_TOKENS.viewer).catch((e: Error) => e)) instanceof Error).toBe(true);
    expect(h.hub.ctx.repo.auditTail().map((a) => a.action)).toEqual(expect.arrayContaining(['comment.pin', 'moderation.words']));

    await h.stop();
    closeClients();
    h = await startTestHub({ dbFile });
    const again = await connect(h.url, '/view', TEST_TOKENS.viewer);
    const snap = await next<LiveSnapshot>(again, 'snapshot').catch(() => null);
    const state = snap?.moderation ?? h.hub.ctx.moderation.state();
    expect(state).toMatchObject({ pinned: { key: 'douyin:c1', nick: '阿花', text: '主播好美', by: '中控阿杰' }, blockedWords: ['加微信'] });
    const op2 = await connect(h.url, '/control', TEST_TOKENS.operator);
    expect(await op2.timeout(5000).emitWithAck('comment.unpin', {})).toEqual({ ok: true, key: 'douyin:c1' });
    expect(await op2.timeout(5000).emitWithAck('comment.unpin', {})).toEqual({ ok: true, key: null });
    expect(h.hub.ctx.moderation.state().pinned).toBeNull();
  });
});
