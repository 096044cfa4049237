/**
 * The big screen and read-only windows with a viewer token, against a studio running the demo
 * audience on top of half an hour of show history; then screenshots of the control room and the big
 * screen at two sizes in both languages, for people to look at (/tmp/shots).
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlEventTypes, type ControlClientToServer, type ControlServerToClient, type LiveEvent } from '../../server/protocol/index.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { connectIngest, eid, startTestStudio, type TestStudio } from '../support/studio.js';
import { history, kpiValue, settled, until, waitLive } from './helpers.js';

const SHOTS = '/tmp/shots';

let studio: TestStudio;
let browser: Browser;
let operator: Socket<ControlServerToClient, ControlClientToServer>;

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: true, simRate: 4, seed: 11 }), launchBrowser()]);
  const items = studio.hub.ctx.repo.runsheet();
  const now = Date.now();
  const minute = (m: number) => Math.floor(now / 60_000) * 60_000 + m * 60_000;
  // 35 minutes of show: an audience building up, three items aired before, a flash deal on the second.
  const past: LiveEvent[] = history(now, -35, -1, (m) => {
    const t = 35 + m;
    return { online: 400 + t * 45 + (t % 4) * 30, enters: 6 + (t % 5), clicks: 8 + (t % 7), comments: 5 + (t % 6), orders: 1 + ((t * 7) % 5), priceFen: 8990 };
  });
  past.push(
    { type: 'item.live', platform: 'studio', id: eid('item'), ts: minute(-34), sku: items[0].sku, itemId: String(items[0].itemId) },
    { type: 'item.live', platform: 'studio', id: eid('item'), ts: minute(-24) + 20_000, sku: items[1].sku, itemId: String(items[1].itemId) },
    { type: 'deal.started', platform: 'studio', id: 'deal-past', ts: minute(-20), dealId: 'deal-past', sku: items[1].sku, priceFen: 6990, stock: 200, durationSec: 90 },
    { type: 'deal.ended', platform: 'studio', id: 'deal-past-end', ts: minute(-20) + 90_000, dealId: 'deal-past', reason: 'time' },
    { type: 'item.live', platform: 'studio', id: eid('item'), ts: minute(-13) + 40_000, sku: items[2].sku, itemId: String(items[2].itemId) },
  );
  // The audience's events come over /ingest, which takes nothing else; what the control room did
  // (items on air, the deal) is written by the hub's own handlers, as in a show.
  const ingest = await connectIngest(studio);
  await ingest.send(past.filter((e) => !controlEventTypes.has(e.type)));
  ingest.close();
  await studio.hub.ctx.record(past.filter((e) => controlEventTypes.has(e.type)));

  operator = io(`${studio.url}/control`, { auth: { token: studio.tokens.operator, name: '导播老陈' }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    operator.once('connect', () => resolve());
    operator.once('connect_error', reject);
  });
  const go = await operator.timeout(5000).emitWithAck('item.go', { itemId: items[3].itemId });
  expect(go.ok).toBe(true);
});

afterAll(async () => {
  operator?.close();
  await browser?.close();
  await studio?.stop();
});

describe('big screen and read-only windows', () => {
  it('shows KPIs, charts and the product on air on #/screen with a viewer token', async () => {
    const screen = await openPage(browser, { viewport: { width: 1600, height: 900 } });
    try {
      await screen.page.goto(studio.pageUrl('/screen', studio.tokens.viewer));
      await waitLive(screen.page);
      await screen.page.locator('[data-testid="connection-badge"] .ro').waitFor();
      await until(async () => expect(await kpiValue(screen.page, 'gmv')).toBeGreaterThan(0));
      // The demo audience keeps coming and going: the online count on the wall moves by itself.
      const online = await until(async () => {
        const v = await kpiValue(screen.page, 'online');
        expect(v).toBeGreaterThan(0);
        return v;
      });
      await until(async () => expect(await kpiValue(screen.page, 'online')).not.toBe(online), 10_000);
      const title = studio.hub.ctx.live.catalog.find((p) => p.sku === studio.hub.ctx.live.current()!.sku)!.title;
      await screen.page.locator('[data-testid="screen-current"]', { hasText: title }).waitFor();
      for (const id of ['chart-gmv', 'chart-online']) {
        const box = await screen.page.locator(`[data-testid="${id}"] canvas`).first().boundingBox();
        expect(box!.width * box!.height, id).toBeGreaterThan(200 * 100);
        // The 35 minutes of history reach the chart as the page catches up: wait for them, not for a fixed moment.
        await until(async () => expect((await screen.page.evaluate((t) => window.__livedeck!.chartPoints(t), id))![0], id).toBeGreaterThan(20), 15_000);
      }
      expect(screen.errors).toEqual([]);
    } finally {
      await screen.context.close();
    }
  });

  it('opens #/control with a viewer token read-only: it watches, it cannot act', async () => {
    const viewer = await openPage(browser);
    try {
      await viewer.page.goto(studio.pageUrl('/control', studio.tokens.viewer));
      await waitLive(viewer.page);
      await viewer.page.locator('[data-testid="connection-badge"] .ro').waitFor();
      expect(await viewer.page.locator('[data-testid="runsheet-row"]').count()).toBe(studio.hub.ctx.repo.runsheet().length);
      expect(await viewer.page.locator('[data-testid="row-go"]').first().isDisabled()).toBe(true);
      expect(await viewer.page.locator('[data-testid="session-start"], [data-testid="session-end"]').count()).toBe(0);
      const before = studio.hub.ctx.live.current()!.itemId;
      await viewer.page.keyboard.press('n');
      await new Promise((r) => setTimeout(r, 500));
      expect(studio.hub.ctx.live.current()!.itemId).toBe(before);
      expect(viewer.errors).toEqual([]);
    } finally {
      await viewer.context.close();
    }
  });

  it('takes screenshots of #/control and #/screen at 1600×900 and 1280×720 in zh-CN and en', async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const fired = await operator.timeout(5000).emitWithAck('deal.fire', { sku: studio.hub.ctx.live.current()!.sku, priceFen: 9900, stock: 300, perUserLimit: 2, durationSec: 120 });
    expect(fired.ok).toBe(true);
    const question = await until(() => {
      const open = [...studio.hub.ctx.live.snapshot(Date.now()).questions].find((q) => q.status === 'open');
      expect(open).toBeDefined();
      return open!;
    }, 15_000);
    await operator.timeout(5000).emitWithAck('comment.claim', { key: question.key });

    // One page per language, resized and sent between the two routes: the app boots twice instead of
    // eight times (the page load under a busy CI machine was most of this test's minute), and each
    // shot waits until its page is live with its charts drawn instead of a fixed pause.
    const shots: string[] = [];
    for (const locale of ['zh-CN', 'en'] as const) {
      const opened = await openPage(browser, { viewport: { width: 1600, height: 900 }, locale, deskName: locale === 'en' ? 'desk-2' : '场控小王' });
      try {
        for (const viewport of [
          { width: 1600, height: 900 },
          { width: 1280, height: 720 },
        ]) {
          await opened.page.setViewportSize(viewport);
          for (const route of ['/control', '/screen']) {
            await opened.page.goto(studio.pageUrl(route));
            await waitLive(opened.page);
            await until(async () => expect((await opened.page.evaluate(() => window.__livedeck!.chartPoints('chart-gmv')))?.[0]).toBeGreaterThan(0), 15_000);
            await settled(opened.page);
            const file = `${SHOTS}/${route.slice(1)}-${viewport.width}x${viewport.height}-${locale}.png`;
            await opened.page.screenshot({ path: file });
            shots.push(file);
          }
        }
        expect(opened.errors).toEqual([]);
      } finally {
        await opened.context.close();
      }
    }
    for (const file of shots) expect(fs.statSync(file).size).toBeGreaterThan(20_000);
  }, 180_000);
});
