/**
 * A show's GMV target (目标 GMV, issue #20): set on 开播 or when renaming the show, kept on the
 * session in SQLite, pushed to the screens with the session, cleared with null; refused when it is
 * not whole fen above ¥0. The column comes with an additive migration that runs once and again.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveSnapshot, LiveTick } from '../../server/protocol/index.js';
import { migrate, migrations } from '../../server/store/db.js';
import { closeClients, connect, eventually, startTestHub, tempDbFile, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub;
afterEach(async () => {
  closeClients();
  await h?.stop();
});

describe('the GMV target of a show', () => {
  it('is set on 开播, reaches a screen with the session, changes and clears on rename, and survives a restart', async () => {
    const dbFile = tempDbFile('target');
    h = await startTestHub({ dbFile });
    const op = await connect(h.url, '/control', TEST_TOKENS.operator, '场控小王');
    const view = await connect(h.url, '/view', TEST_TOKENS.viewer);
    const seen: (number | undefined)[] = [];
    view.on('snapshot', (s: LiveSnapshot) => seen.push(s.session?.targetFen));
    view.on('tick', (t: LiveTick) => seen.push(t.session?.targetFen));

    // ¥50,000 = 5,000,000 fen.
    const { sessionId } = await op.timeout(5000).emitWithAck('session.start', { title: '双12 美妆专场', targetFen: 5_000_000 });
    expect(h.hub.ctx.repo.session(sessionId)).toMatchObject({ title: '双12 美妆专场', targetFen: 5_000_000 });
    await eventually(() => expect(seen).toContain(5_000_000));

    // Renamed without a target: the target stays.
    expect(await op.timeout(5000).emitWithAck('session.rename', { title: '双12 返场' })).toMatchObject({ ok: true });
    expect(h.hub.ctx.repo.session(sessionId)!.targetFen).toBe(5_000_000);
    expect(await op.timeout(5000).emitWithAck('session.rename', { title: '双12 返场', targetFen: 8_000_000 })).toMatchObject({ ok: true });
    expect(h.hub.ctx.live.session).toMatchObject({ id: sessionId, targetFen: 8_000_000 });
    await eventually(() => expect(seen[seen.length - 1]).toBe(8_000_000));

    for (const bad of [0, -100, 12.5, '¥800']) {
      const ack = await op.timeout(5000).emitWithAck('session.rename', { title: '双12 返场', targetFen: bad });
      expect(ack, String(bad)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    }
    expect(h.hub.ctx.repo.session(sessionId)!.targetFen).toBe(8_000_000);
    expect(h.hub.ctx.repo.auditTail().find((a) => a.action === 'session.rename')?.detail).toMatchObject({ targetFen: 8_000_000, targetWas: 5_000_000 });

    await h.stop();
    h = await startTestHub({ dbFile });
    expect(h.hub.ctx.live.session).toMatchObject({ id: sessionId, targetFen: 8_000_000 });
    const op2 = await connect(h.url, '/control', TEST_TOKENS.operator);
    expect(await op2.timeout(5000).emitWithAck('session.rename', { title: '双12 返场', targetFen: null })).toMatchObject({ ok: true });
    expect(h.hub.ctx.repo.session(sessionId)).not.toHaveProperty('targetFen');
  });

  it('comes with a migration that adds the column once, whether or not a file already has it', () => {
    const db = new Database(tempDbFile('target-migrate'));
    try {
      expect(migrate(db)).toBe(migrations.length);
      const columns = () => (db.prepare('PRAGMA table_info(sessions)').all() as { name: string }[]).filter((c) => c.name === 'target_fen');
      expect(columns()).toHaveLength(1);
      // A file migrated by a build whose list ordered the same step differently: the step runs again, harmlessly.
      db.pragma(`user_version = ${migrations.length - 1}`);
      expect(migrate(db)).toBe(migrations.length);
      expect(columns()).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});
