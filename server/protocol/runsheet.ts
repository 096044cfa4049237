/**
 * The run-sheet (排品表) file import as the hub answers it over HTTP: what `POST /api/runsheet/preview`
 * reads from a file and what `POST /api/runsheet/import` did. Declared once here: server/runsheet/read.ts
 * produces these shapes, the import dialog shows them. Type-only.
 */
import type { ColumnMapping, RunsheetField } from '../runsheet/fields.js';

/** A deal preset read from a row: the 秒杀 columns. Absent limits and durations take the preset defaults. */
export interface ImportedDeal {
  priceFen: number;
  stock: number;
  perUserLimit?: number;
  durationSec?: number;
  autoFireAtSec?: number;
}

/** A coupon preset read from a row: the 优惠券 columns. Absent limit and duration take the preset defaults. */
export interface ImportedCoupon {
  discountFen: number;
  quantity: number;
  title?: string;
  thresholdFen?: number;
  perUserLimit?: number;
  durationSec?: number;
}

/**
 * Why a row was refused, or what was assumed in importing it: a code for programs and for the UI's
 * own words (i18n `import.issue.<code>`, with `field` and `params` filled in), and `message`, the
 * English sentence the CLI prints.
 */
export interface RowIssue {
  code: string;
  /** The column the issue is about. */
  field?: RunsheetField;
  /** Values the sentence names: `value` (the cell as typed), `sku`, `rows` ("3, 7"), `fields`, `floor`, `price`. */
  params?: Record<string, string | number>;
  message: string;
}

/** One good row of a run-sheet, ready to be applied to the catalog and the run-sheet. */
export interface ImportedRow {
  /** The row number the spreadsheet shows (1-based). */
  row: number;
  sku: string;
  title: string;
  listPriceFen: number;
  livePriceFen?: number;
  plannedSec: number;
  sellingPoints: string;
  script: string;
  deal: ImportedDeal | null;
  /** Absent where the sheet has no coupon columns (older sheets): the same as none. */
  coupon?: ImportedCoupon | null;
  /** The brand's floor for this product (品牌底价), in fen. */
  floorFen?: number;
  /** 备注: the producer's remark for this slot, shown on the item card and the prompter. */
  note?: string;
  /** 链接号 (小黄车序号): the item's number in the shopping bag. */
  linkNo?: number;
  /** What was assumed to import the row (a generated code, a price left 待定, a deal under the floor …). */
  warnings?: RowIssue[];
}

/** A row that was not imported, and why: one sentence, and each reason with its code. */
export interface RowError {
  row: number;
  message: string;
  issues: RowIssue[];
}

/** What reading a run-sheet file found: `POST /api/runsheet/preview`'s answer, and what an import applies. */
export interface RunsheetPreview {
  rows: ImportedRow[];
  errors: RowError[];
  /** Every good row's warnings, with its row number: what the preview flags and the CLI prints. */
  warnings: (RowIssue & { row: number })[];
  /** The (last) row of the header; data starts below it. 0 when the sheet is empty. */
  headerRow: number;
  mapping: ColumnMapping;
  /** Header texts that name no field: what a mapping UI offers to the user. */
  unmapped: string[];
  /** Required fields with no column; when any, no row is read. */
  missing: RunsheetField[];
  /** Every non-empty header cell, by column: the choices a mapping UI shows. */
  headers: { column: number; text: string }[];
  sheet: string;
}

/** What applying imported rows changed in the catalog and the run-sheet. */
export interface RunsheetApplied {
  /** Run-sheet items written. */
  items: number;
  /** Run-sheet items removed by `replace`. */
  removed: number;
  productsCreated: number;
  productsUpdated: number;
  /** Demo products a replace import took out of the picker because the new sheet does not list them. */
  productsArchived: number;
}

/** What `POST /api/runsheet/import` answers when it worked: what changed, and the rows left out. */
export type RunsheetImported = { ok: true } & RunsheetApplied & { errors: RowError[] };
