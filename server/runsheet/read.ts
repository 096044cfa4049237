/**
 * Reading a run-sheet (排品表): find the header (under a title row, across merged cells, over two-level
 * headers), map its columns to fields, and turn each row into a validated {@link ImportedRow} or a
 * sentence saying what is wrong with it. {@link importGrids} is pure; {@link readRunsheetFile} loads bytes.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  MAX_RUNSHEET_ROWS,
  productSchema,
  runsheetItemInput,
  type ImportedCoupon,
  type ImportedDeal,
  type ImportedRow,
  type Product,
  type RowError,
  type RowIssue,
  type RunsheetPreview,
} from '../protocol/index.js';
import { fieldLabels, recogniseHeader, runsheetFields, type ColumnMapping, type HeaderUnit, type RunsheetField } from './fields.js';
import { cellText, isBlank, loadCsv, loadXlsx, type Grid, type GridCell } from './grid.js';
import { floorFen, generatedSku } from '../rules/index.js';
import { fenToYuanString, parseCount, parseDurationSec, parseLinkNo, parsePriceFen, parseSku, parseText, type Parsed } from './values.js';

// The shapes a read produces are the protocol's (the import dialog shows them); re-exported for the CLI and tests.
export type { ImportedCoupon, ImportedDeal, ImportedRow, RowError, RowIssue } from '../protocol/index.js';

export interface ReadOptions {
  /** Default: from the file name's extension, else from the bytes. */
  format?: 'xlsx' | 'csv';
  /** Column (1-based) per field; overrides what the headers say. The column-mapping step of the UI. */
  mapping?: ColumnMapping;
  /** The header row, when the caller knows better than the search. */
  headerRow?: number;
  /** Worksheet name or 1-based index; default the sheet whose header is recognised best. */
  sheet?: string | number;
  /** Products already known: a row may then leave out title and list price for a SKU in it, and a sheet may have no such columns. */
  catalog?: readonly Product[];
}

/** What a read found: the preview the hub answers over HTTP (`RunsheetPreview` in the protocol). */
export type ReadResult = RunsheetPreview;

/** A file that cannot be read at all, as a value with a code. */
export class RunsheetFileError extends Error {
  constructor(
    readonly code: 'unsupported_format' | 'unreadable' | 'no_sheet' | 'too_many_rows',
    message: string,
  ) {
    super(message);
    this.name = 'RunsheetFileError';
  }
}

/** How many rows from the top the header may be. */
const HEADER_SEARCH_ROWS = 30;
/** A two-level header is at most this many rows tall. */
const MAX_HEADER_ROWS = 3;

interface HeaderBand {
  top: number;
  bottom: number;
  mapping: ColumnMapping;
  units: Partial<Record<RunsheetField, HeaderUnit>>;
  headers: { column: number; text: string }[];
  score: number;
}

const mergeKey = (cell: GridCell, row: number, col: number) => (cell.merge ? `${cell.merge.top}:${cell.merge.left}` : `${row}:${col}`);

/**
 * Reads the header whose top row is `top`. A cell merged down makes the header several rows tall; a
 * cell merged across (a group such as "秒杀" over 价格/库存/限购) prefixes its columns' words, so
 * "秒杀"+"价格" reads as 秒杀价格 before 价格 alone is tried.
 */
