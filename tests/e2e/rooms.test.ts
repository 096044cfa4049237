/**
 * Live rooms in the control room, in a real Chromium against a real studio: a Bilibili room (local
 * danmaku feed) and an oba-live-tool broadcast (local feed) each send a viewer's question, and each
 * appears as a question card in the inbox under its platform.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bilibiliAdapter } from '../../server/sources/rooms/bilibili.js';
import { obaAdapter } from '../../server/sources/rooms/oba.js';
import type { RoomHandle } from '../../server/sources/types.js';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { bilibiliFixture, hubSink, obaFixtures, startBilibiliFeed, startObaFeed, type BilibiliFeed, type ObaFeed } from '../support/room-feeds.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { until, waitLive } from './helpers.js';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;
let bili: BilibiliFeed;
let oba: ObaFeed;
const rooms: RoomHandle[] = [];

beforeAll(async () => {
  [studio, browser, bili, oba] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser(), startBilibiliFeed(), startObaFeed()]);
  rooms.push(bilibiliAdapter.start({ id: 'bili', kind: 'bilibili', platform: 'bilibili', room: '77777777774', url: bili.url, enabled: true }, hubSink(studio)));
  rooms.push(obaAdapter.start({ id: 'oba', kind: 'oba', platform: 'oba', url: oba.url, enabled: true }, hubSink(studio)));
  await Promise.all([bili.loggedIn(), oba.connected()]);
  desk = await openPage(browser, { deskName: '场控小王' });
  await desk.page.goto(studio.pageUrl('/control'));
  await waitLive(desk.page);
});

afterAll(async () => {
  await Promise.all(rooms.map((r) => r.stop()));
  await desk?.context.close();
  await browser?.close();
  await Promise.all([bili?.kill(), oba?.kill()]);
  await studio?.stop();
});

describe('live rooms in the control room', () => {
  it('shows a question from the Bilibili room and from each platform oba-live-tool carries in the inbox', async () => {
    const now = Date.now();
    const dm = structuredClone(bilibiliFixture('DANMU_MSG.emoticon_normal'));
    dm.info[0][4] = now;
    dm.info[1] = '这款保温杯能装开水吗？';
    dm.info[2][0] = 5150;
    dm.info[2][1] = '哔哩观众';
    dm.info[9] = { ts: Math.floor(now / 1000), ct: 'E2E0001' };
    bili.sendCommands([dm], 'brotli');
    const fx = obaFixtures();
    // One second apart: the inbox lifts at most a few questions out of any one second (a flood guard).
    ['douyin_comment', 'channels_comment', 'xiaohongshu_comment', 'taobao_comment'].forEach((name, i) => oba.sendJson({ ...fx[name], time: now - (i + 1) * 1000 }));

    const expected: Record<string, string> = {
      bilibili: '这款保温杯能装开水吗？',
      douyin: fx.douyin_comment.content,
      channels: fx.channels_comment.content,
      xiaohongshu: fx.xiaohongshu_comment.content,
      taobao: fx.taobao_comment.content,
    };
    const cards = desk.page.locator('[data-testid="question-card"]');
    await until(async () => {
      const keys = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? ''));
      expect(new Set(keys.map((k) => k.split(':')[0]))).toEqual(new Set(Object.keys(expected)));
    }, 15_000);
    for (const [platform, text] of Object.entries(expected)) {
      await desk.page.locator(`[data-testid="question-card"][data-key^="${platform}:"]`, { hasText: text }).waitFor();
    }
    await desk.page.screenshot({ path: '/tmp/rooms-inbox.png' });
    expect(desk.errors).toEqual([]);
  });

  it('shows an order oba-live-tool reported without an amount as estimated in the recap', async () => {
    const fx = obaFixtures();
    // The demo catalog's 每日坚果 (live price ¥89.90); the feed's product id is its code.
    oba.sendJson({ ...fx.douyin_order_created, product_id: 'NUT-DAILY30', msg_id: '7000000000000000001#0', time: Date.now() });
    oba.sendJson({ ...fx.douyin_order_paid, product_id: 'NUT-DAILY30', msg_id: '7000000000000000001#3', time: Date.now() });
    const session = await until(() => {
      const s = studio.hub.ctx.repo.latestSession()!;
      expect(studio.hub.ctx.repo.eventsOfSession(s.id, { types: ['order'] })).toHaveLength(2);
      return s;
    });
    await desk.page.goto(studio.pageUrl(`/recap/${session.id}`));
    const line = desk.page.locator('[data-testid="recap-estimated"]');
    await line.waitFor({ timeout: 20_000 });
    expect(await line.textContent()).toContain('其中估算 1 单、¥89.90');
    await desk.page.screenshot({ path: '/tmp/rooms-recap.png' });
    expect(desk.errors).toEqual([]);
  });
});
