/**
 * Stored event bodies leave out the fields that are columns of their row; older full bodies in the
 * same table read back the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/protocol/index.js';
import { createRepository, openDb } from '../../server/store/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-event-body-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('stored event bodies', () => {
  it('hold only what the row’s columns do not, and read back as the events that were stored, old full bodies too, all or only some', () => {
    const repo = createRepository(openDb(path.join(dir, 'studio.db'), { skipIntegrityCheck: true }));
    try {
      const id = repo.createSession('show', 1000);
      const events: LiveEvent[] = [
        { type: 'comment', platform: 'douyin', id: 'c1', ts: 1001, userId: 'u1', nick: '小白', text: '这个多少钱？' },
        { type: 'order', platform: 'taobao', id: 'o1', ts: 1002, orderId: 'T1', userId: 'u2', sku: 'MASK-10', qty: 2, amountFen: 19_800, status: 'paid', dealId: 'd1' },
        { type: 'viewer.snapshot', platform: 'douyin', id: 's1', ts: 1003, online: 321 },
      ];
      repo.transaction(() => events.forEach((e) => repo.insertEvent(id, e)));
      const bodies = repo.db.prepare('SELECT body FROM events ORDER BY seq').pluck().all() as string[];
      expect(bodies.map((b) => JSON.parse(b))).toEqual([
        { userId: 'u1', nick: '小白', text: '这个多少钱？' },
        { orderId: 'T1', userId: 'u2', sku: 'MASK-10', qty: 2, amountFen: 19_800, status: 'paid', dealId: 'd1' },
        { online: 321 },
      ]);
      // A row as LiveDeck wrote it before: the whole event in the body.
      const old: LiveEvent = { type: 'viewer.enter', platform: 'channels', id: 'e1', ts: 1004, userId: 'u3' };
      repo.db.prepare('INSERT INTO events (session_id, platform, id, type, ts, body) VALUES (?, ?, ?, ?, ?, ?)').run(id, old.platform, old.id, old.type, old.ts, JSON.stringify(old));
      expect(repo.eventsOfSession(id)).toStrictEqual([...events, old]);
      // Only the types, platforms and times asked for, still in time order — a late event too.
      const late: LiveEvent = { type: 'comment', platform: 'douyin', id: 'c2', ts: 1002, userId: 'u4', nick: '', text: '到了吗' };
      repo.insertEvent(id, late);
      expect(repo.eventsOfSession(id, { types: ['viewer.enter', 'comment'] })).toStrictEqual([events[0], late, old]);
      expect(repo.eventsOfSession(id, { types: ['interaction'] })).toEqual([]);
      expect(repo.eventsOfSession(id, { platforms: ['douyin'] })).toStrictEqual([events[0], late, events[2]]);
      expect(repo.eventsOfSession(id, { from: 1002, to: 1003 })).toStrictEqual([events[1], late, events[2]]);
      expect(repo.eventsOfSession(id, { from: 1002 })).toStrictEqual([events[1], late, events[2], old]);
      expect(repo.eventsOfSession(id, { to: 1001 })).toStrictEqual([events[0]]);
      expect(repo.eventsOfSession(id, { types: ['comment'], platforms: ['douyin', 'studio'], from: 1002, to: 1004 })).toStrictEqual([late]);
      expect(repo.eventsOfSession(id, { from: 2000, to: 3000 })).toEqual([]);
    } finally {
      repo.db.close();
    }
  });
});