function readHeaderBand(grid: Grid, top: number): HeaderBand {
  let bottom = top;
  for (let c = 1; c <= grid.colCount; c++) {
    const m = grid.cell(top, c).merge;
    if (m && m.top === top) bottom = Math.max(bottom, Math.min(m.bottom, top + MAX_HEADER_ROWS - 1));
  }
  const used: number[] = [];
  for (let c = 1; c <= grid.colCount; c++) if (!isBlank(grid.cell(top, c))) used.push(c);
  // A block merged across a few columns above is a group ("秒杀"); one across the whole header is a title.
  const groupAbove = (c: number): string => {
    const above = top > 1 ? grid.cell(top - 1, c) : undefined;
    const m = above?.merge;
    if (!above || !m || m.right === m.left || isBlank(above)) return '';
    return m.left <= used[0] && m.right >= used[used.length - 1] ? '' : cellText(above);
  };
  const best = new Map<RunsheetField, { column: number; rank: number; unit?: HeaderUnit }>();
  const headers: { column: number; text: string }[] = [];
  for (let c = 1; c <= grid.colCount; c++) {
    const seen = new Set<string>();
    const parts: string[] = [];
    for (let r = top; r <= bottom; r++) {
      const cell = grid.cell(r, c);
      const key = mergeKey(cell, r, c);
      if (isBlank(cell) || seen.has(key)) continue;
      seen.add(key);
      parts.push(cellText(cell));
    }
    if (parts.length === 0) continue;
    headers.push({ column: c, text: parts.join(' ') });
    const group = groupAbove(c);
    const candidates = [group + parts.join(''), parts.join(''), group + parts[parts.length - 1], ...parts.slice().reverse()];
    for (const text of candidates) {
      const hit = recogniseHeader(text);
      if (!hit) continue;
      const held = best.get(hit.field);
      if (!held || hit.rank < held.rank) best.set(hit.field, { column: c, rank: hit.rank, unit: hit.unit });
      break;
    }
  }
  const mapping: ColumnMapping = {};
  const units: HeaderBand['units'] = {};
  for (const [field, { column, unit }] of best) {
    mapping[field] = column;
    if (unit) units[field] = unit;
  }
  return { top, bottom, mapping, units, headers, score: best.size };
}

/** A row of merged cells only (a title, a section line such as "第一场 20:00"), not a header or data. */
function isBannerRow(grid: Grid, row: number): boolean {
  let banner: string | null = null;
  for (let c = 1; c <= grid.colCount; c++) {
    const cell = grid.cell(row, c);
    if (isBlank(cell)) continue;
    if (!cell.merge || cell.merge.right === cell.merge.left) return false;
    const key = mergeKey(cell, row, c);
    if (banner !== null && banner !== key) return false;
    banner = key;
  }
  return banner !== null;
}

/** The best header of a sheet: the most fields recognised, earliest on ties; else the first row with two cells. */
function findHeader(grid: Grid, headerRow?: number): HeaderBand | null {
  if (headerRow !== undefined) return readHeaderBand(grid, headerRow);
  let best: HeaderBand | null = null;
  for (let r = 1; r <= Math.min(grid.rowCount, HEADER_SEARCH_ROWS); r++) {
    const band = readHeaderBand(grid, r);
    if (band.score > 0 && (!best || band.score > best.score)) best = band;
  }
  if (best) return best;
  for (let r = 1; r <= Math.min(grid.rowCount, HEADER_SEARCH_ROWS); r++) {
    const band = readHeaderBand(grid, r);
    if (band.headers.length >= 2 && !isBannerRow(grid, r)) return band;
  }
  return null;
}

/** Fields a run-sheet cannot do without. Title and list price may come from the catalog instead. */
function requiredFields(hasCatalog: boolean): RunsheetField[] {
  return hasCatalog ? ['sku', 'plannedTime'] : ['sku', 'title', 'listPrice', 'plannedTime'];
}

const fieldNamesEn: Record<RunsheetField, string> = {
  sku: 'SKU',
  title: 'product name',
  listPrice: 'list price',
  livePrice: 'live price',
  plannedTime: 'slot length',
  sellingPoints: 'selling points',
  script: 'script',
  dealPrice: 'deal price',
  dealStock: 'deal stock',
  perUserLimit: 'per-user limit',
  dealDuration: 'deal duration',
  dealAutoFireAt: 'deal auto-fire time',
  couponTitle: 'coupon title',
  couponThreshold: 'coupon threshold',
  couponDiscount: 'coupon discount',
  couponQuantity: 'coupon quantity',
  couponLimit: 'coupons per buyer',
  couponDuration: 'coupon duration',
  floorPrice: 'brand floor',
  note: 'note',
  linkNo: 'link number',
};

const TOTAL_ROW = /^(合计|总计|小计|总和)|^(total|subtotal|sum)\b/i;

