/** What the control room keeps beside the events: the audit log, promoters' pay rules, question-card states. */
import type { Db } from '../db.js';

export interface CommentStateRow {
  key: string;
  status: 'open' | 'claimed' | 'answered';
  claimedBy: string | null;
  prompted: boolean;
}

export interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  detail: unknown;
}

export function createStudioRepo(db: Db) {
  const s = {
    audit: db.prepare('INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)'),
    auditTail: db.prepare('SELECT * FROM audit ORDER BY seq DESC LIMIT ?'),
    promoterRules: db.prepare('SELECT promoter, rule FROM promoters'),
    setPromoterRule: db.prepare('INSERT INTO promoters (promoter, rule) VALUES (?, ?) ON CONFLICT (promoter) DO UPDATE SET rule = excluded.rule'),
    commentStates: db.prepare('SELECT key, status, claimed_by, prompted FROM comment_state WHERE session_id = ?'),
    setCommentState: db.prepare(`
      INSERT INTO comment_state (key, session_id, status, claimed_by, prompted, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET status = excluded.status, claimed_by = excluded.claimed_by, prompted = excluded.prompted, updated_at = excluded.updated_at
    `),
  };

  return {
    audit(at: number, actor: string, action: string, detail: unknown): void {
      s.audit.run(at, actor, action, JSON.stringify(detail));
    },
    auditTail(limit = 100): AuditRow[] {
      return (s.auditTail.all(limit) as { seq: number; at: number; actor: string; action: string; detail: string }[]).map((r) => ({
        ...r,
        detail: JSON.parse(r.detail) as unknown,
      }));
    },
    promoterRules(): Record<string, unknown> {
      return Object.fromEntries((s.promoterRules.all() as { promoter: string; rule: string }[]).map((r) => [r.promoter, JSON.parse(r.rule) as unknown]));
    },
    setPromoterRule(promoter: string, rule: unknown): void {
      s.setPromoterRule.run(promoter, JSON.stringify(rule));
    },
    commentStates(sessionId: number): CommentStateRow[] {
      return (s.commentStates.all(sessionId) as { key: string; status: CommentStateRow['status']; claimed_by: string | null; prompted: number }[]).map((r) => ({
        key: r.key,
        status: r.status,
        claimedBy: r.claimed_by,
        prompted: r.prompted === 1,
      }));
    },
    setCommentState(sessionId: number, row: CommentStateRow, at: number): void {
      s.setCommentState.run(row.key, sessionId, row.status, row.claimedBy, row.prompted ? 1 : 0, at);
    },
  };
}
