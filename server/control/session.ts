/** Session handlers: start and end a show. */
import { endShowOffers } from '../deals/show-end.js';
import { fail, type Handlers } from './context.js';

export type SessionHandlers = Handlers<'session.start' | 'session.end' | 'session.delete' | 'session.rename'>;

export const sessionHandlers: SessionHandlers = {
  async 'session.start'({ title, targetFen }, ctx, caller) {
    const live = ctx.repo.liveSession();
    if (live && !live.auto) return fail('session_live', `“${live.title}” is still live; end it before starting another.`);
    if (live) {
      const offers = await endShowOffers(ctx, caller.actor);
      if (!offers.ok) return offers;
    }
    const now = ctx.now();
    const sessionId = ctx.repo.transaction(() => {
      if (live) ctx.repo.endSession(live.id, now);
      const id = ctx.repo.createSession(title, now);
      if (targetFen !== undefined) ctx.repo.setSessionTarget(id, targetFen);
      ctx.repo.audit(now, caller.actor, 'session.start', { sessionId: id, title, targetFen: targetFen ?? null, endedAuto: live?.id ?? null });
      return id;
    });
    ctx.reloadLive();
    if (live) ctx.sessionEnded?.(live.id);
    return { ok: true, sessionId };
  },
  async 'session.end'(_input, ctx, caller) {
    const live = ctx.repo.liveSession();
    if (!live) return fail('no_session', 'No session is live.');
    // Its deals and coupons end first, each recorded; a refused write leaves the show (and them) live.
    const offers = await endShowOffers(ctx, caller.actor);
    if (!offers.ok) return offers;
    const now = ctx.now();
    ctx.repo.transaction(() => {
      ctx.repo.endSession(live.id, now);
      ctx.repo.audit(now, caller.actor, 'session.end', { sessionId: live.id });
    });
    ctx.reloadLive();
    ctx.sessionEnded?.(live.id);
    return { ok: true, sessionId: live.id };
  },
  'session.rename'({ sessionId, title, targetFen }, ctx, caller) {
    const target = sessionId === undefined ? ctx.repo.liveSession() : ctx.repo.session(sessionId);
    if (!target) return fail(sessionId === undefined ? 'no_session' : 'not_found', sessionId === undefined ? 'No session is live.' : `No session ${sessionId}.`);
    ctx.repo.transaction(() => {
      ctx.repo.renameSession(target.id, title);
      if (targetFen !== undefined) ctx.repo.setSessionTarget(target.id, targetFen);
      ctx.repo.audit(ctx.now(), caller.actor, 'session.rename', {
        sessionId: target.id,
        title,
        was: target.title,
        ...(targetFen !== undefined ? { targetFen, targetWas: target.targetFen ?? null } : {}),
      });
    });
    // The screens show the live show's title and target: tell them without replaying the show.
    if (ctx.live.session?.id === target.id) ctx.live.setSession(ctx.repo.session(target.id));
    return { ok: true, sessionId: target.id, title };
  },
  'session.delete'({ sessionId }, ctx, caller) {
    const session = ctx.repo.session(sessionId);
    if (!session) return fail('not_found', `No session ${sessionId}.`);
    if (session.endedAt === null) return fail('session_live', 'A live session cannot be deleted; end it first.');
    ctx.repo.transaction(() => {
      ctx.repo.deleteSession(sessionId);
      ctx.repo.audit(ctx.now(), caller.actor, 'session.delete', { sessionId, title: session.title });
    });
    return { ok: true, sessionId };
  },
};
