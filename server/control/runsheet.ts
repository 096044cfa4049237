/** Catalog and run-sheet handlers, and putting an item on air (`item.go`, `item.next`). */
import { MAX_RUNSHEET_ROWS, type RunsheetItem, type RunsheetItemInput } from '../protocol/index.js';
import { fail, type HubContext, type Caller, type Handlers } from './context.js';
import { onAirPriceFen } from '../rules/index.js';
import { applyRunsheet, RunsheetFileError, type ApplyOptions, type ApplyResult, type ImportedRow } from '../runsheet/index.js';

export type RunsheetHandlers = Handlers<'catalog.upsert' | 'runsheet.add' | 'runsheet.update' | 'runsheet.remove' | 'runsheet.reorder' | 'item.go' | 'item.next'>;

function publishRunsheet(ctx: Pick<HubContext, 'repo' | 'live'>): RunsheetItem[] {
  const items = ctx.repo.runsheet();
  ctx.live.setRunsheet(items);
  return items;
}

/**
 * Imports rows read from a run-sheet file (the import dialog's `POST /api/runsheet/import`): applied in
 * one transaction and published to the screens the way every run-sheet action publishes its change.
 * The rows are the hub's own reader's output, so this is not an action a socket may send. A refusal
 * (`too_many_rows`, a bad row) comes back as a coded error with nothing written.
 */
export function importRunsheet(
  ctx: Pick<HubContext, 'repo' | 'live' | 'now'>,
  rows: readonly ImportedRow[],
  options: Pick<ApplyOptions, 'mode' | 'source'>,
  caller: Caller,
): { ok: true; applied: ApplyResult } | ReturnType<typeof fail> {
  let applied: ApplyResult;
  try {
    applied = applyRunsheet(ctx.repo, rows, { ...options, at: ctx.now(), actor: caller.actor });
  } catch (err) {
    if (err instanceof RunsheetFileError) return fail(err.code, err.message);
    throw err;
  }
  ctx.live.setCatalog(ctx.repo.catalog());
  publishRunsheet(ctx);
  return { ok: true, applied };
}

/**
 * Publishes the stored catalog and run-sheet where they differ from what the screens have: after
 * another process changed them (a shell's `livedeck runsheet import` on the same file).
 */
export function republishPlan(ctx: Pick<HubContext, 'repo' | 'live'>): void {
  const catalog = ctx.repo.catalog();
  const runsheet = ctx.repo.runsheet();
  if (JSON.stringify(catalog) !== JSON.stringify(ctx.live.catalog)) ctx.live.setCatalog(catalog);
  if (JSON.stringify(runsheet) !== JSON.stringify(ctx.live.runsheet)) ctx.live.setRunsheet(runsheet);
}

const strip = ({ itemId: _i, position: _p, ...rest }: RunsheetItem): RunsheetItemInput => rest;

/** Puts a run-sheet item on air: records `item.live`, pins the product on every platform, switches the OBS scene. */
async function goLive(item: RunsheetItem, ctx: HubContext, caller: Caller) {
  const now = ctx.now();
  await ctx.record([{ type: 'item.live', platform: 'studio', id: ctx.newEventId('item'), ts: now, sku: item.sku, itemId: String(item.itemId) }]);
  ctx.repo.audit(now, caller.actor, 'item.go', { itemId: item.itemId, sku: item.sku });
  const product = ctx.live.catalog.find((p) => p.sku === item.sku);
  ctx.command({ type: 'product.pin', sku: item.sku, priceFen: onAirPriceFen(item, product) });
  // Not awaited: the item is on air whatever OBS says, and a slow OBS must not hold up the Go.
  if (item.obsScene) void ctx.obs.switchScene(item.obsScene);
  return { ok: true as const, itemId: item.itemId, sku: item.sku };
}

