/**
 * Every producer/operator action, merged into one map. The `/control` namespace and
 * `POST /api/control/:action` both dispatch through {@link dispatch}, so they cannot drift apart.
 */
import { controlSchemas, formatIssues, type ControlAck, type ControlAction } from '../protocol/index.js';
import { commentHandlers, type CommentHandlers } from './comments.js';
import { fail, RecordRefused, type Caller, type HubContext } from './context.js';
import { runsheetHandlers, type RunsheetHandlers } from './runsheet.js';
import { sessionHandlers, type SessionHandlers } from './session.js';
import { tokenHandlers, type TokenHandlers } from './tokens.js';
import { promoterHandlers, type PromoterHandlers } from './promoters.js';
import { prompterHandlers, type PrompterHandlers } from './prompter.js';
import { dealHandlers, type DealHandlers } from '../deals/handlers.js';
import { couponHandlers, type CouponHandlers } from '../deals/coupons.js';
import { obsHandlers, type ObsHandlers } from '../obs/handlers.js';
import { sourceHandlers, type SourceHandlers } from '../sources/handlers.js';
import { moderationHandlers, type ModerationHandlers } from './moderation.js';

export type AllHandlers = SessionHandlers &
  RunsheetHandlers &
  CommentHandlers &
  DealHandlers &
  CouponHandlers &
  TokenHandlers &
  PromoterHandlers &
  PrompterHandlers &
  ObsHandlers &
  SourceHandlers &
  ModerationHandlers;

export const handlers: AllHandlers = {
  ...sessionHandlers,
  ...runsheetHandlers,
  ...commentHandlers,
  ...dealHandlers,
  ...couponHandlers,
  ...tokenHandlers,
  ...promoterHandlers,
  ...prompterHandlers,
  ...obsHandlers,
  ...sourceHandlers,
  ...moderationHandlers,
};

export const isControlAction = (name: string): name is ControlAction => Object.hasOwn(controlSchemas, name);

/** Validates an untrusted payload and runs the action. Never throws: failures come back as values. */
export async function dispatch(action: string, payload: unknown, ctx: HubContext, caller: Caller): Promise<ControlAck<ControlAction>> {
  if (!isControlAction(action)) return fail('unknown_action', `Unknown action “${String(action).slice(0, 40)}”.`);
  const parsed = controlSchemas[action].safeParse(payload ?? {});
  if (!parsed.success) return fail('invalid', formatIssues(action, parsed.error));
  try {
    const handler = handlers[action] as (input: unknown, ctx: HubContext, caller: Caller) => ControlAck<ControlAction> | Promise<ControlAck<ControlAction>>;
    return await handler(parsed.data, ctx, caller);
  } catch (err) {
    if (err instanceof RecordRefused) return { ok: false, error: err.error };
    return fail('internal', `The hub could not do that: ${(err as Error).message}`);
  }
}

export { RecordRefused, type HubContext, type Caller } from './context.js';
