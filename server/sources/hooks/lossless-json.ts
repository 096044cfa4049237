/**
 * JSON for Chinese shop platforms, whose order, product and sku ids are 64-bit integers sent as bare
 * JSON numbers (微信小店 `"order_id": 3705115058471208928`, 抖店 `"p_id": 4781320682406083640`).
 * `JSON.parse` would round them to the nearest double and silently name another order; here every
 * integer literal past Number.MAX_SAFE_INTEGER becomes its digit string before parsing, so ids stay
 * exact. Amounts and counts are small and stay numbers.
 */

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses JSON text; integers beyond ±2^53 − 1 come back as strings of their digits. */
export function parseJsonLossless(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(quoteUnsafeIntegers(text)) };
  } catch (err) {
    return { ok: false, message: `not JSON (${(err as Error).message.slice(0, 80)})` };
  }
}

/** Wraps every unsafe integer literal outside strings in quotes; leaves everything else byte for byte. */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string, escapes included.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) i++;
        else break;
      }
      const literal = text.slice(start, i);
      if (/^-?\d{16,}$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
        out += `${text.slice(last, start)}"${literal}"`;
        last = i;
      }
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * An id as text: a non-empty string as is, a safe integer in decimal; anything else (a float, an
 * object, a rounded unsafe number that slipped past the parser) is no id at all.
 */
export function idText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const t = value.trim();
    return t === '' ? undefined : t;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** A whole, non-negative count or time sent as a number or a digit string; undefined otherwise. */
export function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** A plain object (not an array, not null), else undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