/** Which field a zod issue path speaks of, to name the column in the sentence. */
const fieldOfPath: Record<string, RunsheetField> = {
  sku: 'sku',
  title: 'title',
  listPriceFen: 'listPrice',
  livePriceFen: 'livePrice',
  plannedSec: 'plannedTime',
  sellingPoints: 'sellingPoints',
  script: 'script',
  'dealPreset.priceFen': 'dealPrice',
  'dealPreset.stock': 'dealStock',
  'dealPreset.perUserLimit': 'perUserLimit',
  'dealPreset.durationSec': 'dealDuration',
  'dealPreset.autoFireAtSec': 'dealAutoFireAt',
  'couponPreset.title': 'couponTitle',
  'couponPreset.thresholdFen': 'couponThreshold',
  'couponPreset.discountFen': 'couponDiscount',
  'couponPreset.quantity': 'couponQuantity',
  'couponPreset.perUserLimit': 'couponLimit',
  'couponPreset.durationSec': 'couponDuration',
  note: 'note',
  linkNo: 'linkNo',
};

interface SheetContext {
  grid: Grid;
  mapping: ColumnMapping;
  units: Partial<Record<RunsheetField, HeaderUnit>>;
  labels: Partial<Record<RunsheetField, string>>;
  catalog: Map<string, Product>;
}

/** Cells that mean "nothing here" in a studio's sheet: a deal column with "/" has no deal. */
const NONE_MARK = /^(\/|-|—|–|－|／|无|没有|n\/a|na|none)$/i;
/** A price the brand has not settled yet: the row is imported without it, with a warning. */
const PENDING_MARK = /^(待定|待确认|未定|暂定|待议|tbd|tba)$/i;

const markText = (cell: GridCell) => (typeof cell.value === 'string' ? cell.value.normalize('NFKC').trim() : '');
/** Blank, or a "/" / "无" placeholder. */
const isEmptyish = (cell: GridCell) => isBlank(cell) || NONE_MARK.test(markText(cell));

