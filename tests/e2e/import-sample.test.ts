/**
 * The sample 排品表 that ships in resources/samples, written with a studio's habits — a title row, a
 * 序号 column, one code on two products, "/" in the deal columns, 直播价 待定, an empty code, a
 * full-width code, 品牌底价 and 备注 — imported through the control room in real Chromium: the preview
 * flags the duplicate on both rows and words every note in the UI's language, the dialog fits a
 * 1366×768 laptop and a 900 px window, a new sheet replaces the demo's by default, and after import
 * the demo's products leave the picker and the 备注 is on the item card and the prompter.
 * Screenshots: /tmp/shots/import-sample-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runsheetCommand } from '../../server/cli/runsheet.js';
import { generatedSku } from '../../server/rules/index.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { pageOrder, settled, until, waitLive } from './helpers.js';

const SHOTS = '/tmp/shots';
const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'samples', '排品表-示例.xlsx');

let studio: TestStudio;
let browser: Browser;

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
});

async function openImport(page: Page): Promise<ReturnType<Page['locator']>> {
  await page.locator('[data-testid="runsheet-import"]').click();
  const modal = page.locator('[data-testid="import-modal"]');
  await modal.waitFor();
  await page.locator('[data-testid="import-file"]').setInputFiles(SAMPLE);
  await until(async () => expect(await modal.locator('[data-testid="import-row"]').count()).toBe(4));
  return modal;
}

/** The import button is on screen, not below the window's edge. */
async function submitOnScreen(page: Page): Promise<void> {
  const box = await page.locator('[data-testid="import-submit"]').boundingBox();
  const viewport = page.viewportSize()!;
  expect(box).not.toBeNull();
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
}

