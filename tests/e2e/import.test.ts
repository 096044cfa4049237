/**
 * Run-sheet files from the control room, in real Chromium against a real studio: a CSV the way a
 * studio writes it (a title row above the header, one bad row) goes through the import dialog —
 * preview with the bad row's number, replace, and the run-sheet on the page and in the hub has the
 * rows; a file whose headers nobody recognises goes through the column-mapping step and is appended;
 * the run-sheet comes back out as CSV and Excel. Screenshots: /tmp/shots/import-*.png.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSku } from '../../server/rules/index.js';
import { launchBrowser, openPage, type OpenedPage } from '../support/browser.js';
import { startTestStudio, type TestStudio } from '../support/studio.js';
import { pageOrder, settled, until, waitLive } from './helpers.js';

const SHOTS = '/tmp/shots';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;

const hubSkus = () => studio.hub.ctx.repo.runsheet().map((i) => i.sku);

/** A studio's 排品表: a title row, the header on row 2, row 5 without a SKU, and row 7 with a price nobody can read. */
const plan = [
  '双11 美妆专场排品表,,,,,,,,',
  '商品编码,商品名称,原价,直播价,讲解时长,秒杀价,秒杀库存,限购,话术',
  'LIP-NEW1,丝绒唇釉 新色,159,99,5分钟,79,120,2,"姐妹们,这支唇釉先试色"',
  'MASK-HA20,,,,8,,,,',
  ',没有编码的一行,99,59,3,,,,',
  'TOWEL-SET3,长绒棉浴巾毛巾三件套,159,79.9,00:06:00,,,,',
  'PAN-X,炒锅,面议,199,5,,,,',
].join('\n');

/** Headers no alias matches: the dialog must ask which column is which. */
const oddHeaders = ['货品代码X,宝贝名字,牌价,讲多久', 'BEEF-NM500,内蒙古风干牛肉干 500g,128,7', 'PAN-MFS32,麦饭石不粘炒锅 32cm,399,4'].join('\n');

async function pick(page: Page, name: string, text: string): Promise<void> {
  await page.locator('[data-testid="import-file"]').setInputFiles({ name, mimeType: name.endsWith('.csv') ? 'text/csv' : 'application/octet-stream', buffer: Buffer.from(text) });
}

/** Chooses an option of the mapping select for `field`. */
async function mapField(page: Page, field: string, option: string): Promise<void> {
  await page.locator(`[data-testid="import-map-${field}"] .n-base-selection`).click();
  await page.locator('.n-base-select-option:visible', { hasText: option }).click();
  await until(async () => expect(await page.locator('.n-base-select-menu:visible').count()).toBe(0));
}

beforeAll(async () => {
  [studio, browser] = await Promise.all([startTestStudio({ simulate: false }), launchBrowser()]);
  fs.mkdirSync(SHOTS, { recursive: true });
  desk = await openPage(browser, { deskName: '场控小王' });
  await desk.page.goto(studio.pageUrl('/control'));
  await waitLive(desk.page);
});

afterAll(async () => {
  await desk?.context.close();
  await browser?.close();
  await studio?.stop();
});

