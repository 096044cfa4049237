/**
 * The operator's hands through a show (issue #20): hotkeys that work whatever was clicked last, a
 * guarded deal stop that says how the deal did, the end of a show that says how the show did, and a
 * question inbox that keeps every open question reachable. Real studio, real Chromium; the test is
 * the audience, through `/ingest`.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { connectIngest, eid, startTestStudio, type TestStudio } from '../support/studio.js';
import { until, waitLive } from './helpers.js';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;
let ingest: Awaited<ReturnType<typeof connectIngest>>;

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  ingest = await connectIngest(studio);
  desk = await openPage(browser, { deskName: '中控阿杰' });
  await desk.page.goto(studio.pageUrl('/control'));
  await waitLive(desk.page);
});

afterAll(async () => {
  ingest?.close();
  await desk?.context.close();
  await browser?.close();
  await studio?.stop();
});

const question = (text: string, tsMs: number, userId = eid('fan')) =>
  ({ type: 'comment', platform: 'douyin', id: eid('q'), ts: tsMs, userId, nick: userId, text }) as const;

describe('hotkeys after a mouse click', () => {
  it('Enter and Space run the hotkeys, not the button the mouse pressed last', async () => {
    const { page } = desk;
    const order = studio.hub.ctx.repo.runsheet().map((i) => i.itemId);
    const asked = question('这个有没有大码？', Date.now());
    await ingest.send([asked]);
    await page.locator('[data-testid="question-card"][data-status="open"]').first().waitFor();

    // The mouse opens the help with its button and Escape closes it: focus is back on that button.
    await page.locator('[data-testid="help-button"]').click();
    await page.locator('[data-testid="help-overlay"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-overlay"]').waitFor({ state: 'detached' });
    await page.locator('[data-testid="runsheet-row"]').nth(1).click({ position: { x: 60, y: 10 } });
    await page.locator('[data-testid="help-button"]').click();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-overlay"]').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('help-button');

    await page.keyboard.press('Enter');
    await until(() => expect(studio.hub.ctx.live.current()?.itemId).toBe(order[1]));
    expect(await page.locator('[data-testid="help-overlay"]').count()).toBe(0);

    await page.keyboard.press(' ');
    await until(() => expect(studio.hub.ctx.live.question(`douyin:${asked.id}`)).toMatchObject({ status: 'claimed', claimedBy: '中控阿杰' }));
    expect(await page.locator('[data-testid="help-overlay"]').count()).toBe(0);
  });

  it('a button reached with Tab is still pressed by Enter', async () => {
    const { page } = desk;
    await page.locator('[data-testid="help-button"]').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="help-overlay"]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="help-overlay"]').waitFor({ state: 'detached' });
    expect(desk.errors).toEqual([]);
  });
});
