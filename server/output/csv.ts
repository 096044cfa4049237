/**
 * CSV as LiveDeck writes it, the one home of its formula guard. Every CSV the hub hands out — the
 * run-sheet, the recap's tables, the period report's — goes through {@link csvField}: nicknames,
 * comments and titles come from the public and from brands, and Excel or WPS runs a cell that starts
 * with `=`, `+`, `-` or `@` as a formula (a leading tab or CR is read the same way once trimmed).
 */

/**
 * Text that a spreadsheet would take for a formula, or that starts with apostrophes before one (so
 * text that already began with `'=` still reads back as written: it gets one apostrophe more).
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** Text prefixed with an apostrophe when it starts like a formula, so Excel shows it as text. */
export const guardFormula = (s: string): string => (FORMULA_START.test(s) ? `'${s}` : s);

/** Removes the apostrophe {@link guardFormula} puts before formula-like text (the run-sheet reader does). */
export const unguardFormula = (s: string): string => (/^''*[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

/**
 * A field as CSV: quoted when it holds a delimiter, quote or line break. Text (`text: true`, and any
 * string unless `text: false` says it is a number written as text) is guarded against formulas.
 */
export function csvField(v: string | number | null | undefined, options: { text?: boolean } = {}): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && options.text !== false) s = guardFormula(s);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV with a BOM and CRLF, as Excel expects for Chinese text. */
export function formatCsv(rows: string[][]): string {
  return `\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}
