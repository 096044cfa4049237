/**
 * Shop amounts arrive as decimal strings ("49.90", "1,299.00") or, for some platforms, as integer
 * fen. They become integer fen exactly, never through a float (DESIGN §11).
 */

import { MAX_LINE_FEN } from '../protocol/index.js';

export type FenResult = { ok: true; fen: number } | { ok: false; code: 'bad_amount'; message: string };

/** "49.9" → 4990; "1,299.00" → 129900; "0.005" is refused (no fraction of a fen); negatives refused. */
export function decimalToFen(value: unknown): FenResult {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim().replace(/,/g, '') : null;
  const m = text === null ? null : /^(\d{1,12})(?:\.(\d{0,2})0*)?$/.exec(text);
  if (!m) return { ok: false, code: 'bad_amount', message: `amount ${JSON.stringify(String(value).slice(0, 24))} is not a non-negative decimal with at most two places` };
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (fen > MAX_LINE_FEN) return { ok: false, code: 'bad_amount', message: `amount ${text} is over ¥${MAX_LINE_FEN / 100}` };
  return { ok: true, fen };
}

/** An integer count of fen sent as a number or a digit string (抖店, 有赞, 微信小店 send fen). */
export function integerFen(value: unknown): FenResult {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : null;
  if (text === null || !/^\d{1,12}$/.test(text)) return { ok: false, code: 'bad_amount', message: `amount ${JSON.stringify(String(value).slice(0, 24))} is not a whole number of fen` };
  const fen = Number(text);
  if (fen > MAX_LINE_FEN) return { ok: false, code: 'bad_amount', message: `amount ${fen} fen is over ¥${MAX_LINE_FEN / 100}` };
  return { ok: true, fen };
}
