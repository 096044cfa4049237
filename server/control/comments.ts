/** Question-card handlers: claim (others see it is taken), release, answer, send to the prompter. */
import type { QuestionCard } from '../protocol/index.js';
import { fail, type Caller, type HubContext, type Handlers } from './context.js';

/** What the question cards use of the hub: the live inbox, where their states are kept, the clock. */
type CommentDeps = Pick<HubContext, 'live' | 'repo' | 'now'>;

export type CommentHandlers = Handlers<'comment.claim' | 'comment.release' | 'comment.answer' | 'comment.prompt', CommentDeps>;

function persist(ctx: CommentDeps, q: QuestionCard): void {
  const session = ctx.live.session;
  if (session) ctx.repo.setCommentState(session.id, { key: q.key, status: q.status, claimedBy: q.claimedBy, prompted: q.prompted }, ctx.now());
}

function mark(key: string, ctx: CommentDeps, caller: Caller, change: (q: QuestionCard) => Partial<QuestionCard> | string) {
  const q = ctx.live.question(key);
  if (!q) return fail('not_found', 'That question is no longer in the inbox.');
  const patch = change(q);
  if (typeof patch === 'string') return fail('taken', patch);
  const updated = ctx.live.updateQuestion(key, patch)!;
  persist(ctx, updated);
  return { ok: true as const, key };
}

export const commentHandlers: CommentHandlers = {
  'comment.claim'({ key }, ctx, caller) {
    return mark(key, ctx, caller, (q) => (q.status === 'claimed' && q.claimedBy !== caller.actor ? `${q.claimedBy} is already answering this.` : { status: 'claimed', claimedBy: caller.actor }));
  },
  'comment.release'({ key }, ctx, caller) {
    return mark(key, ctx, caller, () => ({ status: 'open', claimedBy: null }));
  },
  'comment.answer'({ key }, ctx, caller) {
    return mark(key, ctx, caller, (q) => ({ status: 'answered', claimedBy: q.claimedBy ?? caller.actor, prompted: false }));
  },
  'comment.prompt'({ key }, ctx, caller) {
    return mark(key, ctx, caller, (q) => ({ prompted: true, status: q.status === 'open' ? 'claimed' : q.status, claimedBy: q.claimedBy ?? caller.actor }));
  },
};
