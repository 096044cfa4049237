/**
 * The run-sheet in the store: loading imported rows into the catalog and the run-sheet in one
 * transaction, and listing the run-sheet joined with its products, as export and `livedeck runsheet list` show it.
 */
import { MAX_RUNSHEET_ROWS, productSchema, runsheetItemInput, type CouponPreset, type Product, type RunsheetApplied, type RunsheetItem, type RunsheetItemInput } from '../protocol/index.js';
import type { Repository } from '../store/index.js';
import { livePriceFen } from '../rules/index.js';
import { RunsheetFileError, type ImportedRow } from './read.js';

export interface ApplyOptions {
  /** `replace` clears the run-sheet first; `append` adds after its last item. */
  mode: 'replace' | 'append';
  /** Epoch ms, for the catalog's `updated_at` and the audit log. */
  at: number;
  /** Who imported, for the audit log (`cli`, an operator's name). */
  actor: string;
  /** Where the rows came from (a file name), for the audit log. */
  source?: string;
}

/** What an import changed (the protocol's `RunsheetApplied`, part of `POST /api/runsheet/import`'s answer). */
export type ApplyResult = RunsheetApplied;

/** One run-sheet item as a person reads it: the item joined with its product; money in fen, time in seconds. */
export interface ListedItem {
  sku: string;
  title: string;
  /** Null only when the item's product has gone from the catalog. */
  listPriceFen: number | null;
  /** The price on air: the item's own, else the product's; null when neither has one. */
  livePriceFen: number | null;
  plannedSec: number;
  sellingPoints: string;
  script: string;
  deal: { priceFen: number; stock: number; perUserLimit: number; durationSec: number; autoFireAtSec?: number } | null;
  coupon: CouponPreset | null;
  /** The product's own brand floor (品牌底价), null when it has none. */
  floorFen: number | null;
  /** 备注, empty when none. */
  note: string;
  /** 链接号 (小黄车序号), null when none. */
  linkNo: number | null;
  itemId: number;
}

