/**
 * The phone remote for the prompter (#/remote, issue #20), in real Chromium on a phone-sized page:
 * its big buttons put the next and previous items on air and play, speed up and enlarge every
 * prompter through the control actions; with a viewer token it stays read-only; the control window's
 * LAN panel shows its link (operator token) with a QR code and a copy button, apart from the
 * tablet's viewer link. Screenshots: /tmp/night2-remote-*.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { until, waitLive } from './helpers.js';

let studio: TestStudio;
let browser: Browser;

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

const hubPrompter = () => studio.hub.ctx.live.snapshot(Date.now()).prompter;

describe('the phone remote', () => {
  it('steps through the run-sheet and steers every prompter with big buttons', { timeout: 90_000 }, async () => {
    const phone = await openPage(browser, { viewport: { width: 390, height: 844 } });
    const tablet = await openPage(browser, { viewport: { width: 768, height: 1024 } });
    const opened: OpenedPage[] = [phone, tablet];
    try {
      const { page } = phone;
      // The phone and the tablet load side by side (each page its own renderer process).
      await Promise.all([
        (async () => {
          await page.goto(studio.pageUrl('/remote'));
          await page.locator('[data-testid="phone-remote"][data-can-control="true"]').waitFor({ timeout: 60_000 });
        })(),
        (async () => {
          await tablet.page.goto(studio.pageUrl('/prompter', studio.tokens.viewer));
          await waitLive(tablet.page, 60_000);
        })(),
      ]);
      const items = studio.hub.ctx.repo.runsheet();

      await page.locator('[data-testid="phone-next"]').click();
      await until(() => expect(studio.hub.ctx.live.current()?.itemId).toBe(items[0].itemId));
      await page.locator('[data-testid="phone-next"]').click();
      await until(() => expect(studio.hub.ctx.live.current()?.itemId).toBe(items[1].itemId));
      const title1 = studio.hub.ctx.live.catalog.find((p) => p.sku === items[1].sku)!.title;
      await page.locator('[data-testid="phone-current"]', { hasText: title1 }).waitFor();
      await tablet.page.locator('[data-testid="prompter-title"]', { hasText: title1 }).waitFor();
      await page.locator('[data-testid="phone-prev"]').click();
      await until(() => expect(studio.hub.ctx.live.current()?.itemId).toBe(items[0].itemId));

      const before = hubPrompter();
      await page.locator('[data-testid="phone-play"]').click();
      await until(() => expect(hubPrompter().playing).toBe(!before.playing));
      await page.locator('[data-testid="phone-faster"]').click();
      await until(() => expect(hubPrompter().speed).toBe(before.speed + 1));
      await page.locator('[data-testid="phone-bigger"]').click();
      await until(() => expect(hubPrompter().fontPx).toBeGreaterThan(before.fontPx));
      // The tablet follows what the phone set.
      await until(async () => expect(await tablet.page.locator('[data-testid="prompter-page"]').getAttribute('data-font-px')).toBe(String(hubPrompter().fontPx)));
      await until(async () => expect(await tablet.page.locator('[data-testid="prompter-page"]').getAttribute('data-playing')).toBe(String(!before.playing)));
      // Every button is a thumb's size.
      for (const id of ['phone-prev', 'phone-next', 'phone-play', 'phone-bigger']) expect((await page.locator(`[data-testid="${id}"]`).boundingBox())!.height).toBeGreaterThanOrEqual(48);
      await page.screenshot({ path: '/tmp/night2-remote-phone.png' });
      for (const o of opened) expect(o.errors).toEqual([]);
    } finally {
      for (const o of opened) await o.context.close();
    }
  });

  it('stays read-only with a viewer token', { timeout: 60_000 }, async () => {
    const phone = await openPage(browser, { locale: 'en', viewport: { width: 390, height: 844 } });
    try {
      await phone.page.goto(studio.pageUrl('/remote', studio.tokens.viewer));
      await phone.page.locator('[data-testid="phone-read-only"]').waitFor();
      expect(await phone.page.locator('[data-testid="phone-next"]').isDisabled()).toBe(true);
      expect(await phone.page.locator('[data-testid="phone-play"]').isDisabled()).toBe(true);
      await phone.page.screenshot({ path: '/tmp/night2-remote-phone-viewer-en.png' });
    } finally {
      await phone.context.close();
    }
  });

  it('is offered in the control window’s LAN panel with its own QR code and copy button, the tablet’s link keeping the viewer token', { timeout: 60_000 }, async () => {
    const desk = await openPage(browser, { viewport: { width: 1366, height: 768 } });
    try {
      const { page } = desk;
      await page.goto(studio.pageUrl('/control'));
      await waitLive(page);
      await page.locator('[data-testid="lan-button"]').click();
      await page.locator('[data-testid="lan-remote-show"]').click();
      const url = await page.locator('[data-testid="lan-remote-qr"]').getAttribute('data-url');
      expect(url).toMatch(/#\/remote$/);
      expect(new URL(url!.replace('#/remote', '')).searchParams.get('token')).toBe(studio.tokens.operator);
      expect(await page.locator('[data-testid="lan-remote-url"]').textContent()).toBe(url);
      expect(await page.locator('[data-testid="lan-remote-copy"]').count()).toBe(1);
      const tabletUrl = await page
        .locator('[data-testid="lan-qr"]')
        .getAttribute('data-url')
        .catch(() => null);
      if (tabletUrl) expect(tabletUrl).not.toContain(studio.tokens.operator);
      await page.screenshot({ path: '/tmp/night2-remote-lan-panel.png' });
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
    }
  });
});
