/**
 * A screen that must not lie: when ticks stop it says the numbers are stale, when the hub goes away
 * it says it is reconnecting, and when the hub is back it resyncs from the snapshot with no gap in
 * the minute buckets its charts draw.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_DOWN_ERRORS, launchBrowser, openPage, unexpectedErrors, type OpenedPage } from '../support/browser.js';
import { connectIngest, eid, startTestStudio, type TestStudio } from '../support/studio.js';
import { history, kpiValue, until, waitLive } from './helpers.js';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;

const minuteSecs = (o: OpenedPage) => o.page.evaluate(() => window.__livedeck!.minuteSecs());
const status = (o: OpenedPage) => o.page.getAttribute('[data-testid="connection-badge"]', 'data-status');

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  // Six minutes of show so far, one paid order and a viewer count in every minute.
  const ingest = await connectIngest(studio);
  await ingest.send(history(Date.now(), -6, -1, () => ({ online: 300, enters: 2, clicks: 3, comments: 2, orders: 1 })));
  ingest.close();
  desk = await openPage(browser);
  await desk.page.goto(studio.pageUrl('/control'));
  await waitLive(desk.page);
});

afterAll(async () => {
  await desk?.context.close();
  await browser?.close();
  await studio?.stop();
});

describe('connection', () => {
  it('says the numbers are stale when no tick has come for over 3 seconds, and recovers', async () => {
    // Hold the hub's ticks back while the socket stays up, as a stalled hub would.
    const ns = studio.hub.io.of('/control');
    const emit = ns.emit;
    ns.emit = ((event: string, ...args: unknown[]) => (event === 'tick' ? true : emit.call(ns, event as never, ...(args as never[])))) as typeof ns.emit;
    try {
      const heldAt = Date.now();
      await desk.page.locator('[data-testid="connection-badge"][data-status="stale"]').waitFor({ timeout: 8000 });
      // Stale means no tick for over 3 s; an idle hub ticks once a second, so the last tick may be up to 1 s old here.
      expect(Date.now() - heldAt).toBeGreaterThanOrEqual(2000);
      await desk.page.locator('[data-testid="stale-banner"]', { hasText: '秒没有收到新数据' }).waitFor();
    } finally {
      ns.emit = emit;
    }
    await waitLive(desk.page);
    await desk.page.locator('[data-testid="stale-banner"]').waitFor({ state: 'detached' });
  });

  it('goes to reconnecting when the network drops, and comes back live by itself', async () => {
    await desk.context.setOffline(true);
    await desk.page.locator('[data-testid="connection-badge"][data-status="reconnecting"]').waitFor({ timeout: 8000 });
    await desk.context.setOffline(false);
    await waitLive(desk.page, 15_000);
  });

  it('survives the hub restarting: reconnecting, then live, with contiguous minute buckets and the same totals as the hub', async () => {
    const before = await minuteSecs(desk);
    const gmvBefore = await kpiValue(desk.page, 'gmv');
    expect(gmvBefore).toBe(studio.hub.ctx.live.kpis().paidGmvFen);
    expect(before.length).toBeGreaterThanOrEqual(6);

    const seen: string[] = [];
    const watch = setInterval(
      () =>
        void status(desk)
          .then((s) => s && seen.push(s))
          .catch(() => undefined),
      100,
    );
    try {
      await studio.restart({ downMs: 1500 });
      await waitLive(desk.page, 15_000);
    } finally {
      clearInterval(watch);
    }
    expect(seen).toContain('reconnecting');

    // After the restart, more of the show arrives: an order in the minute now.
    const ingest = await connectIngest(studio);
    await ingest.send([{ type: 'order', platform: 'douyin', id: eid(), ts: Date.now(), orderId: eid('after'), userId: 'late', sku: 'NUT-DAILY30', qty: 1, amountFen: 8990, status: 'paid' }]);
    ingest.close();
    await until(async () => expect(await kpiValue(desk.page, 'gmv')).toBe(gmvBefore + 8990));

    const hubMinutes = studio.hub.ctx.live.snapshot(Date.now()).minutes.map((b) => b.sec);
    const after = await until(async () => {
      const secs = await minuteSecs(desk);
      expect(secs).toEqual(hubMinutes);
      return secs;
    });
    expect(after.slice(0, before.length)).toEqual(before);
    // The six minutes of history are contiguous; the order after the restart may land a minute or
    // two later (the clock moved on), and the chart fills any empty minute in between.
    for (let i = 1; i < before.length; i++) expect(after[i] - after[i - 1], `minute ${i}`).toBe(60);
    const points = await desk.page.evaluate(() => window.__livedeck!.chartPoints('chart-gmv'));
    expect(points![0]).toBe((after[after.length - 1] - after[0]) / 60 + 1);
    expect(unexpectedErrors(desk.errors, HUB_DOWN_ERRORS)).toEqual([]);
  });
});
