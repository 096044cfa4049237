/**
 * Writing the run-sheet as a studio's 排品表: one header row with the Chinese headers the reader
 * recognises, money as yuan (numbers with a ¥ format in xlsx, exact decimals in CSV), slot length in
 * minutes, deal and coupon timings in seconds — so export, edit in Excel, import gives back the same items.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import type { Product, RunsheetItem } from '../protocol/index.js';
import { joinRunsheet, type ListedItem } from './apply.js';
import { csvField, formatCsv } from '../output/csv.js';
import type { RunsheetField } from './fields.js';
import { fenToYuanString } from './values.js';

export const YUAN_FORMAT = '"¥"#,##0.00';

type Kind = 'text' | 'longText' | 'yuan' | 'minutes' | 'count' | 'seconds';

/** The export's columns, in order. Each header is one the reader recognises, with its unit. */
export const exportColumns: readonly { field: RunsheetField; header: string; kind: Kind; width: number }[] = [
  { field: 'sku', header: '商品编码', kind: 'text', width: 16 },
  { field: 'title', header: '商品名称', kind: 'text', width: 28 },
  { field: 'listPrice', header: '原价(元)', kind: 'yuan', width: 12 },
  { field: 'livePrice', header: '直播价(元)', kind: 'yuan', width: 12 },
  { field: 'plannedTime', header: '讲解时长(分钟)', kind: 'minutes', width: 14 },
  { field: 'sellingPoints', header: '卖点', kind: 'longText', width: 40 },
  { field: 'script', header: '话术', kind: 'longText', width: 60 },
  { field: 'dealPrice', header: '秒杀价(元)', kind: 'yuan', width: 12 },
  { field: 'dealStock', header: '秒杀库存', kind: 'count', width: 10 },
  { field: 'perUserLimit', header: '限购', kind: 'count', width: 8 },
  { field: 'dealDuration', header: '秒杀时长(秒)', kind: 'seconds', width: 13 },
  { field: 'dealAutoFireAt', header: '开秒时间(秒)', kind: 'seconds', width: 13 },
  { field: 'couponTitle', header: '优惠券名称', kind: 'text', width: 14 },
  { field: 'couponThreshold', header: '券门槛(元)', kind: 'yuan', width: 11 },
  { field: 'couponDiscount', header: '券面额(元)', kind: 'yuan', width: 11 },
  { field: 'couponQuantity', header: '发券张数', kind: 'count', width: 10 },
  { field: 'couponLimit', header: '每人限领', kind: 'count', width: 9 },
  { field: 'couponDuration', header: '发券时长(秒)', kind: 'seconds', width: 13 },
  { field: 'floorPrice', header: '品牌底价(元)', kind: 'yuan', width: 12 },
  { field: 'note', header: '备注', kind: 'longText', width: 30 },
  { field: 'linkNo', header: '链接号', kind: 'count', width: 8 },
];

/** A listed item's value for a column: fen, seconds and counts as integers, text as text, null when absent. */
function valueOf(item: ListedItem, field: RunsheetField): string | number | null {
  switch (field) {
    case 'sku':
      return item.sku;
    case 'title':
      return item.title;
    case 'listPrice':
      return item.listPriceFen;
    case 'livePrice':
      return item.livePriceFen;
    case 'plannedTime':
      return item.plannedSec;
    case 'sellingPoints':
      return item.sellingPoints;
    case 'script':
      return item.script;
    case 'dealPrice':
      return item.deal?.priceFen ?? null;
    case 'dealStock':
      return item.deal?.stock ?? null;
    case 'perUserLimit':
      return item.deal?.perUserLimit ?? null;
    case 'dealDuration':
      return item.deal?.durationSec ?? null;
    case 'dealAutoFireAt':
      return item.deal?.autoFireAtSec ?? null;
    case 'couponTitle':
      return item.coupon?.title ?? null;
    case 'couponThreshold':
      return item.coupon?.thresholdFen ?? null;
    case 'couponDiscount':
      return item.coupon?.discountFen ?? null;
    case 'couponQuantity':
      return item.coupon?.quantity ?? null;
    case 'couponLimit':
      return item.coupon?.perUserLimit ?? null;
    case 'couponDuration':
      return item.coupon?.durationSec ?? null;
    case 'floorPrice':
      return item.floorFen;
    case 'note':
      return item.note || null;
    case 'linkNo':
      return item.linkNo;
  }
}

/** The run-sheet as an exceljs workbook with one sheet, 排品表. */
export async function runsheetWorkbook(listed: readonly ListedItem[]): Promise<ExcelJS.Workbook> {
  // Loaded on first use: exceljs takes longer to load than the rest of the hub together.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'LiveDeck';
  const ws = wb.addWorksheet('排品表', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = exportColumns.map((c) => ({
    header: c.header,
    width: c.width,
    style: c.kind === 'yuan' ? { numFmt: YUAN_FORMAT } : c.kind === 'longText' ? { alignment: { wrapText: true, vertical: 'top' } } : {},
  }));
  ws.getRow(1).font = { bold: true };
  for (const item of listed) {
    ws.addRow(
      exportColumns.map(({ field, kind }) => {
        const v = valueOf(item, field);
        if (v === null || kind === 'text' || kind === 'longText' || kind === 'count' || kind === 'seconds') return v;
        // A float here is fine: fen / 100 and seconds / 60 read back to the same integer (see values.ts).
        return kind === 'yuan' ? (v as number) / 100 : (v as number) / 60;
      }),
    );
  }
  return wb;
}

/** The run-sheet as CSV rows (header first): yuan as exact decimals computed on integers. */
export function runsheetCsvRows(listed: readonly ListedItem[]): string[][] {
  return [
    exportColumns.map((c) => csvField(c.header)),
    ...listed.map((item) =>
      exportColumns.map(({ field, kind }) => {
        const v = valueOf(item, field);
        if (v === null) return '';
        if (kind === 'yuan') return csvField(fenToYuanString(v as number), { text: false });
        if (kind === 'minutes') return csvField(String((v as number) / 60), { text: false });
        return csvField(v, { text: kind === 'text' || kind === 'longText' });
      }),
    ),
  ];
}

export type RunsheetFormat = 'xlsx' | 'csv';

/** The format a file name asks for, or null. */
export function formatOfFile(file: string): RunsheetFormat | null {
  const ext = path.extname(file).toLowerCase();
  return ext === '.xlsx' ? 'xlsx' : ext === '.csv' ? 'csv' : null;
}

/** The run-sheet file's bytes, for a download or a save dialog. */
export async function renderRunsheet(items: readonly RunsheetItem[], catalog: readonly Product[], format: RunsheetFormat): Promise<Buffer> {
  const listed = joinRunsheet(items, catalog);
  if (format === 'csv') return Buffer.from(formatCsv(runsheetCsvRows(listed)), 'utf8');
  return Buffer.from(await (await runsheetWorkbook(listed)).xlsx.writeBuffer());
}

/** Writes the run-sheet to `file` as xlsx or CSV (default: from the extension). Returns the rows written. */
export async function writeRunsheetFile(
  items: readonly RunsheetItem[],
  catalog: readonly Product[],
  file: string,
  format: RunsheetFormat | undefined = formatOfFile(file) ?? undefined,
): Promise<number> {
  if (!format) throw new Error(`Cannot tell the format of ${file}; name it .xlsx or .csv.`);
  const bytes = await renderRunsheet(items, catalog, format);
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.writeFile(file, bytes);
  return items.length;
}
