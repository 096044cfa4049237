import { afterEach, describe, expect, it } from 'vitest';
import { prompterPosition, PROMPTER_RATE_PER_LEVEL, type LiveTick } from '../../server/protocol/index.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub;
afterEach(async () => {
  closeClients();
  await h?.stop();
});

describe('steering the prompters', () => {
  it('plays, speeds up, flips and scrolls every prompter alike, from /control and from a foot pedal over HTTP', async () => {
    let clock = Date.UTC(2026, 10, 23, 20);
    h = await startTestHub({ now: () => clock });
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    const screens = await Promise.all([connect(h.url, '/view', TEST_TOKENS.viewer), connect(h.url, '/view', TEST_TOKENS.viewer)]);
    const last: LiveTick[] = [];
    screens.forEach((s, i) => s.on('tick', (t: LiveTick) => (last[i] = t)));

    const played = await op.timeout(5000).emitWithAck('prompter.play', {});
    expect(played.prompter).toMatchObject({ playing: true, speed: 4, anchorPos: 0, anchorAt: clock });
    clock += 10_000;
    // 10 s at level 4: 10 × 4 × PROMPTER_RATE_PER_LEVEL of the script
    expect(prompterPosition(played.prompter, clock)).toBeCloseTo(10 * 4 * PROMPTER_RATE_PER_LEVEL, 10);
    const faster = await op.timeout(5000).emitWithAck('prompter.speed', { delta: 2 });
    expect(faster.prompter).toMatchObject({ speed: 6, anchorAt: clock });
    expect(faster.prompter.anchorPos).toBeCloseTo(10 * 4 * PROMPTER_RATE_PER_LEVEL, 10);

    const pedal = await fetch(`${h.url}/api/control/prompter.mirror`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKENS.operator}` } });
    expect((await pedal.json()).prompter.mirror).toBe(true);
    const back = await fetch(`${h.url}/api/control/prompter.scroll`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKENS.operator}` }, body: '{"to":0.5}' });
    expect((await back.json()).prompter.anchorPos).toBe(0.5);

    await eventually(() => {
      for (const t of last) expect(t?.prompter).toMatchObject({ playing: true, speed: 6, mirror: true, anchorPos: 0.5 });
    });
  });

  it('refuses a viewer token, on the socket and over HTTP', async () => {
    h = await startTestHub();
    await expect(connect(h.url, '/control', TEST_TOKENS.viewer)).rejects.toThrow(/forbidden/);
    const res = await fetch(`${h.url}/api/control/prompter.play`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } });
    expect(res.status).toBe(403);
  });

  it('goes back to the top of the script, paused, when the next item goes on air', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    await op.timeout(5000).emitWithAck('catalog.upsert', { sku: 'A', title: '面膜', listPriceFen: 9900 });
    const { itemId } = await op.timeout(5000).emitWithAck('runsheet.add', { sku: 'A', plannedSec: 300, script: '第一段' });
    await op.timeout(5000).emitWithAck('prompter.play', { playing: true });
    await op.timeout(5000).emitWithAck('prompter.scroll', { to: 0.8 });
    expect((await op.timeout(5000).emitWithAck('prompter.jump', { itemId: 999 })).error.code).toBe('not_found');
    await op.timeout(5000).emitWithAck('item.go', { itemId });
    expect(h.hub.ctx.live.snapshot(Date.now()).prompter).toMatchObject({ playing: false, anchorPos: 0, itemId: null, speed: 4 });
  });
});
