/** WAL checkpoints in a worker thread (server/store/checkpointer.ts), not inside the hub's commits. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAFETY_PAGES, startCheckpointer } from '../../server/store/checkpointer.js';
import { openDb } from '../../server/store/index.js';
import { eventually } from '../support/hub.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-checkpointer-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the checkpointer', () => {
  it('copies the WAL into the database from its own thread while the writer only keeps a far safety net, and gives the writer its threshold back when stopped', async () => {
    const file = path.join(dir, 'studio.db');
    const db = openDb(file, { skipIntegrityCheck: true });
    const checkpointer = startCheckpointer(db, file, 20)!;
    try {
      expect(checkpointer).not.toBeNull();
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_PAGES);
      db.exec('CREATE TABLE t (x TEXT)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      // Some 3,000 pages of WAL, more than SQLite's own 1,000-page threshold would let grow.
      for (let i = 0; i < 60; i++)
        db.transaction(() => {
          for (let j = 0; j < 200; j++) insert.run('x'.repeat(1000));
        })();
      await eventually(() => {
        const last = checkpointer.last!;
        expect(last.log).toBeGreaterThan(1000);
        expect(last.checkpointed).toBe(last.log);
      });
      // Once all of it is in the database file, a later commit starts the WAL over from its start
      // (not one that lands while the checkpointer is reading the WAL: hence a commit each try).
      await eventually(() => {
        insert.run('y');
        expect(checkpointer.last!.log).toBeLessThan(100);
      });
      expect(db.prepare('SELECT count(*) FROM t WHERE x = ?').pluck().get('x'.repeat(1000))).toBe(12_000);
    } finally {
      await checkpointer.close();
    }
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });

  it('does nothing for a database in memory', () => {
    const db = openDb(':memory:');
    expect(startCheckpointer(db, ':memory:')).toBeNull();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
