/** OBS handlers: point the hub at OBS (or away from it). The password is never audited. */
import type { Handlers, HubContext } from '../control/context.js';

export type ObsHandlers = Handlers<'obs.configure', Pick<HubContext, 'obs' | 'repo' | 'now'>>;

export const obsHandlers: ObsHandlers = {
  async 'obs.configure'({ url, password }, ctx, caller) {
    ctx.repo.audit(ctx.now(), caller.actor, 'obs.configure', { url, withPassword: Boolean(password) });
    const status = await ctx.obs.configure(url === null ? null : { url, password });
    return { ok: true, connected: status.connected, lastError: status.lastError };
  },
};