describe('run-sheet import and export', () => {
  it('previews a CSV with a title row and a bad row, then replaces the run-sheet with its good rows', async () => {
    const { page } = desk;
    expect(hubSkus().length).toBe(8);
    await page.locator('[data-testid="runsheet-import"]').click();
    const modal = page.locator('[data-testid="import-modal"]');
    await modal.waitFor();
    await settled(page);
    await page.screenshot({ path: `${SHOTS}/import-empty.png` });
    await pick(page, '双11排品.csv', plan);

    const rows = modal.locator('[data-testid="import-row"]');
    await until(async () => expect(await rows.count()).toBe(4));
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-row'), tr.getAttribute('data-sku')]))).toEqual([
      ['3', 'LIP-NEW1'],
      ['4', 'MASK-HA20'],
      ['5', generatedSku('没有编码的一行')], // no code: one made from the name, with a warning
      ['6', 'TOWEL-SET3'],
    ]);
    // Prices in ¥ (integer fen underneath), minutes, and the deal with its limit; no 链接号 column in this sheet.
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['3', '', 'LIP-NEW1', '丝绒唇釉 新色', '¥159', '¥99', '5 分钟', '¥79 × 120 · 每人限 2', '', '']);
    // Row 4 leaves title and prices to the catalog; 8 minutes.
    expect(await rows.nth(1).locator('td').allTextContents()).toEqual(['4', '', 'MASK-HA20', '玻尿酸补水面膜 20片装', '¥199', '', '8 分钟', '—', '', '']);
    expect(await rows.nth(3).locator('td').nth(5).textContent()).toBe('¥79.90');
    expect(await modal.locator('[data-testid="import-warning"][data-row="5"]').innerText()).toContain('没有商品编码，已按商品名生成');
    const bad = modal.locator('[data-testid="import-error"]');
    expect(await bad.count()).toBe(1);
    expect(await bad.getAttribute('data-row')).toBe('7');
    expect(await bad.textContent()).toBe('第 7 行 原价“面议”不是价格，请写成 129.9 或 ¥1,299.00');
    expect(await modal.locator('[data-testid="import-bad-count"]').textContent()).toBe('1 行有问题，不会导入');
    // Nothing changes until Import.
    expect(hubSkus().length).toBe(8);

    await modal.locator('[data-testid="import-mode-replace"]').click();
    await modal.locator('.warn', { hasText: '当前流程单的 8 项会被删除' }).waitFor();
    await settled(page);
    await page.screenshot({ path: `${SHOTS}/import-preview.png` });
    expect(await modal.locator('[data-testid="import-submit"]').textContent()).toBe('导入 4 项');
    // Every column the import needs was recognised: opening the mapping by hand does not claim otherwise.
    await modal.locator('[data-testid="import-map-open"]').click();
    expect(await modal.locator('[data-testid="import-mapping-title"]').textContent()).toBe('列对应：每一项对应表格里的哪一列');
    await modal.locator('[data-testid="import-submit"]').click();
    await modal.waitFor({ state: 'hidden' });

    await until(() => expect(hubSkus()).toEqual(['LIP-NEW1', 'MASK-HA20', generatedSku('没有编码的一行'), 'TOWEL-SET3']));
    const items = studio.hub.ctx.repo.runsheet();
    expect(items[0]).toMatchObject({ plannedSec: 5 * 60, livePriceFen: 9900, script: '姐妹们,这支唇釉先试色', dealPreset: { priceFen: 7900, stock: 120, perUserLimit: 2 } });
    expect(items[1].plannedSec).toBe(8 * 60);
    expect(studio.hub.ctx.live.catalog.find((p) => p.sku === 'LIP-NEW1')).toMatchObject({ title: '丝绒唇釉 新色', listPriceFen: 15900 });
    await until(async () => expect(await pageOrder(page)).toEqual(items.map((i) => i.itemId)));
    expect(await page.locator('[data-testid="row-title"]').allTextContents()).toEqual(['丝绒唇釉 新色', '玻尿酸补水面膜 20片装', '没有编码的一行', '长绒棉浴巾毛巾三件套']);
    expect(desk.errors).toEqual([]);
  });

  it('asks which column is which when the headers are not recognised, then appends the rows', async () => {
    const { page } = desk;
    await page.locator('[data-testid="runsheet-import"]').click();
    const modal = page.locator('[data-testid="import-modal"]');
    await modal.waitFor();
    await pick(page, 'plan-odd.csv', oddHeaders);

    const mapping = modal.locator('[data-testid="import-mapping"]');
    await mapping.waitFor();
    expect(await modal.locator('[data-testid="import-mapping-title"]').textContent()).toBe('有些列没有认出来：请为每一项选出表格里对应的列');
    expect(await modal.locator('[data-testid="import-row"]').count()).toBe(0);
    expect(await modal.locator('[data-testid="import-submit"]').isDisabled()).toBe(true);
    await mapField(page, 'sku', 'A 列 · 货品代码X');
    await mapField(page, 'plannedTime', 'D 列 · 讲多久');
    await mapField(page, 'title', 'B 列 · 宝贝名字');
    await mapField(page, 'listPrice', 'C 列 · 牌价');
    await page.screenshot({ path: `${SHOTS}/import-mapping.png` });
    await modal.locator('[data-testid="import-map-apply"]').click();

    const rows = modal.locator('[data-testid="import-row"]');
    await until(async () => expect(await rows.count()).toBe(2));
    await mapping.waitFor({ state: 'detached' });
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['2', '', 'BEEF-NM500', '内蒙古风干牛肉干 500g', '¥128', '', '7 分钟', '—', '', '']);
    expect(await modal.locator('[data-testid="import-error"]').count()).toBe(0);

    await modal.locator('[data-testid="import-mode-append"]').click();
    await settled(page);
    await page.screenshot({ path: `${SHOTS}/import-mapped.png` });
    await modal.locator('[data-testid="import-submit"]').click();
    await modal.waitFor({ state: 'hidden' });
    await until(() => expect(hubSkus()).toEqual(['LIP-NEW1', 'MASK-HA20', generatedSku('没有编码的一行'), 'TOWEL-SET3', 'BEEF-NM500', 'PAN-MFS32']));
    expect(studio.hub.ctx.repo.runsheet()[5].plannedSec).toBe(4 * 60);
    await until(async () => expect(await pageOrder(page)).toEqual(studio.hub.ctx.repo.runsheet().map((i) => i.itemId)));
    expect(desk.errors).toEqual([]);
  });

  it('shows why a file cannot be read', async () => {
    const { page } = desk;
    await page.locator('[data-testid="runsheet-import"]').click();
    const modal = page.locator('[data-testid="import-modal"]');
    await modal.waitFor();
    await pick(page, 'broken.xlsx', 'this is not a workbook');
    await modal.locator('[data-testid="import-failed"]').waitFor();
    expect(await modal.locator('[data-testid="import-submit"]').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'hidden' });
    expect(hubSkus().length).toBe(6);
    // The hub's 400 answer is logged by Chromium as a failed resource; nothing else went wrong.
    expect(desk.errors.filter((e) => !/Failed to load resource: the server responded with a status of 400/.test(e))).toEqual([]);
    desk.errors.length = 0;
  });

  it('exports the run-sheet as CSV and as an Excel workbook', async () => {
    const { page } = desk;
    const download = async (option: string) => {
      await page.locator('[data-testid="runsheet-export"]').click();
      const [file] = await Promise.all([page.waitForEvent('download'), page.locator('.n-dropdown-option', { hasText: option }).click()]);
      return file;
    };
    const csv = await download('CSV（.csv）');
    expect(csv.suggestedFilename()).toMatch(/^runsheet-\d{8}-\d{4}\.csv$/);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    const skus = ['LIP-NEW1', 'MASK-HA20', generatedSku('没有编码的一行'), 'TOWEL-SET3', 'BEEF-NM500', 'PAN-MFS32'];
    for (const sku of skus) expect(text).toContain(sku);

    const xlsx = await download('Excel（.xlsx）');
    expect(xlsx.suggestedFilename()).toMatch(/^runsheet-\d{8}-\d{4}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await xlsx.path())!);
    const ws = wb.worksheets[0];
    expect(skus.map((_, i) => ws.getRow(i + 2).getCell(1).value)).toEqual(skus);
    expect(desk.errors).toEqual([]);
  });
});