export const runsheetHandlers: RunsheetHandlers = {
  'catalog.upsert'(product, ctx, caller) {
    const now = ctx.now();
    ctx.repo.transaction(() => {
      ctx.repo.upsertProduct(product, now);
      ctx.repo.audit(now, caller.actor, 'catalog.upsert', { sku: product.sku });
    });
    ctx.live.setCatalog(ctx.repo.catalog());
    return { ok: true, sku: product.sku };
  },
  'runsheet.add'({ afterItemId, ...item }, ctx, caller) {
    if (!ctx.live.catalog.some((p) => p.sku === item.sku)) return fail('unknown_sku', `No product ${item.sku} in the catalog; add it first.`);
    const items = ctx.repo.runsheet();
    if (items.length >= MAX_RUNSHEET_ROWS) return fail('too_many_rows', `The run-sheet already holds ${items.length} items, the most it may; remove one first.`);
    const at = afterItemId === undefined ? items.length : items.findIndex((i) => i.itemId === afterItemId) + 1;
    if (afterItemId !== undefined && at === 0) return fail('not_found', `No run-sheet item ${afterItemId}.`);
    const itemId = ctx.repo.transaction(() => {
      const id = ctx.repo.insertItem(item, at);
      const order = items.map((i) => i.itemId);
      order.splice(at, 0, id);
      order.forEach((itemId, position) => ctx.repo.moveItem(itemId, position));
      ctx.repo.audit(ctx.now(), caller.actor, 'runsheet.add', { itemId: id, sku: item.sku });
      return id;
    });
    publishRunsheet(ctx);
    return { ok: true, itemId };
  },
  'runsheet.update'({ itemId, ...patch }, ctx, caller) {
    const current = ctx.repo.runsheet().find((i) => i.itemId === itemId);
    if (!current) return fail('not_found', `No run-sheet item ${itemId}.`);
    if (patch.sku && !ctx.live.catalog.some((p) => p.sku === patch.sku)) return fail('unknown_sku', `No product ${patch.sku} in the catalog.`);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    ctx.repo.transaction(() => {
      ctx.repo.updateItem(itemId, { ...strip(current), ...defined });
      ctx.repo.audit(ctx.now(), caller.actor, 'runsheet.update', { itemId, fields: Object.keys(defined) });
    });
    publishRunsheet(ctx);
    return { ok: true, itemId };
  },
  'runsheet.remove'({ itemId }, ctx, caller) {
    const ok = ctx.repo.transaction(() => {
      const removed = ctx.repo.deleteItem(itemId);
      if (removed) ctx.repo.audit(ctx.now(), caller.actor, 'runsheet.remove', { itemId });
      return removed;
    });
    if (!ok) return fail('not_found', `No run-sheet item ${itemId}.`);
    publishRunsheet(ctx);
    return { ok: true, itemId };
  },
  'runsheet.reorder'({ itemIds }, ctx, caller) {
    const existing = ctx.repo.runsheet().map((i) => i.itemId);
    const same = itemIds.length === existing.length && new Set(itemIds).size === itemIds.length && itemIds.every((id) => existing.includes(id));
    if (!same) return fail('stale_order', 'The order must list every run-sheet item exactly once; reload and try again.');
    ctx.repo.transaction(() => {
      itemIds.forEach((id, position) => ctx.repo.moveItem(id, position));
      ctx.repo.audit(ctx.now(), caller.actor, 'runsheet.reorder', { itemIds });
    });
    publishRunsheet(ctx);
    return { ok: true, itemIds };
  },
  async 'item.go'({ itemId }, ctx, caller) {
    const items = ctx.live.runsheet;
    if (items.length === 0) return fail('empty_runsheet', 'The run-sheet is empty; add an item first.');
    let item: RunsheetItem | undefined;
    if (itemId === undefined) {
      const current = ctx.live.current();
      const at = current ? items.findIndex((i) => i.itemId === current.itemId) : -1;
      item = items[at + 1];
      if (!item) return fail('end_of_runsheet', 'The last item is on air; there is no next item.');
    } else {
      item = items.find((i) => i.itemId === itemId);
      if (!item) return fail('not_found', `No run-sheet item ${itemId}.`);
    }
    return goLive(item, ctx, caller);
  },
  'item.next'(_input, ctx, caller) {
    return runsheetHandlers['item.go']({}, ctx, caller);
  },
};
