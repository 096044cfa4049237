/**
 * Cell values to LiveDeck values: yuan to integer fen without float drift, lengths of time to whole
 * seconds, counts to integers. Each parser answers a value or a sentence saying what is wrong.
 */
import { normaliseSku } from '../rules/sku.js';

/** A cell as read from a sheet: the raw value, and the number format when the sheet has one. */
export interface CellInput {
  value: string | number | boolean | Date | null;
  numFmt?: string;
}

/**
 * Why a cell could not be read, for programs and for the UI's own words (i18n keys `import.issue.<code>`);
 * `reason` is the English sentence the CLI prints.
 */
export type CellProblemCode = 'negative' | 'fen_fraction' | 'not_price' | 'not_whole_fen' | 'not_duration' | 'date_not_duration' | 'not_count' | 'too_large' | 'sku_lost_digits' | 'sku_became_date';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string; code: CellProblemCode };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string, code: CellProblemCode): Parsed<never> => ({ ok: false, reason, code });

/** Shows a cell in an error sentence the way a person typed it. */
export function quote(value: CellInput['value']): string {
  if (value instanceof Date) return `“${value.toISOString()}”`;
  return `“${String(value)}”`;
}

/**
 * A decimal string ("1299.00", "129.9", "99") as an integer count of hundredths, exactly, by reading
 * the digits — never by multiplying a float. Null when it has non-zero digits past the second decimal.
 */
export function decimalToHundredths(digits: string): number | null {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(digits);
  if (!m || (m[1] === '' && !m[2])) return null;
  const whole = m[1] || '0';
  const frac = m[2] ?? '';
  if (/[1-9]/.test(frac.slice(2))) return null;
  const n = Number(whole) * 100 + Number(frac.slice(0, 2).padEnd(2, '0'));
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * A number cell in yuan as fen. A float such as 19.99 or 0.1 + 0.2 lies within a hair of a whole fen;
 * anything further from one really has fractions of a fen and is refused rather than rounded.
 */
export function numberToFen(yuan: number): number | null {
  if (!Number.isFinite(yuan)) return null;
  const fen = Math.round(yuan * 100);
  // A double's error is ~1e-16 of the value; 1e-12 of it (at least 1e-6 fen) is far above that and far
  // below a real third decimal (0.1 fen) at any price a studio sells at.
  if (Math.abs(yuan * 100 - fen) > Math.max(1e-6, Math.abs(fen) * 1e-12)) return null;
  return Number.isSafeInteger(fen) ? fen : null;
}

const PRICE_HINT = 'write yuan like 129.9 or ¥1,299.00';

/**
 * A price cell as integer fen. Text may carry ¥/￥/RMB/元, thousands commas and full-width digits.
 * `unit: 'fen'` reads the number as fen already (a header like "原价(分)").
 */
export function parsePriceFen(cell: CellInput, unit?: 'yuan' | 'fen'): Parsed<number> {
  const { value } = cell;
  if (typeof value === 'number') {
    if (value < 0) return bad(`${quote(value)} is negative`, 'negative');
    if (unit === 'fen') return Number.isSafeInteger(value) ? ok(value) : bad(`${quote(value)} is not a whole number of fen`, 'not_whole_fen');
    const fen = numberToFen(value);
    return fen === null ? bad(`${quote(value)} has fractions of a fen; round it to 2 decimals`, 'fen_fraction') : ok(fen);
  }
  if (typeof value !== 'string') return bad(`${quote(value)} is not a price; ${PRICE_HINT}`, 'not_price');
  const s = value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/^(¥|rmb|cny)/, '')
    .replace(/(元|yuan|rmb)$/, '');
  const plain = /^\d{1,3}(,\d{3})+(\.\d*)?$/.test(s) ? s.replace(/,/g, '') : s;
  if (unit === 'fen') return /^\d+$/.test(plain) && Number.isSafeInteger(Number(plain)) ? ok(Number(plain)) : bad(`${quote(value)} is not a whole number of fen`, 'not_whole_fen');
  if (/^-/.test(plain)) return bad(`${quote(value)} is negative`, 'negative');
  const fen = decimalToHundredths(plain);
  if (fen !== null) return ok(fen);
  if (/^\d*\.\d{3,}$/.test(plain)) return bad(`${quote(value)} has fractions of a fen; round it to 2 decimals`, 'fen_fraction');
  return bad(`${quote(value)} is not a price; ${PRICE_HINT}`, 'not_price');
}

