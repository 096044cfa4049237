/** Token handlers: rotate a role's token when a tablet is lost or a freelancer leaves. */
import type { Handlers, HubContext } from './context.js';

export type TokenHandlers = Handlers<'tokens.rotate', Pick<HubContext, 'rotateToken' | 'repo' | 'now'>>;

export const tokenHandlers: TokenHandlers = {
  'tokens.rotate'({ role }, ctx, caller) {
    const token = ctx.rotateToken(role);
    // The token itself is never written to the audit log.
    ctx.repo.audit(ctx.now(), caller.actor, 'tokens.rotate', { role });
    return { ok: true, role, token };
  },
};