/** Reads one data row: the row, an error, or null for a row that is not a product (blank, total, repeated header). */
function readRow(ctx: SheetContext, row: number): ImportedRow | RowError | null {
  const { grid, mapping, units, catalog } = ctx;
  const rawCell = (f: RunsheetField): GridCell => (mapping[f] ? grid.cell(row, mapping[f]!) : { value: null });
  const label = (f: RunsheetField) => ctx.labels[f] || fieldLabels[f];
  const mapped = runsheetFields.filter((f) => mapping[f] !== undefined);
  if (mapped.every((f) => isEmptyish(rawCell(f)))) return null;
  if (isBannerRow(grid, row)) return null;
  let firstText = '';
  for (let c = 1; c <= grid.colCount && !firstText; c++) firstText = cellText(grid.cell(row, c));
  if (TOTAL_ROW.test(firstText)) return null;
  // A header repeated lower down (sheets printed page by page) is not a product.
  if (recogniseHeader(cellText(rawCell('sku')))?.field === 'sku') return null;

  const problems: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  // "/" and "无" read as an empty cell; "待定" in an optional price reads as empty too, with a warning.
  const pending = new Set<RunsheetField>();
  const cellOf = (f: RunsheetField): GridCell => {
    const cell = rawCell(f);
    if (NONE_MARK.test(markText(cell))) return { value: null };
    if (PENDING_MARK.test(markText(cell)) && f !== 'sku' && f !== 'title' && f !== 'listPrice' && f !== 'plannedTime') {
      if (!pending.has(f)) {
        pending.add(f);
        warnings.push({ code: 'pending', field: f, params: { value: markText(cell) }, message: `${label(f)} is “${markText(cell)}”: imported without it; set it before the show` });
      }
      return { value: null };
    }
    return cell;
  };
  const take = <T>(f: RunsheetField, parsed: Parsed<T>): T | undefined => {
    if (parsed.ok) return parsed.value;
    const cell = rawCell(f);
    problems.push({ code: parsed.code, field: f, params: { value: cell.value instanceof Date ? cell.value.toISOString() : String(cell.value) }, message: `${label(f)} ${parsed.reason}` });
    return undefined;
  };
  const optional = <T>(f: RunsheetField, parse: (cell: GridCell) => Parsed<T>): T | undefined => {
    const cell = cellOf(f);
    return isBlank(cell) ? undefined : take(f, parse(cell));
  };
  const duration = (f: RunsheetField, fallback: 'sec' | 'min') => (cell: GridCell) => {
    const unit = units[f];
    return parseDurationSec(cell, unit === 'sec' || unit === 'min' || unit === 'hour' ? unit : unit === 'fen' ? 'min' : fallback, { date1904: grid.date1904 });
  };
  const price = (f: RunsheetField) => (cell: GridCell) => parsePriceFen(cell, units[f] === 'fen' ? 'fen' : 'yuan');
  const orphan = (fields: readonly RunsheetField[], main: RunsheetField) => {
    const set = fields.filter((f) => !isBlank(cellOf(f)));
    if (set.length) problems.push({ code: 'orphan', field: main, params: { fields: set.join(',') }, message: `${set.map(label).join(', ')} set but ${label(main)} (${fieldNamesEn[main]}) is empty` });
  };

  const skuCell = cellOf('sku');
  const titleText = parseText(cellOf('title'));
  let sku = isBlank(skuCell) ? undefined : take('sku', parseSku(skuCell));
  if (sku === '') sku = undefined;
  if (isBlank(skuCell) || (sku === undefined && !problems.length)) {
    if (titleText) {
      // A row with a product but no code: a stable code from its title, so the product is not lost.
      sku = generatedSku(titleText);
      warnings.push({ code: 'sku_generated', field: 'sku', params: { sku }, message: `${label('sku')} (SKU) is empty: imported as ${sku}; give it the shop's code before the show` });
    } else {
      problems.push({ code: 'empty', field: 'sku', message: `${label('sku')} (SKU) is empty` });
    }
  }
  const known = sku ? catalog.get(sku) : undefined;
  const notInCatalog = catalog.size && sku ? `, and ${sku} is not in the catalog` : '';
  const emptyCode = notInCatalog ? 'empty_not_in_catalog' : 'empty';
  const title = titleText || known?.title;
  if (!title) problems.push({ code: emptyCode, field: 'title', params: sku ? { sku } : {}, message: `${label('title')} (product name) is empty${notInCatalog}` });
  const listCell = cellOf('listPrice');
  const listPriceFen = isBlank(listCell) ? known?.listPriceFen : take('listPrice', price('listPrice')(listCell));
  if (isBlank(listCell) && listPriceFen === undefined)
    problems.push({ code: emptyCode, field: 'listPrice', params: sku ? { sku } : {}, message: `${label('listPrice')} (list price) is empty${notInCatalog}` });
  const livePriceFen = optional('livePrice', price('livePrice'));
  const plannedSec = optional('plannedTime', duration('plannedTime', 'min'));
  if (isBlank(cellOf('plannedTime'))) problems.push({ code: 'empty', field: 'plannedTime', message: `${label('plannedTime')} (slot length) is empty` });
  const sellingPoints = parseText(cellOf('sellingPoints'));
  const script = parseText(cellOf('script'));
  const note = parseText(cellOf('note'));
  const floorPriceFen = optional('floorPrice', price('floorPrice'));
  const linkNo = optional('linkNo', parseLinkNo);

  let deal: ImportedDeal | null = null;
  const dealPriceFen = optional('dealPrice', price('dealPrice'));
  if (isBlank(cellOf('dealPrice'))) {
    // Plain 库存 may be the shop's stock, not a deal's; limits and deal timings without a price are a mistake
    // (unless the price is 待定: then the whole deal waits, with the warning already given).
    if (!pending.has('dealPrice')) orphan(['perUserLimit', 'dealDuration', 'dealAutoFireAt'], 'dealPrice');
  } else {
    const stock = optional('dealStock', (cell) => parseCount(cell));
    if (isBlank(cellOf('dealStock'))) problems.push({ code: 'deal_without_stock', field: 'dealStock', message: `${label('dealPrice')} is set but ${label('dealStock')} (deal stock) is empty` });
    const perUserLimit = optional('perUserLimit', (cell) => parseCount(cell, { unlimited: 1000 }));
    const durationSec = optional('dealDuration', duration('dealDuration', 'sec'));
    const autoFireAtSec = optional('dealAutoFireAt', duration('dealAutoFireAt', 'sec'));
    if (dealPriceFen !== undefined && stock !== undefined) {
      deal = { priceFen: dealPriceFen, stock };
      if (perUserLimit !== undefined) deal.perUserLimit = perUserLimit;
      if (durationSec !== undefined) deal.durationSec = durationSec;
      if (autoFireAtSec !== undefined) deal.autoFireAtSec = autoFireAtSec;
    }
  }

  let coupon: ImportedCoupon | null = null;
  const discountFen = optional('couponDiscount', price('couponDiscount'));
  if (isBlank(cellOf('couponDiscount'))) {
    if (!pending.has('couponDiscount')) orphan(['couponTitle', 'couponThreshold', 'couponQuantity', 'couponLimit', 'couponDuration'], 'couponDiscount');
  } else {
    const quantity = optional('couponQuantity', (cell) => parseCount(cell));
    if (isBlank(cellOf('couponQuantity')))
      problems.push({ code: 'coupon_without_quantity', field: 'couponQuantity', message: `${label('couponDiscount')} is set but ${label('couponQuantity')} (coupon quantity) is empty` });
    const couponTitle = parseText(cellOf('couponTitle'));
    const thresholdFen = optional('couponThreshold', price('couponThreshold'));
    const perUserLimit = optional('couponLimit', (cell) => parseCount(cell));
    const durationSec = optional('couponDuration', duration('couponDuration', 'sec'));
    if (discountFen !== undefined && quantity !== undefined) {
      coupon = { discountFen, quantity };
      if (couponTitle) coupon.title = couponTitle;
      // 0 or blank: no threshold (无门槛).
      if (thresholdFen) coupon.thresholdFen = thresholdFen;
      if (perUserLimit !== undefined) coupon.perUserLimit = perUserLimit;
      if (durationSec !== undefined) coupon.durationSec = durationSec;
    }
  }
  const refuse = (): RowError => ({ row, message: problems.map((p) => p.message).join('; '), issues: problems });
  if (problems.length || !sku || !title || listPriceFen === undefined || plannedSec === undefined) return refuse();

  const result: ImportedRow = { row, sku, title, listPriceFen, plannedSec, sellingPoints, script, deal };
  if (mapping.couponDiscount !== undefined) result.coupon = coupon;
  if (livePriceFen !== undefined) result.livePriceFen = livePriceFen;
  if (floorPriceFen !== undefined) result.floorFen = floorPriceFen;
  if (note) result.note = note;
  if (linkNo !== undefined) result.linkNo = linkNo;
  const checked = [
    productSchema.safeParse({ sku, title, listPriceFen, livePriceFen }),
    runsheetItemInput.safeParse({ sku, plannedSec, sellingPoints, script, livePriceFen, dealPreset: deal, couponPreset: coupon, note, linkNo }),
  ];
  for (const c of checked) {
    if (c.success) continue;
    for (const issue of c.error.issues) {
      const f = fieldOfPath[issue.path.join('.')];
      const message = `${f ? `${label(f)}: ` : ''}${issue.message}`;
      if (problems.some((p) => p.message === message)) continue;
      // Limits get their own codes, so the UI can say them without the schema's English.
      const seconds = f === 'plannedTime' || f === 'dealDuration' || f === 'dealAutoFireAt' || f === 'couponDuration';
      const params: Record<string, string | number> = { detail: issue.message, ...(seconds ? { unit: 'sec' } : {}) };
      let code = 'invalid';
      if (issue.code === 'too_small') {
        code = 'too_small';
        params.min = Number(issue.minimum);
      } else if (issue.code === 'too_big') {
        code = 'too_big';
        params.max = Number(issue.maximum);
      } else if (issue.path.join('.') === 'couponPreset.discountFen') {
        code = 'discount_over_threshold';
      }
      problems.push({ code, ...(f ? { field: f } : {}), params, message });
    }
  }
  if (problems.length) return refuse();
  // The floor this row will be held to: its own, else the catalog's (the studio-wide default is the hub's, not the sheet's).
  const floor = floorPriceFen !== undefined ? floorPriceFen : known ? floorFen(known) : null;
  if (deal && floor !== null && deal.priceFen < floor) {
    warnings.push({
      code: 'deal_under_floor',
      field: 'dealPrice',
      params: { price: fenToYuanString(deal.priceFen), floor: fenToYuanString(floor) },
      message: `${label('dealPrice')} ¥${fenToYuanString(deal.priceFen)} is under the brand floor ¥${fenToYuanString(floor)}: firing it will ask for a confirmed override`,
    });
  }
  if (warnings.length) result.warnings = warnings;
  return result;
}

