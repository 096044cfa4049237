/**
 * 链接号 (小黄车序号, issue #20): viewers ask for a product by its number in the shopping bag —
 * "7号链接多少钱". The number comes in with the 排品表 (the sample's 序号 column), is set in the item
 * form, and is on the run-sheet row, the item card, the prompter, the big screen's 正在讲解 and, beside
 * a viewer's "7号" question in the inbox, the item's name — in real Chromium against a real studio.
 * Screenshots: /tmp/night2-link-*.png.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runsheetCommand } from '../../server/cli/runsheet.js';
import { openPage, type OpenedPage } from '../support/browser.js';
import { eid, type TestStudio } from '../support/studio.js';
import { closeControlDesk, type ControlDesk, openControlDesk, until } from './helpers.js';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'samples', '排品表-示例.xlsx');

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;
let ingest: ControlDesk['ingest'];

beforeAll(async () => {
  ({ studio, browser, ingest, desk } = await openControlDesk({ viewport: { width: 1600, height: 900 } }));
});

afterAll(() => closeControlDesk({ studio, browser, ingest, desk }));

const question = (text: string) => ({ type: 'comment', platform: 'douyin', id: eid('q'), ts: Date.now(), userId: eid('fan'), nick: '小鹿', text }) as const;

describe('the link number (链接号)', () => {
  it('set in the item form, is on the row, the item card, the prompter and the big screen, and names the item beside a "7号链接" question', { timeout: 90_000 }, async () => {
    const { page } = desk;
    const item = studio.hub.ctx.repo.runsheet()[1];
    const title = studio.hub.ctx.live.catalog.find((p) => p.sku === item.sku)!.title;
    const row = page.locator(`[data-testid="runsheet-row"][data-item-id="${item.itemId}"]`);
    expect(await row.locator('[data-testid="link-no"]').count()).toBe(0);

    await row.hover();
    await row.locator('[data-testid="row-edit"]').click();
    await page.locator('[data-testid="form-link-no"] input').fill('7');
    await page.locator('[data-testid="form-save"]').click();
    await until(() => expect(studio.hub.ctx.repo.runsheet()[1].linkNo).toBe(7));
    // Editing a row says it was saved (issue #20 item 21).
    await page.locator('.n-message', { hasText: '已保存' }).waitFor();
    await expect.poll(() => row.locator('[data-testid="link-no"]').textContent()).toBe('7号链接');

    // A question naming link 7 (before the item is on air too) shows the item's name beside it.
    await ingest.send([question('7号链接多少钱？'), question('#7还有货吗'), question('3号链接有吗')]);
    const card = (text: string) => page.locator('[data-testid="question-card"]', { hasText: text });
    await card('7号链接多少钱？').waitFor();
    await expect.poll(() => card('7号链接多少钱？').locator('[data-testid="q-linked"]').getAttribute('data-link-no')).toBe('7');
    expect(await card('7号链接多少钱？').locator('[data-testid="q-linked"]').textContent()).toContain(title);
    await expect.poll(() => card('#7还有货吗').locator('[data-testid="q-linked"]').count()).toBe(1);
    // No item has link 3: nothing invented.
    expect(await card('3号链接有吗').locator('[data-testid="q-linked"]').count()).toBe(0);

    await row.locator('[data-testid="row-go"]').click();
    await page.locator(`[data-testid="current-item"][data-item-id="${item.itemId}"] [data-testid="link-no"][data-value="7"]`).waitFor();
    await page.screenshot({ path: '/tmp/night2-link-control-1600.png' });

    // The prompter and the big screen in both languages, the four pages loading side by side (each its own renderer process).
    const views = (['/prompter', '/screen'] as const).flatMap((route) => (['zh-CN', 'en'] as const).map((locale) => ({ route, locale })));
    await Promise.all(
      views.map(async ({ route, locale }) => {
        const box = route === '/prompter' ? '[data-testid="prompter-title"]' : '[data-testid="screen-current"]';
        const other = await openPage(browser, { locale, viewport: route === '/prompter' ? { width: 768, height: 1024 } : { width: 1366, height: 768 } });
        try {
          await other.page.goto(studio.pageUrl(route, studio.tokens.viewer));
          const badge = other.page.locator(route === '/prompter' ? '.title-line [data-testid="link-no"]' : `${box} [data-testid="link-no"]`).first();
          await badge.waitFor({ timeout: 60_000 });
          expect(await badge.textContent()).toBe(locale === 'en' ? 'Link #7' : '7号链接');
          await other.page.screenshot({ path: `/tmp/night2-link${route.replace('/', '-')}-${locale}.png` });
          expect(other.errors).toEqual([]);
        } finally {
          await other.context.close();
        }
      }),
    );

    // Cleared in the form, it is gone from the row and from the question.
    await row.hover();
    await row.locator('[data-testid="row-edit"]').click();
    await page.locator('[data-testid="form-link-no"] input').fill('');
    await page.locator('[data-testid="form-save"]').click();
    await until(() => expect(studio.hub.ctx.repo.runsheet()[1].linkNo ?? null).toBeNull());
    await expect.poll(() => row.locator('[data-testid="link-no"]').count()).toBe(0);
    await expect.poll(() => card('7号链接多少钱？').locator('[data-testid="q-linked"]').count()).toBe(0);
    expect(desk.errors).toEqual([]);
  });

  it('comes in with the sample 排品表 from its 序号 column, in the preview and on the run-sheet', { timeout: 90_000 }, async () => {
    const { page } = desk;
    await page.locator('[data-testid="runsheet-import"]').click();
    const modal = page.locator('[data-testid="import-modal"]');
    await page.locator('[data-testid="import-file"]').setInputFiles(SAMPLE);
    await until(async () => expect(await modal.locator('[data-testid="import-row"]').count()).toBe(4));
    // Rows 1 and 2 share a code for two products and are refused; the others keep their 序号.
    expect(await modal.locator('[data-testid="import-link-no"]').allTextContents()).toEqual(['3', '4', '5', '6']);
    await page.keyboard.press('Escape');

    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await runsheetCommand(['import', SAMPLE], { dbFile: studio.dbFile })).toBe(0);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    await until(async () => expect(await page.locator('[data-testid="runsheet-row"] [data-testid="link-no"]').allTextContents()).toEqual(['3号链接', '4号链接', '5号链接', '6号链接']), 10_000);
  });
});
