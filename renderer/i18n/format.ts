/**
 * The one place numbers become text: money from integer fen with ¥, counts, percentages and
 * durations, in the UI's locale. Screens never divide by 100 themselves.
 */
export type AppLocale = 'zh-CN' | 'en';

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: AppLocale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

export interface MoneyOptions {
  /** 1.2万 / 12K for big numbers on tight tiles and the wall screen. */
  compact?: boolean;
  /** Show fen (two decimals); default: only when the amount has them. */
  cents?: boolean;
}

/** ¥ and the amount in yuan, e.g. `¥12,345.60`, `¥1.23万` (zh-CN compact) or `¥12.3K` (en compact). */
export function formatMoney(fen: number, locale: AppLocale, options: MoneyOptions = {}): string {
  const yuan = fen / 100;
  if (options.compact && Math.abs(yuan) >= 10_000) {
    return `¥${nf(locale, { notation: 'compact', maximumFractionDigits: 2 }).format(yuan)}`;
  }
  const cents = options.cents ?? !Number.isInteger(yuan);
  return `¥${nf(locale, { minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0 }).format(yuan)}`;
}

/** A count with grouping, e.g. `12,345` or compact `1.2万` / `12.3K`. */
export function formatCount(n: number, locale: AppLocale, compact = false): string {
  if (compact && Math.abs(n) >= 10_000) return nf(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
  return nf(locale, { maximumFractionDigits: 0 }).format(n);
}

/** A fraction as a percentage: 0.034 → `3.4%`. */
export function formatPercent(fraction: number, locale: AppLocale, digits = 1): string {
  return nf(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction);
}

/** Seconds as `m:ss` or `h:mm:ss`; `signed` prefixes + or −. */
export function formatDuration(totalSec: number, signed = false): string {
  const sign = totalSec < 0 ? '−' : signed ? '+' : '';
  const s = Math.floor(Math.abs(totalSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}` : `${sign}${m}:${ss}`;
}

/**
 * Formatters by locale and options, made once: `toLocaleTimeString` with options builds a new
 * `Intl.DateTimeFormat` on every call, which the control room did for every card on every tick.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: AppLocale, kind: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${kind}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

/** Wall-clock time, 24 h: `20:15:07` (or `20:15` without seconds). */
export function formatClock(ms: number, locale: AppLocale, seconds = true): string {
  const options: Intl.DateTimeFormatOptions = { hour12: false, hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) };
  return dateFormat(locale, seconds ? 'clock-s' : 'clock', options).format(ms);
}

/** Date and time for lists: `2025/11/23 20:15`. */
export function formatDateTime(ms: number, locale: AppLocale): string {
  return dateFormat(locale, 'date-time', { hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(ms);
}
