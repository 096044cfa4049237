/** Control actions of the sources registry: `source.add|update|remove|replay|list` (DESIGN §11). */
import { fail, type Handlers, type HubContext } from '../control/context.js';
import { secretFields, sourceKinds } from './types.js';
import { isHookKind, mayOf, needsOf, settingsOf } from './registry.js';
import type { Sources } from './index.js';

type SourceDeps = Pick<HubContext, 'sources' | 'repo' | 'now'>;

export type SourceHandlers = Handlers<'source.add' | 'source.update' | 'source.remove' | 'source.replay' | 'source.list', SourceDeps>;

const unavailable = () => fail('unavailable', 'This hub has no sources service.');

/** What the audit log keeps of a change: which fields were set, never a secret's value. */
function auditable(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    out[k] = (secretFields as readonly string[]).includes(k) ? '(set)' : v;
  }
  return out;
}

const sourcesOf = (ctx: SourceDeps): Sources | undefined => ctx.sources;

export const sourceHandlers: SourceHandlers = {
  async 'source.add'(input, ctx, caller) {
    const sources = sourcesOf(ctx);
    if (!sources) return unavailable();
    const r = await sources.add(input);
    if (!r.ok) return r;
    ctx.repo.audit(ctx.now(), caller.actor, 'source.add', auditable(input));
    return { ok: true, id: r.config.id, hookPath: settingsOf(r.config).hookPath };
  },
  async 'source.update'(input, ctx, caller) {
    const sources = sourcesOf(ctx);
    if (!sources) return unavailable();
    const r = await sources.update(input);
    if (!r.ok) return r;
    ctx.repo.audit(ctx.now(), caller.actor, 'source.update', auditable(input));
    return { ok: true, id: r.config.id, hookPath: settingsOf(r.config).hookPath };
  },
  async 'source.remove'({ id }, ctx, caller) {
    const sources = sourcesOf(ctx);
    if (!sources) return unavailable();
    const r = await sources.remove(id);
    if (!r.ok) return r;
    ctx.repo.audit(ctx.now(), caller.actor, 'source.remove', { id });
    return { ok: true, id };
  },
  'source.replay'({ id }, ctx, caller) {
    const sources = sourcesOf(ctx);
    if (!sources) return unavailable();
    const n = sources.replay(id);
    if (n === null) return fail('not_found', `No source “${id}”.`);
    ctx.repo.audit(ctx.now(), caller.actor, 'source.replay', { id, deliveries: n });
    return { ok: true, id, deliveries: n };
  },
  'source.list'(_input, ctx) {
    const sources = sourcesOf(ctx);
    if (!sources) return unavailable();
    const kinds = sourceKinds.flatMap((kind) => {
      const needs = needsOf(kind);
      return needs ? [{ kind, needs: [...needs], may: [...mayOf(kind)], webhook: isHookKind(kind) }] : [];
    });
    return { ok: true, sources: sources.registry.list().map(settingsOf), kinds };
  },
};
