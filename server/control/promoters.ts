/** Promoter (导购) commission rules, used by the recap's promoter table. */
import type { Handlers, HubContext } from './context.js';

export type PromoterHandlers = Handlers<'promoter.set', Pick<HubContext, 'repo' | 'now'>>;

export const promoterHandlers: PromoterHandlers = {
  'promoter.set'({ promoter, rule }, ctx, caller) {
    ctx.repo.transaction(() => {
      ctx.repo.setPromoterRule(promoter, rule);
      ctx.repo.audit(ctx.now(), caller.actor, 'promoter.set', { promoter, rule });
    });
    return { ok: true, promoter };
  },
};
