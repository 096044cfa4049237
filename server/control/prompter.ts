/** Prompter handlers: play/pause, speed, scroll, mirror, type size, jump — the same for every prompter. */
import type { PrompterAction } from '../protocol/index.js';
import { fail, type Handlers, type HubContext } from './context.js';

export type PrompterHandlers = Handlers<PrompterAction, Pick<HubContext, 'live' | 'now'>>;

export const prompterHandlers: PrompterHandlers = {
  'prompter.play': (input, ctx) => ({ ok: true, prompter: ctx.live.steerPrompter({ action: 'prompter.play', ...input }, ctx.now()) }),
  'prompter.speed': (input, ctx) => ({ ok: true, prompter: ctx.live.steerPrompter({ action: 'prompter.speed', ...input }, ctx.now()) }),
  'prompter.scroll': (input, ctx) => ({ ok: true, prompter: ctx.live.steerPrompter({ action: 'prompter.scroll', ...input }, ctx.now()) }),
  'prompter.mirror': (input, ctx) => ({ ok: true, prompter: ctx.live.steerPrompter({ action: 'prompter.mirror', ...input }, ctx.now()) }),
  'prompter.font': (input, ctx) => ({ ok: true, prompter: ctx.live.steerPrompter({ action: 'prompter.font', ...input }, ctx.now()) }),
  'prompter.jump'({ itemId }, ctx) {
    if (itemId !== null && !ctx.live.runsheet.some((i) => i.itemId === itemId)) return fail('not_found', `No run-sheet item ${itemId}.`);
    return { ok: true, prompter: ctx.live.steerPrompter({ action: 'prompter.jump', itemId }, ctx.now()) };
  },
};
