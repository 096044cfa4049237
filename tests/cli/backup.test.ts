import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../server/cli/main.js';
import type { LiveEvent } from '../../server/protocol/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { tempDbFile } from '../support/hub.js';

function filledDb(): string {
  const file = tempDbFile('backup');
  const repo = createRepository(openDb(file));
  const id = repo.createSession('周五场', Date.UTC(2026, 10, 20, 12));
  repo.transaction(() => {
    for (let i = 0; i < 5000; i++) {
      repo.insertEvent(id, { type: 'comment', platform: 'douyin', id: `c${i}`, ts: Date.UTC(2026, 10, 20, 12) + i, userId: `u${i}`, nick: 'n', text: '好看'.repeat(20) } as LiveEvent);
    }
  });
  repo.db.close();
  return file;
}

describe('backups and a damaged file', () => {
  it('livedeck backup writes a consistent copy that opens with every event in it', async () => {
    const db = filledDb();
    const out = path.join(path.dirname(db), 'copy', 'backup.db');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['backup', out, '--db', db])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const copy = new Database(out, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT count(*) FROM events').pluck().get()).toBe(5000);
    copy.close();
  });

  it('refuses to start on a damaged database with a sentence that says what to do', () => {
    const db = filledDb();
    const bytes = fs.readFileSync(db);
    // Overwrite pages in the middle of the file, past the header, as a failing disk might.
    bytes.fill(0x5a, 8 * 4096, 40 * 4096);
    fs.writeFileSync(db, bytes);
    fs.rmSync(`${db}-wal`, { force: true });
    expect(() => openDb(db)).toThrow(/is damaged \(.*\)\. Restore a backup/);
  });
});