/**
 * One spreadsheet row per product: a code on two rows that disagree on the product (title or list
 * price) would merge two products into one — the second row's title over the first row's price — so
 * both are refused, each naming the other's row. The same product on two rows (返场, a second slot)
 * is imported twice, with a note naming the other row.
 */
function checkDuplicates(rows: ImportedRow[], errors: RowError[]): ImportedRow[] {
  const bySku = new Map<string, ImportedRow[]>();
  for (const r of rows) bySku.set(r.sku, [...(bySku.get(r.sku) ?? []), r]);
  const refused = new Set<ImportedRow>();
  for (const [sku, group] of bySku) {
    if (group.length < 2) continue;
    const same = group.every((r) => r.title === group[0].title && r.listPriceFen === group[0].listPriceFen);
    for (const r of group) {
      const others = group
        .filter((o) => o !== r)
        .map((o) => o.row)
        .join(', ');
      if (same) {
        (r.warnings ??= []).push({ code: 'repeated_sku', field: 'sku', params: { sku, rows: others }, message: `${sku} is also on row ${others}: the same product in another slot` });
        continue;
      }
      refused.add(r);
      const titles = group
        .filter((o) => o !== r)
        .map((o) => `${o.title} ¥${fenToYuanString(o.listPriceFen)}`)
        .join(', ');
      const issue: RowIssue = {
        code: 'duplicate_sku',
        field: 'sku',
        params: { sku, rows: others, titles },
        message: `商品编码 ${sku} is also on row ${others} (${titles}) for a different product; give each product its own code`,
      };
      errors.push({ row: r.row, message: issue.message, issues: [issue] });
    }
  }
  // Two products behind one 链接号: viewers asking for "7号链接" would be told about either. Flagged on
  // both rows (the same product in two slots may keep its number).
  const byLink = new Map<number, ImportedRow[]>();
  for (const r of rows) if (r.linkNo !== undefined && !refused.has(r)) byLink.set(r.linkNo, [...(byLink.get(r.linkNo) ?? []), r]);
  for (const [linkNo, group] of byLink) {
    if (new Set(group.map((r) => r.sku)).size < 2) continue;
    for (const r of group) {
      const others = group.filter((o) => o.sku !== r.sku);
      const params = { linkNo: String(linkNo), rows: others.map((o) => o.row).join(', '), titles: others.map((o) => o.title).join('、') };
      (r.warnings ??= []).push({ code: 'repeated_link_no', field: 'linkNo', params, message: `link number ${linkNo} is also on row ${params.rows} (${params.titles}), another product` });
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return rows.filter((r) => !refused.has(r));
}

/** Picks the sheet and its header, then reads every row below the header. Pure. */
export function importGrids(grids: readonly Grid[], options: ReadOptions = {}): ReadResult {
  const hasCatalog = (options.catalog?.length ?? 0) > 0;
  const candidates = grids.filter((g) => g.rowCount > 0);
  let chosen: { grid: Grid; band: HeaderBand | null } | undefined;
  if (options.sheet !== undefined) {
    const grid = typeof options.sheet === 'number' ? grids[options.sheet - 1] : grids.find((g) => g.name === options.sheet);
    if (!grid) throw new RunsheetFileError('no_sheet', `There is no sheet ${options.sheet}; the workbook has ${grids.map((g) => `“${g.name}”`).join(', ')}.`);
    chosen = { grid, band: findHeader(grid, options.headerRow) };
  } else {
    for (const grid of candidates) {
      const band = findHeader(grid, options.headerRow);
      if (!chosen || (band?.score ?? -1) > (chosen.band?.score ?? -1)) chosen = { grid, band };
    }
  }
  const empty: ReadResult = { rows: [], errors: [], warnings: [], headerRow: 0, mapping: {}, unmapped: [], missing: requiredFields(hasCatalog), headers: [], sheet: chosen?.grid.name ?? '' };
  if (!chosen?.band) {
    const message = 'The sheet has no header row: it is empty or has fewer than two columns.';
    return { ...empty, errors: [{ row: 0, message, issues: [{ code: 'no_header', message }] }] };
  }
  const { grid, band } = chosen;

  const mapping: ColumnMapping = { ...band.mapping };
  for (const [field, column] of Object.entries(options.mapping ?? {}) as [RunsheetField, number | undefined][]) {
    if (column === undefined) continue;
    for (const f of runsheetFields) if (mapping[f] === column) delete mapping[f];
    mapping[field] = column;
  }
  const textOf = (column: number) => band.headers.find((h) => h.column === column)?.text;
  const labels: SheetContext['labels'] = {};
  const units: SheetContext['units'] = {};
  for (const f of runsheetFields) {
    const column = mapping[f];
    if (column === undefined) continue;
    labels[f] = textOf(column);
    const unit = band.mapping[f] === column ? band.units[f] : recogniseHeader(textOf(column) ?? '')?.unit;
    if (unit) units[f] = unit;
  }
  const usedColumns = new Set(Object.values(mapping));
  const unmapped = band.headers.filter((h) => !usedColumns.has(h.column)).map((h) => h.text);
  const missing = requiredFields(hasCatalog).filter((f) => mapping[f] === undefined);
  const base = { headerRow: band.bottom, mapping, unmapped, missing, headers: band.headers, sheet: grid.name };
  if (missing.length) {
    const names = missing.map((f) => `${fieldLabels[f]} (${fieldNamesEn[f]})`).join(', ');
    const message = `No column for ${names}: rename those headers or map the columns.`;
    return { ...base, rows: [], warnings: [], errors: [{ row: band.bottom, message, issues: [{ code: 'missing_columns', params: { fields: missing.join(',') }, message }] }] };
  }

  const ctx: SheetContext = { grid, mapping, units, labels, catalog: new Map((options.catalog ?? []).map((p) => [p.sku, p])) };
  const rows: ImportedRow[] = [];
  const errors: RowError[] = [];
  for (let r = band.bottom + 1; r <= grid.rowCount; r++) {
    const result = readRow(ctx, r);
    if (!result) continue;
    if ('message' in result) errors.push(result);
    else rows.push(result);
    // More rows than a run-sheet holds: stop reading, the file is refused whole (bounds.ts).
    if (rows.length > MAX_RUNSHEET_ROWS)
      throw new RunsheetFileError('too_many_rows', `${grid.rowCount - band.bottom} run-sheet rows is more than the ${MAX_RUNSHEET_ROWS} a run-sheet may hold; split the show or remove rows.`);
  }
  const kept = checkDuplicates(rows, errors);
  const warnings = kept.flatMap((r) => (r.warnings ?? []).map((w) => ({ row: r.row, ...w })));
  return { ...base, rows: kept, errors, warnings };
}

/** Which reader a file needs, from its name or its first bytes. */
function detectFormat(bytes: Uint8Array, name?: string): 'xlsx' | 'csv' {
  const ext = name ? path.extname(name).toLowerCase() : '';
  const magic = (...b: number[]) => b.every((v, i) => bytes[i] === v);
  if (ext === '.xls' || magic(0xd0, 0xcf, 0x11, 0xe0)) {
    throw new RunsheetFileError('unsupported_format', `${name ?? 'This file'} is an old Excel 97–2003 (.xls) workbook; open it in Excel or WPS and save it as .xlsx or CSV.`);
  }
  if (['.xlsx', '.xlsm'].includes(ext)) return 'xlsx';
  if (['.csv', '.tsv', '.txt'].includes(ext)) return 'csv';
  return magic(0x50, 0x4b, 0x03, 0x04) ? 'xlsx' : 'csv';
}

/**
 * Reads a run-sheet from an .xlsx or .csv file (a path or its bytes). Good rows come back ready to
 * apply; bad rows come back as `{row, message}`; blank rows, totals and banner rows are skipped.
 * Throws {@link RunsheetFileError} only when the file as a whole cannot be read.
 */
export async function readRunsheetFile(file: string | Uint8Array, options: ReadOptions = {}): Promise<ReadResult> {
  const name = typeof file === 'string' ? file : undefined;
  let bytes: Uint8Array;
  try {
    bytes = typeof file === 'string' ? await fs.readFile(file) : file;
  } catch (err) {
    throw new RunsheetFileError('unreadable', `Could not open ${file as string}: ${(err as Error).message}`);
  }
  const format = options.format ?? detectFormat(bytes, name);
  if (format === 'csv') return importGrids([loadCsv(bytes, name ? path.basename(name) : 'CSV')], options);
  let grids;
  try {
    grids = await loadXlsx(bytes);
  } catch (err) {
    throw new RunsheetFileError('unreadable', `${name ?? 'The file'} is not a readable .xlsx workbook (${(err as Error).message}).`);
  }
  if (grids.length === 0) throw new RunsheetFileError('no_sheet', `${name ?? 'The workbook'} has no worksheets.`);
  return importGrids(grids, options);
}