describe('the sample 排品表 from resources/', () => {
  it('imported from the command line while the studio runs, reaches the open control room at once, and Alt+↑ moves the new rows', { timeout: 90_000 }, async () => {
    // A studio of its own: the other tests import through the dialog into theirs.
    const studio = await startTestStudio({ simulate: false });
    const desk = await openPage(browser, { locale: 'zh-CN', viewport: { width: 1600, height: 900 } });
    try {
      const { page } = desk;
      await page.goto(studio.pageUrl('/control'));
      await waitLive(page);
      const demoTitles = await page.locator('[data-testid="row-title"]').allTextContents();
      expect(demoTitles.length).toBe(8);

      // Another process writes the file the running hub holds (the studio was not told).
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        expect(await runsheetCommand(['import', SAMPLE], { dbFile: studio.dbFile })).toBe(0);
      } finally {
        log.mockRestore();
        err.mockRestore();
      }
      const titles = ['玻尿酸补水面膜 20片', '长绒棉浴巾三件套', '丝绒哑光口红', '武夷大红袍 250g'];
      await until(async () => expect(await page.locator('[data-testid="row-title"]').allTextContents()).toEqual(titles), 10_000);

      // The rows on the page are the hub's: Alt+↑ on the last one goes through, no "reload" error.
      const ids = studio.hub.ctx.repo.runsheet().map((i) => i.itemId);
      expect(await pageOrder(page)).toEqual(ids);
      await page
        .locator('[data-testid="runsheet-row"]')
        .last()
        .click({ position: { x: 60, y: 10 } });
      await page.keyboard.press('Alt+ArrowUp');
      const moved = [ids[0], ids[1], ids[3], ids[2]];
      await until(() => expect(studio.hub.ctx.repo.runsheet().map((i) => i.itemId)).toEqual(moved));
      await until(async () => expect(await pageOrder(page)).toEqual(moved));
      expect(await page.locator('.n-message--error-type').count()).toBe(0);
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
      await studio.stop();
    }
  });

  it('previews in English at 1600×900 with every note in English, and offers the template', async () => {
    const desk = await openPage(browser, { locale: 'en', viewport: { width: 1600, height: 900 } });
    try {
      await desk.page.goto(studio.pageUrl('/control'));
      await waitLive(desk.page);
      await desk.page.locator('[data-testid="runsheet-import"]').click();
      const [download] = await Promise.all([desk.page.waitForEvent('download'), desk.page.locator('[data-testid="import-template"]').click()]);
      expect(download.suggestedFilename()).toBe('runsheet-template.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile((await download.path())!);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['排品表', '填写说明']);
      await desk.page.keyboard.press('Escape');

      const modal = await openImport(desk.page);
      const errors = modal.locator('[data-testid="import-error"]');
      expect(await errors.allInnerTexts()).toEqual([
        'Row 3 Code CL-01 is also on row 4 (温和卸妆油 150ml ¥129.00) for a different product: give each product its own code',
        'Row 4 Code CL-01 is also on row 3 (氨基酸洁面乳 120g ¥89.00) for a different product: give each product its own code',
      ]);
      const warnings = modal.locator('[data-testid="import-warning"]');
      expect(await warnings.allInnerTexts()).toEqual([
        'Row 5 Live price is “待定”: imported without it; set it before the show',
        `Row 6 No product code: imported as ${generatedSku('长绒棉浴巾三件套')} (from the name); give it the shop's code before the show`,
        'Row 7 Deal price ¥99.00 is under the brand floor ¥109.00: firing it asks for a confirmation',
      ]);
      // Every column is recognised (序号 as the link number): no "some columns were not recognised".
      expect(await modal.locator('[data-testid="import-mapping"]').count()).toBe(0);
      await submitOnScreen(desk.page);
      await settled(desk.page);
      await desk.page.screenshot({ path: `${SHOTS}/import-sample-en-1600x900.png` });
      await desk.page.setViewportSize({ width: 1366, height: 768 });
      await settled(desk.page);
      await submitOnScreen(desk.page);
      await desk.page.screenshot({ path: `${SHOTS}/import-sample-en-1366x768.png` });
      await desk.page.keyboard.press('Escape');
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
    }
  });

  it('imports in Chinese at 1366×768, replacing the demo by default, and the 备注 reaches the item card and the prompter', { timeout: 90_000 }, async () => {
    const desk = await openPage(browser, { locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    try {
      const { page } = desk;
      await page.goto(studio.pageUrl('/control'));
      await waitLive(page);
      const demoSkus = studio.hub.ctx.live.catalog.map((p) => p.sku);
      expect(studio.hub.ctx.live.catalog.every((p) => p.demo)).toBe(true);

      const modal = await openImport(page);
      const rows = modal.locator('[data-testid="import-row"]');
      expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-row'), tr.getAttribute('data-sku'), tr.getAttribute('data-warned')]))).toEqual([
        ['5', 'LX-02', 'true'], // ＬＸ－０２ typed full-width, with a trailing space
        ['6', generatedSku('长绒棉浴巾三件套'), 'true'],
        ['7', 'LIP-03', 'true'],
        ['8', 'TEA-04', 'false'],
      ]);
      const errors = modal.locator('[data-testid="import-error"]');
      expect(await errors.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-row')))).toEqual(['3', '4']);
      expect(await errors.nth(0).innerText()).toContain('商品编码 CL-01 在第 4 行也出现了');
      expect(await errors.nth(1).innerText()).toContain('商品编码 CL-01 在第 3 行也出现了');
      expect(await modal.locator('[data-testid="import-warning"]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code')))).toEqual(['pending', 'sku_generated', 'deal_under_floor']);
      expect(await modal.innerText()).not.toMatch(/[A-Za-z]{4,} (is|are|set|the) /); // no English sentence inside the Chinese dialog
      expect(await rows.nth(2).locator('[data-testid="import-floor"]').textContent()).toBe('¥109');
      expect(await rows.nth(0).locator('[data-testid="import-note"]').textContent()).toBe('引流款：¥1 秒杀只有 50 份');
      // The run-sheet is the demo's: a new sheet replaces it unless the producer says otherwise.
      expect(await modal.locator('[data-testid="import-mode-replace"] input').isChecked()).toBe(true);
      await submitOnScreen(page);
      await settled(page);
      await page.screenshot({ path: `${SHOTS}/import-sample-zh-1366x768.png` });
      await page.setViewportSize({ width: 1600, height: 900 });
      await settled(page);
      await submitOnScreen(page);
      await page.screenshot({ path: `${SHOTS}/import-sample-zh-1600x900.png` });

      await modal.locator('[data-testid="import-submit"]').click();
      await modal.waitFor({ state: 'hidden' });
      await until(() => expect(studio.hub.ctx.repo.runsheet().map((i) => i.sku)).toEqual(['LX-02', generatedSku('长绒棉浴巾三件套'), 'LIP-03', 'TEA-04']));
      const items = studio.hub.ctx.repo.runsheet();
      expect(items[0]).toMatchObject({ note: '引流款：¥1 秒杀只有 50 份', dealPreset: { priceFen: 100, stock: 50 } });
      expect(items[0].livePriceFen).toBeUndefined(); // 待定
      expect(items[2].dealPreset).toMatchObject({ priceFen: 9900 });
      expect(studio.hub.ctx.live.catalog.find((p) => p.sku === 'LIP-03')).toMatchObject({ floorFen: 10900 });
      expect(studio.hub.ctx.live.catalog.some((p) => p.sku === 'CL-01')).toBe(false);
      // The demo's products are kept for old recaps, but out of the picker.
      const archived = studio.hub.ctx.live.catalog.filter((p) => demoSkus.includes(p.sku));
      expect(archived.length).toBe(demoSkus.length);
      expect(archived.every((p) => p.archived)).toBe(true);

      await page.keyboard.press('a');
      const form = page.locator('[data-testid="item-form"]');
      await form.waitFor();
      await form.locator('[data-testid="form-product"]').click();
      const options = page.locator('.n-base-select-option');
      await until(async () => expect(await options.count()).toBe(4));
      expect((await options.allInnerTexts()).some((text) => demoSkus.some((sku) => text.includes(sku)))).toBe(false);
      await page.screenshot({ path: `${SHOTS}/import-sample-item-form-zh-1600x900.png` });
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await form.waitFor({ state: 'hidden' });

      // Go on the first row: its 备注 is on the item card and on the host's prompter.
      await page.locator('[data-testid="row-title"]').first().waitFor();
      await page.keyboard.press('n');
      await page.locator('[data-testid="current-note"]', { hasText: '引流款：¥1 秒杀只有 50 份' }).waitFor();
      const prompter = await openPage(browser, { locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
      try {
        await prompter.page.goto(studio.pageUrl('/prompter', studio.tokens.viewer));
        await prompter.page.locator('[data-testid="prompter-note"]', { hasText: '引流款：¥1 秒杀只有 50 份' }).waitFor();
      } finally {
        await prompter.context.close();
      }
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
    }
  });
});