/** The product and run-sheet item a row stands for, validated by the protocol's schemas. */
function toRecords(row: ImportedRow, existing: Product | undefined): { product: Product; item: RunsheetItemInput } {
  const where = `Run-sheet row ${row.row} (${row.sku})`;
  // The sheet lists the product now: it is the studio's own, not the demo's, and back in the picker.
  const { demo: _demo, archived: _archived, ...kept } = existing ?? {};
  const product = productSchema.safeParse({
    ...kept,
    sku: row.sku,
    title: row.title,
    listPriceFen: row.listPriceFen,
    ...(row.livePriceFen !== undefined ? { livePriceFen: row.livePriceFen } : {}),
    ...(row.floorFen !== undefined ? { floorFen: row.floorFen } : {}),
    ...(!existing && row.sellingPoints ? { sellingPoints: row.sellingPoints } : {}),
  });
  if (!product.success) throw new Error(`${where}: ${product.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const item = runsheetItemInput.safeParse({
    sku: row.sku,
    plannedSec: row.plannedSec,
    sellingPoints: row.sellingPoints,
    script: row.script,
    livePriceFen: row.livePriceFen,
    dealPreset: row.deal,
    ...(row.coupon !== undefined ? { couponPreset: row.coupon } : {}),
    ...(row.note ? { note: row.note } : {}),
    ...(row.linkNo !== undefined ? { linkNo: row.linkNo } : {}),
  });
  if (!item.success) throw new Error(`${where}: ${item.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return { product: product.data, item: item.data };
}

/**
 * Loads imported rows in one transaction: each product upserted into the catalog (title, list and live
 * price; a product's other fields are kept), the run-sheet replaced or appended to in row order, and
 * one audit entry. Every row is validated before anything is written; a bad row throws and nothing
 * changes. No rows change nothing: an empty import never clears a run-sheet.
 */
export function applyRunsheet(repo: Repository, rows: readonly ImportedRow[], options: ApplyOptions): ApplyResult {
  if (rows.length === 0) return { items: 0, removed: 0, productsCreated: 0, productsUpdated: 0, productsArchived: 0 };
  const refusal = runsheetRowsRefusal(rows.length, options.mode === 'append' ? repo.runsheet().length : 0);
  if (refusal) throw new RunsheetFileError('too_many_rows', refusal);
  return repo.transaction(() => {
    const catalog = new Map(repo.catalog().map((p) => [p.sku, p]));
    const created = new Set<string>();
    const updated = new Set<string>();
    const records = rows.map((row) => {
      const existing = catalog.get(row.sku);
      const records = toRecords(row, existing);
      (existing && !created.has(row.sku) ? updated : created).add(row.sku);
      catalog.set(row.sku, records.product);
      return records;
    });
    const current = repo.runsheet();
    let position = 0;
    if (options.mode === 'replace') {
      for (const item of current) repo.deleteItem(item.itemId);
    } else if (current.length) {
      position = Math.max(...current.map((i) => i.position)) + 1;
    }
    for (const sku of [...created, ...updated]) repo.upsertProduct(catalog.get(sku)!, options.at);
    // A studio's own sheet replacing the demo's: the demo's other products leave the picker (kept for old recaps).
    let archived = 0;
    if (options.mode === 'replace') {
      for (const p of catalog.values()) {
        if (!p.demo || p.archived || created.has(p.sku) || updated.has(p.sku)) continue;
        repo.upsertProduct({ ...p, archived: true }, options.at);
        archived++;
      }
    }
    for (const { item } of records) repo.insertItem(item, position++);
    const result: ApplyResult = {
      items: records.length,
      removed: options.mode === 'replace' ? current.length : 0,
      productsCreated: created.size,
      productsUpdated: updated.size,
      productsArchived: archived,
    };
    repo.audit(options.at, options.actor, 'runsheet.import', { mode: options.mode, source: options.source ?? null, ...result });
    return result;
  });
}

/** Run-sheet items joined with the catalog, in order. Pure. */
export function joinRunsheet(items: readonly RunsheetItem[], catalog: readonly Product[]): ListedItem[] {
  const bySku = new Map(catalog.map((p) => [p.sku, p]));
  return items.map((item) => {
    const product = bySku.get(item.sku);
    const d = item.dealPreset;
    return {
      sku: item.sku,
      title: product?.title ?? item.sku,
      listPriceFen: product?.listPriceFen ?? null,
      livePriceFen: livePriceFen(item, product),
      plannedSec: item.plannedSec,
      sellingPoints: item.sellingPoints,
      script: item.script,
      deal: d
        ? {
            priceFen: d.priceFen,
            stock: d.stock,
            perUserLimit: d.perUserLimit,
            durationSec: d.durationSec,
            ...(d.autoFireAtSec !== undefined ? { autoFireAtSec: d.autoFireAtSec } : {}),
          }
        : null,
      coupon: item.couponPreset ?? null,
      floorFen: product?.floorFen ?? null,
      note: item.note ?? '',
      linkNo: item.linkNo ?? null,
      itemId: item.itemId,
    };
  });
}

/** The studio's run-sheet in order, joined with the catalog. */
export function listRunsheet(repo: Repository): ListedItem[] {
  return joinRunsheet(repo.runsheet(), repo.catalog());
}

/**
 * Why `incoming` rows may not join a run-sheet of `existing` rows, or null: a run-sheet holds at most
 * `MAX_RUNSHEET_ROWS` (every snapshot carries it to every screen). Answered `too_many_rows`.
 */
export function runsheetRowsRefusal(incoming: number, existing = 0): string | null {
  if (incoming + existing <= MAX_RUNSHEET_ROWS) return null;
  const had = existing ? ` on top of the ${existing} already there` : '';
  return `${incoming} run-sheet rows${had} is more than the ${MAX_RUNSHEET_ROWS} a run-sheet may hold; split the show or remove rows.`;
}
