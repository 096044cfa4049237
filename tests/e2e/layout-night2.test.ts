/**
 * The laptop and tablet layouts of issue #20 item 21, in real Chromium: on a 1366×768 laptop the
 * control room's three live charts keep ~120 px each (they were squeezed to 40 px), and on a 768×1024
 * tablet the big screen's KPIs hold a six-figure GMV with cents whole, not cut. zh-CN and en.
 * Screenshots: /tmp/night2-layout-*.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from '../support/browser.js';
import { connectIngest, eid, startTestStudio, type TestStudio } from '../support/studio.js';
import { until, waitLive } from './helpers.js';

let studio: TestStudio;
let browser: Browser;

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  const ingest = await connectIngest(studio);
  const sku = studio.hub.ctx.repo.runsheet()[0].sku;
  // ¥102,454.80 in two orders: the widest GMV a studio's night shows.
  await ingest.send(
    [10_000_000, 245_480].map((amountFen) => ({
      type: 'order' as const,
      platform: 'douyin',
      id: eid('o'),
      ts: Date.now(),
      orderId: eid('order'),
      userId: eid('buyer'),
      sku,
      qty: 1,
      amountFen,
      status: 'paid' as const,
    })),
  );
  ingest.close();
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('laptop and tablet layouts', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`keeps each live chart at least ~120 px tall on a 1366×768 laptop (${locale})`, { timeout: 60_000 }, async () => {
      const desk = await openPage(browser, { locale, viewport: { width: 1366, height: 768 } });
      try {
        await desk.page.goto(studio.pageUrl('/control'));
        await waitLive(desk.page);
        // The remote's "Showing: … 30ml" and its on-air tag are two words, not "30mlon air" (issue #20 item 21).
        const item = studio.hub.ctx.repo.runsheet()[2];
        await fetch(`${studio.url}/api/control/item.go`, { method: 'POST', headers: { authorization: `Bearer ${studio.tokens.operator}` }, body: JSON.stringify({ itemId: item.itemId }) });
        const showing = desk.page.locator('[data-testid="remote-showing"]');
        // (Hidden on a laptop's narrow bar; its text is what a wider window and a screen reader get.)
        await desk.page.locator(`[data-testid="remote-showing"][data-item-id="${item.itemId}"]`).waitFor({ state: 'attached' });
        await until(async () => expect(await showing.locator('.on-air').count()).toBe(1));
        const words = ((await showing.textContent()) ?? '').replace(/\s+/g, ' ').trim();
        expect(words).toMatch(locale === 'en' ? /\S on air$/ : /\S 在播$/);
        for (const kind of ['gmv', 'online', 'comments']) {
          const box = await desk.page.locator(`[data-testid="chart-${kind}"]`).boundingBox();
          expect(box!.height, kind).toBeGreaterThanOrEqual(110);
        }
        await desk.page.screenshot({ path: `/tmp/night2-layout-control-1366-${locale}.png` });
        expect(desk.errors).toEqual([]);
      } finally {
        await desk.context.close();
      }
    });

    it(`shows every big-screen KPI whole on a 768×1024 tablet (${locale})`, { timeout: 60_000 }, async () => {
      const wall = await openPage(browser, { locale, viewport: { width: 768, height: 1024 } });
      try {
        await wall.page.goto(studio.pageUrl('/screen', studio.tokens.viewer));
        await until(async () => expect(await wall.page.locator('[data-testid="kpi-gmv"]').getAttribute('data-value')).toBe('10245480'));
        const cut = await wall.page
          .locator('[data-testid="kpi-strip"] .value')
          .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > window.innerWidth).map((e) => e.textContent));
        expect(cut).toEqual([]);
        expect(await wall.page.locator('[data-testid="kpi-gmv"] .value').textContent()).toBe('¥102,454.80');
        await wall.page.screenshot({ path: `/tmp/night2-layout-screen-768-${locale}.png` });
      } finally {
        await wall.context.close();
      }
    });
  }
});
