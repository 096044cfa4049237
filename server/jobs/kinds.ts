/**
 * The jobs the hub hands to its worker threads, by name: what each takes and what it answers. Inputs
 * and outputs are plain data (structured-clonable); a job's refusals travel as `{code, message}`.
 */
import type { Product, RunsheetItem } from '../protocol/index.js';
import type { ReadOptions, ReadResult } from '../runsheet/index.js';
import type { ReportSource } from '../recap/runner.js';
import type { RecapLang } from '../recap/workbook.js';

/** A report for an export: its text, or where to read it (see `RecapRunner.reportSource`). */
export type ReportInput = { reportJson: string } | { source: ReportSource };

export interface Jobs {
  /** A run-sheet file read (bounds checked first): what preview and import show. */
  'runsheet.read': { input: { bytes: Uint8Array; options: ReadOptions }; output: ReadResult };
  /** The run-sheet as an .xlsx or .csv file. */
  'runsheet.render': { input: { items: RunsheetItem[]; catalog: Product[]; format: 'xlsx' | 'csv' }; output: Uint8Array };
  /**
   * A recap's workbook, from the report as JSON text, or from where the worker reads it itself (the
   * hub's thread then never reads, copies or parses a big show's report).
   */
  'recap.xlsx': { input: ReportInput & { lang?: RecapLang }; output: Uint8Array };
  /** One of the recap's tables as CSV (null: no such table). */
  'recap.csv': { input: ReportInput & { lang?: RecapLang; table: number }; output: string | null };
  /** The period report's workbook, from its JSON text. */
  'period.xlsx': { input: { reportJson: string; lang: 'zh-CN' | 'en' }; output: Uint8Array };
  /** One of the period report's tables as CSV (null: no such table). */
  'period.csv': { input: { reportJson: string; lang: 'zh-CN' | 'en'; table: number }; output: string | null };
}

export type JobKind = keyof Jobs;
export type JobInput<K extends JobKind> = Jobs[K]['input'];
export type JobOutput<K extends JobKind> = Jobs[K]['output'];
