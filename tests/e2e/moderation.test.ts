/**
 * Comment pinning (置顶) and the studio's blocked words (屏蔽词, issue #20), in real Chromium against a
 * real studio: the operator pins a viewer's question and it is on the prompter and the big screen
 * until unpinned; a blocked word hides matching comments from the inbox, the prompter and the
 * screens while the show still counts them. Screenshots: /tmp/night2-moderation-*.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage, type OpenedPage } from '../support/browser.js';
import { eid, type TestStudio } from '../support/studio.js';
import { closeControlDesk, type ControlDesk, openControlDesk, until, waitLive } from './helpers.js';

let studio: TestStudio;
let browser: Browser;
let desk: OpenedPage;
let ingest: ControlDesk['ingest'];

beforeAll(async () => {
  ({ studio, browser, ingest, desk } = await openControlDesk({ viewport: { width: 1600, height: 900 } }));
});

afterAll(() => closeControlDesk({ studio, browser, ingest, desk }));

const comment = (text: string, nick = '小鹿') => ({ type: 'comment', platform: 'douyin', id: eid('c'), ts: Date.now(), userId: eid('fan'), nick, text }) as const;

describe('comment moderation', () => {
  it('pins a question on the prompter and the big screen until it is unpinned', { timeout: 90_000 }, async () => {
    const { page } = desk;
    const asked = comment('这款敏感肌能用吗？', '阿花');
    await ingest.send([asked]);
    const card = page.locator(`[data-testid="question-card"][data-key="douyin:${asked.id}"]`);
    await card.locator('[data-testid="q-pin"]').click();
    await page.locator('[data-testid="inbox-pinned"]', { hasText: '这款敏感肌能用吗？' }).waitFor();
    expect(studio.hub.ctx.moderation.state().pinned).toMatchObject({ key: `douyin:${asked.id}`, nick: '阿花', text: '这款敏感肌能用吗？' });

    const prompter = await openPage(browser, { viewport: { width: 768, height: 1024 } });
    const screen = await openPage(browser, { locale: 'en', viewport: { width: 1366, height: 768 } });
    try {
      await prompter.page.goto(studio.pageUrl('/prompter', studio.tokens.viewer));
      await screen.page.goto(studio.pageUrl('/screen', studio.tokens.viewer));
      for (const p of [prompter.page, screen.page]) {
        await p.locator('[data-testid="pinned-comment"] [data-testid="pinned-text"]', { hasText: '这款敏感肌能用吗？' }).waitFor();
      }
      await prompter.page.screenshot({ path: '/tmp/night2-moderation-prompter-768.png' });
      await screen.page.screenshot({ path: '/tmp/night2-moderation-screen-en-1366.png' });

      // A feed line pinned replaces the question.
      const chat = comment('主播今天好美', '路人甲');
      await ingest.send([chat]);
      const line = page.locator(`[data-testid="feed-line"][data-key="douyin:${chat.id}"]`);
      await line.hover();
      await line.locator('[data-testid="feed-pin"]').click();
      await until(() => expect(studio.hub.ctx.moderation.state().pinned?.text).toBe('主播今天好美'));
      await prompter.page.locator('[data-testid="pinned-text"]', { hasText: '主播今天好美' }).waitFor();

      await page.locator('[data-testid="unpin"]').click();
      for (const p of [prompter.page, screen.page, page]) await p.locator('[data-testid="pinned-comment"], [data-testid="inbox-pinned"]').waitFor({ state: 'detached' });
      expect(studio.hub.ctx.moderation.state().pinned).toBeNull();
      expect([...prompter.errors, ...screen.errors]).toEqual([]);
    } finally {
      await prompter.context.close();
      await screen.context.close();
    }
  });

  it('hides comments with a blocked word from the inbox and the prompter, counted and not deleted', { timeout: 90_000 }, async () => {
    const { page } = desk;
    const before = studio.hub.ctx.live.snapshot(Date.now()).kpis.comments;
    const spam = comment('加 微信 领红包，私聊我');
    const spamQuestion = comment('加微信能便宜吗？');
    const fine = comment('口红色号有几个？');
    await ingest.send([spam, spamQuestion, fine]);
    await page.locator(`[data-testid="feed-line"][data-key="douyin:${spam.id}"]`).waitFor();
    await page.locator(`[data-testid="question-card"][data-key="douyin:${spamQuestion.id}"]`).waitFor();
    const waitingBefore = Number(await page.locator('[data-testid="question-count"]').getAttribute('data-value'));

    await page.locator('[data-testid="blocked-words-button"]').click();
    await page.locator('[data-testid="blocked-words-input"] textarea').fill('加微信\n私聊\n 私聊 ');
    await page.locator('[data-testid="blocked-words-save"]').click();
    // Trimmed, repeats once.
    await until(() => expect(studio.hub.ctx.moderation.state().blockedWords).toEqual(['加微信', '私聊']));

    // Spaces and width do not get a word past: "加 微信" is 加微信.
    await page.locator(`[data-testid="feed-line"][data-key="douyin:${spam.id}"]`).waitFor({ state: 'detached' });
    await page.locator(`[data-testid="question-card"][data-key="douyin:${spamQuestion.id}"]`).waitFor({ state: 'detached' });
    await page.locator(`[data-testid="question-card"][data-key="douyin:${fine.id}"]`).waitFor();
    expect(await page.locator('[data-testid="blocked-count"]').getAttribute('data-value')).toBe('2');
    expect(Number(await page.locator('[data-testid="question-count"]').getAttribute('data-value'))).toBe(waitingBefore - 1);
    await page.screenshot({ path: '/tmp/night2-moderation-control-1600.png' });

    // Still counted: the show's comments and the stored events keep all three.
    expect(studio.hub.ctx.live.snapshot(Date.now()).kpis.comments).toBe(before + 3);

    // Sent to the prompter before the word was blocked, it leaves the prompter too.
    const prompter = await openPage(browser, { viewport: { width: 1366, height: 768 } });
    try {
      await prompter.page.goto(studio.pageUrl('/prompter', studio.tokens.viewer));
      await waitLive(prompter.page);
      await page.locator(`[data-testid="question-card"][data-key="douyin:${fine.id}"] [data-testid="q-prompt"]`).click();
      await prompter.page.locator('[data-testid="prompter-question-text"]', { hasText: '口红色号有几个？' }).waitFor();
      await page.locator('[data-testid="blocked-words-button"]').click();
      await page.locator('[data-testid="blocked-words-input"] textarea').fill('加微信\n私聊\n色号');
      await page.locator('[data-testid="blocked-words-save"]').click();
      await prompter.page.locator('[data-testid="prompter-question"]').waitFor({ state: 'detached' });

      // Cleared, everything is back.
      await page.locator('[data-testid="blocked-words-button"]').click();
      await page.locator('[data-testid="blocked-words-input"] textarea').fill('');
      await page.locator('[data-testid="blocked-words-save"]').click();
      await page.locator(`[data-testid="feed-line"][data-key="douyin:${spam.id}"]`).waitFor();
      await prompter.page.locator('[data-testid="prompter-question"]').waitFor();
      expect(await page.locator('[data-testid="blocked-count"]').count()).toBe(0);
    } finally {
      await prompter.context.close();
    }
    expect(desk.errors).toEqual([]);
  });
});
