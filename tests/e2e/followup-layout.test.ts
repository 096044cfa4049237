/**
 * The recap's 待跟进 (follow-up) list reads like a table (issue #20 item 21): each column's header is
 * aligned with its cells — the text columns (viewer, products, questions) from the left, the numbers
 * from the right — in real Chromium on a recap of a replayed show.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from '../support/browser.js';
import { startRecapStudio, type RecapStudio } from './recap-fixture.js';

const HOUR = 3_600_000;
let studio: RecapStudio;
let browser: Browser;

beforeAll(async () => {
  studio = await startRecapStudio([{ seed: 21, lines: 3000, title: '跟进对齐', startedAt: Date.now() - 3 * HOUR, durationMs: HOUR }]);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

describe('the follow-up list', () => {
  it('aligns every header with its column’s cells', { timeout: 90_000 }, async () => {
    const desk = await openPage(browser, { viewport: { width: 1366, height: 768 } });
    try {
      await desk.page.goto(studio.pageUrl(`/recap/${studio.sessions[0].id}`));
      const table = desk.page.locator('[data-testid="recap-follow-up"] table');
      await desk.page.locator('[data-testid="follow-up-row"]').first().waitFor({ timeout: 30_000 });
      const columns = await table.evaluate((t) => {
        const heads = Array.from(t.querySelectorAll('thead th'));
        const cells = Array.from(t.querySelectorAll('tbody tr:first-child td'));
        return heads.map((h, i) => [getComputedStyle(h).textAlign, getComputedStyle(cells[i]).textAlign]);
      });
      expect(columns.length).toBe(6);
      for (const [head, cell] of columns) expect(head).toBe(cell);
      await table.screenshot({ path: '/tmp/night2-followup.png' });
    } finally {
      await desk.context.close();
    }
  });
});
