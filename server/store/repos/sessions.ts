/** Shows (sessions) and the studio's settings; deleting a show removes everything recorded in it. */
import type { Db } from '../db.js';
import type { SessionInfo } from '../../protocol/index.js';

export interface SessionRow extends SessionInfo {
  auto: boolean;
}

type RawSession = { id: number; title: string; started_at: number; ended_at: number | null; auto: number; target_fen: number | null };
const toSession = (r: RawSession): SessionRow => ({
  id: r.id,
  title: r.title,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  auto: r.auto === 1,
  ...(r.target_fen !== null ? { targetFen: r.target_fen } : {}),
});

export function createSessionsRepo(db: Db) {
  const s = {
    liveSession: db.prepare('SELECT * FROM sessions WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1'),
    session: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    latestSession: db.prepare('SELECT * FROM sessions ORDER BY id DESC LIMIT 1'),
    sessions: db.prepare('SELECT * FROM sessions ORDER BY id DESC'),
    insertSession: db.prepare('INSERT INTO sessions (title, started_at, ended_at, auto) VALUES (?, ?, ?, ?)'),
    endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    renameSession: db.prepare('UPDATE sessions SET title = ?, auto = 0 WHERE id = ?'),
    setSessionTarget: db.prepare('UPDATE sessions SET target_fen = ? WHERE id = ?'),
    getSetting: db.prepare('SELECT value FROM studio_settings WHERE key = ?').pluck(),
    putSetting: db.prepare('INSERT INTO studio_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    setSpan: db.prepare('UPDATE sessions SET started_at = ?, ended_at = ? WHERE id = ?'),
    sessionsStartedIn: db.prepare('SELECT * FROM sessions WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    deleteSessionEvents: db.prepare('DELETE FROM events WHERE session_id = ?'),
    deleteSessionRecapInput: db.prepare('DELETE FROM recap_input WHERE session_id = ?'),
    deleteSessionOrders: db.prepare('DELETE FROM orders WHERE session_id = ?'),
    deleteSessionComments: db.prepare('DELETE FROM comment_state WHERE session_id = ?'),
    dropCache: db.prepare('DELETE FROM recap_cache WHERE session_id = ?'),
  };

  return {
    liveSession(): SessionRow | null {
      const r = s.liveSession.get() as RawSession | undefined;
      return r ? toSession(r) : null;
    },
    session(id: number): SessionRow | null {
      const r = s.session.get(id) as RawSession | undefined;
      return r ? toSession(r) : null;
    },
    latestSession(): SessionRow | null {
      const r = s.latestSession.get() as RawSession | undefined;
      return r ? toSession(r) : null;
    },
    sessions(): SessionRow[] {
      return (s.sessions.all() as RawSession[]).map(toSession);
    },
    createSession(title: string, startedAt: number, options: { auto?: boolean; endedAt?: number | null } = {}): number {
      return Number(s.insertSession.run(title, startedAt, options.endedAt ?? null, options.auto ? 1 : 0).lastInsertRowid);
    },
    endSession(id: number, at: number): boolean {
      return s.endSession.run(at, id).changes === 1;
    },
    /** Gives a show its title; a named show is no longer an auto-opened one. */
    renameSession(id: number, title: string): boolean {
      return s.renameSession.run(title, id).changes === 1;
    },
    /** A studio setting as stored (JSON), or undefined when never set. */
    setting(key: string): unknown {
      const value = s.getSetting.get(key) as string | undefined;
      return value === undefined ? undefined : JSON.parse(value);
    },
    putSetting(key: string, value: unknown): void {
      s.putSetting.run(key, JSON.stringify(value));
    },
    /** Sets a show's GMV target in fen; null removes it. */
    setSessionTarget(id: number, targetFen: number | null): boolean {
      return s.setSessionTarget.run(targetFen, id).changes === 1;
    },
    setSessionSpan(id: number, startedAt: number, endedAt: number | null): void {
      s.setSpan.run(startedAt, endedAt, id);
    },
    /** Sessions whose start is in [from, to), oldest first. */
    sessionsStartedIn(from: number, to: number): SessionRow[] {
      return (s.sessionsStartedIn.all(from, to) as RawSession[]).map(toSession);
    },
    deleteSession(id: number): void {
      db.transaction(() => {
        s.deleteSessionEvents.run(id);
        s.deleteSessionRecapInput.run(id);
        s.deleteSessionOrders.run(id);
        s.deleteSessionComments.run(id);
        s.dropCache.run(id);
        s.deleteSession.run(id);
      })();
    },
  };
}