/** Excel's day zero: times of day are fractions of a day counted from it. */
const excelEpochMs = (date1904: boolean) => (date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30));
const DAY_SEC = 86_400;

/** A number format that shows a time of day or a duration ("hh:mm:ss", "[m]:ss", "mm:ss"). */
export const isTimeFormat = (numFmt: string | undefined): boolean => !!numFmt && /(^|[^a-z"\\])(\[?h+\]?:m|\[?m+\]?:s)/i.test(numFmt.replace(/"[^"]*"/g, ''));

const UNIT_SEC = { sec: 1, min: 60, hour: 3600 } as const;
type TimeUnit = keyof typeof UNIT_SEC;
const TIME_WORDS: [RegExp, TimeUnit][] = [
  [/^(秒钟|秒|s|sec|secs|second|seconds)$/, 'sec'],
  [/^(分钟|分|min|mins|minute|minutes|m)$/, 'min'],
  [/^(小时|时|h|hr|hrs|hour|hours)$/, 'hour'],
];
const timeUnit = (word: string): TimeUnit | undefined => TIME_WORDS.find(([re]) => re.test(word))?.[1];
/** One number and its unit word; longer words first so "min" is not read as "m". */
const TIME_TOKEN = /(\d+(?:\.\d+)?|\.\d+)(小时|分钟|秒钟|hours|hour|hrs|hr|minutes|minute|mins|min|seconds|second|secs|sec|时|分|秒|h|m|s)?/y;
const SMALLER: Record<TimeUnit, TimeUnit | undefined> = { hour: 'min', min: 'sec', sec: undefined };

/** "4分30秒", "1h5m", "4分30" (the last number one unit below the one before it) as seconds, or null. */
function compoundSec(s: string, defaultUnit: TimeUnit): number | null {
  TIME_TOKEN.lastIndex = 0;
  let total = 0;
  let previous: TimeUnit | undefined;
  let count = 0;
  while (TIME_TOKEN.lastIndex < s.length) {
    const m = TIME_TOKEN.exec(s);
    if (!m) return null;
    const unit = m[2] ? timeUnit(m[2]) : count === 0 ? defaultUnit : previous && SMALLER[previous];
    if (!unit || (!m[2] && TIME_TOKEN.lastIndex < s.length)) return null;
    total += Number(m[1]) * UNIT_SEC[unit];
    previous = unit;
    count++;
  }
  return count ? total : null;
}

/**
 * A length of time as whole seconds. Accepts `5`, `4.5`, `5分钟`, `5 分`, `5min`, `300秒`, `300s`,
 * `1小时`, `4分30秒`, `4m30s`, `4分30`, `05:00` (m:ss), `00:05:00` (h:mm:ss), a time range
 * `20:00-20:10`, and Excel time cells. A bare number is in `defaultUnit`.
 */
export function parseDurationSec(cell: CellInput, defaultUnit: TimeUnit, options: { date1904?: boolean } = {}): Parsed<number> {
  const { value } = cell;
  const hint = 'write minutes like 5, 4.5, 5分钟, 05:00 or seconds like 300秒';
  const notTime = () => bad(`${quote(value)} is not a length of time; ${hint}`, 'not_duration');
  if (value instanceof Date) {
    const sec = Math.round((value.getTime() - excelEpochMs(!!options.date1904)) / 1000);
    if (sec < 0 || sec >= DAY_SEC) return bad(`${quote(value)} is a date, not a length of time`, 'date_not_duration');
    return ok(sec);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return notTime();
    // Float minutes (4.833333333333333) land within a hair of a whole second; rounding is the intent.
    return ok(Math.round(value * (isTimeFormat(cell.numFmt) ? DAY_SEC : UNIT_SEC[defaultUnit])));
  }
  if (typeof value !== 'string') return notTime();
  const s = value.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const clock = /^(\d+):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?$/.exec(s);
  if (clock) {
    const [, a, b, c] = clock;
    if (Number(b) >= 60 || (c !== undefined && Number(c) >= 60)) return notTime();
    return ok(c === undefined ? Number(a) * 60 + Number(b) : Number(a) * 3600 + Number(b) * 60 + Number(c));
  }
  const range = /^(\d{1,2}):(\d{2})(?::\d{2})?[-~–—至到](\d{1,2}):(\d{2})(?::\d{2})?$/.exec(s);
  if (range) {
    const from = Number(range[1]) * 60 + Number(range[2]);
    const to = Number(range[3]) * 60 + Number(range[4]);
    return ok(((((to - from) % 1440) + 1440) % 1440) * 60);
  }
  const sec = compoundSec(s, defaultUnit);
  return sec === null ? notTime() : ok(Math.round(sec));
}

/** Words meaning "no per-user limit". */
const UNLIMITED = /^(不限|不限购|无|无限|无限制|unlimited|none|nolimit)$/;

/** A whole count (stock, limit): 300, "300", "300件", "1,000". `unlimited` is what 不限 means, if allowed. */
export function parseCount(cell: CellInput, options: { unlimited?: number } = {}): Parsed<number> {
  const { value } = cell;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? ok(value) : bad(`${quote(value)} is not a whole number`, 'not_count');
  if (typeof value !== 'string') return bad(`${quote(value)} is not a whole number`, 'not_count');
  const s = value.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  if (options.unlimited !== undefined && UNLIMITED.test(s)) return ok(options.unlimited);
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(件|个|份|单|盒|瓶|套|支|袋|pcs|units?)?$/.exec(s);
  if (!m) return bad(`${quote(value)} is not a whole number`, 'not_count');
  const n = Number(m[1].replace(/,/g, ''));
  return Number.isSafeInteger(n) ? ok(n) : bad(`${quote(value)} is too large`, 'too_large');
}

/** A 链接号 cell: 7, "7", "07", "#7", "7号", "7号链接", "No.7". Range is the protocol's (1–999). */
export function parseLinkNo(cell: CellInput): Parsed<number> {
  const { value } = cell;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? ok(value) : bad(`${quote(value)} is not a whole number`, 'not_count');
  if (typeof value !== 'string') return bad(`${quote(value)} is not a whole number`, 'not_count');
  const m = /^(?:#|no\.?)?(\d{1,6})(?:号链接|号|链接)?$/.exec(value.normalize('NFKC').toLowerCase().replace(/\s+/g, ''));
  return m ? ok(Number(m[1])) : bad(`${quote(value)} is not a whole number`, 'not_count');
}

/** A SKU cell as text. A long number Excel already rounded (1.23E+19) cannot be trusted. */
export function parseSku(cell: CellInput): Parsed<string> {
  const { value } = cell;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return bad(`${quote(value)} lost digits in the spreadsheet; format the SKU column as text`, 'sku_lost_digits');
    return ok(String(value));
  }
  if (value instanceof Date) return bad(`${quote(value)} was turned into a date by the spreadsheet; format the SKU column as text`, 'sku_became_date');
  return ok(normaliseSku(String(value ?? '')));
}

/** A text cell (title, selling points, script): line breaks as \n, outer spaces trimmed. */
export function parseText(cell: CellInput): string {
  const { value } = cell;
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value).replace(/\r\n?/g, '\n').trim();
}

/** Fen as the yuan string a CSV carries: 12990 → "129.90", computed on integers. */
export function fenToYuanString(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
