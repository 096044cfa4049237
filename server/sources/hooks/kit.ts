/**
 * What the webhook adapters share: stored payloads read keeping 64-bit ids exact (lossless-json.ts,
 * the one reader), signature comparison in constant time, the buyer id rule, note attributes and
 * answers. No I/O.
 */
import crypto from 'node:crypto';
import type { HookAnswer, MapContext, MapResult } from '../types.js';
import { idText as losslessIdText, parseJsonLossless } from './lossless-json.js';

/** A stable hash of a body, as the delivery id of a platform that sends none. */
export const bodyHash = (body: Buffer | string): string => `sha256:${crypto.createHash('sha256').update(body).digest('hex').slice(0, 32)}`;

/** Base64 HMAC-SHA256 signatures compared in constant time (length mismatches are simply false). */
export function base64HmacMatches(secret: string, body: Buffer, given: string | undefined): boolean {
  if (!given) return false;
  const expected = crypto.createHmac('sha256', secret).update(body).digest();
  const got = Buffer.from(given.trim(), 'base64');
  return got.length === expected.length && crypto.timingSafeEqual(got, expected);
}

/** Hex digests compared in constant time, case-insensitively. */
export function hexMatches(expectedHex: string, given: string | undefined): boolean {
  if (!given || !/^[0-9a-fA-F]+$/.test(given.trim())) return false;
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(given.trim().toLowerCase(), 'hex');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** A buyer: the platform's customer id, else a hash of the email or phone (never the raw value), else null. */
export function buyerId(customerId: unknown, contact: unknown): string | null {
  if ((typeof customerId === 'string' && customerId !== '' && customerId !== '0') || (typeof customerId === 'number' && customerId > 0)) return String(customerId);
  if (typeof contact === 'string' && contact.trim()) return `h:${crypto.createHash('sha256').update(contact.trim().toLowerCase()).digest('hex').slice(0, 20)}`;
  return null;
}

/** A `livedeck_deal` / `livedeck_promoter` value from name/value pairs ({name, value} or {key, value}). */
export function attribute(pairs: unknown, name: string): string | undefined {
  if (!Array.isArray(pairs)) return undefined;
  for (const p of pairs) {
    if (!p || typeof p !== 'object') continue;
    const o = p as Record<string, unknown>;
    if ((o.name ?? o.key) === name && (typeof o.value === 'string' || typeof o.value === 'number')) {
      const v = String(o.value).trim();
      if (v) return v.slice(0, 128);
    }
  }
  return undefined;
}

/** An id as text (lossless-json's rule), at most 64 characters; null for anything else (a malformed payload). */
export function idText(v: unknown): string | null {
  const id = losslessIdText(v);
  return id !== undefined && id.length <= 64 ? id : null;
}

/** An ISO time (or epoch seconds / ms) to epoch ms, or null. */
export function timeMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string' && v.trim()) {
    if (/^\d{9,13}$/.test(v.trim())) return timeMs(Number(v.trim()));
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

/** The catalog sku of a line, else the line's own sku, else `<productId>:<variantId>` (DESIGN §11). */
export function lineSku(ctx: MapContext, line: { sku?: string | null; productId?: string | null; variantId?: string | null }): string | null {
  const sku = line.sku?.trim() || undefined;
  const productId = line.productId ?? undefined;
  const variantId = line.variantId ?? undefined;
  const matched = ctx.skuFor({ sku, productId, variantId });
  if (matched) return matched;
  if (sku) return sku.slice(0, 64);
  if (productId) return (variantId ? `${productId}:${variantId}` : productId).slice(0, 64);
  return null;
}

export const ok = (records: Record<string, unknown>[]): MapResult => ({ ok: true, records });
export const bad = (code: string, message: string): MapResult => ({ ok: false, code, message: message.slice(0, 300), retry: false });
export const text = (status: number, body: string): HookAnswer => ({ status, body, contentType: 'text/plain; charset=utf-8' });
export const jsonAnswer = (status: number, body: unknown): HookAnswer => ({ status, body: JSON.stringify(body), contentType: 'application/json; charset=utf-8' });

/** Parses a stored payload; a malformed one is a coded, non-retryable failure. */
export function parsePayload(payload: string): { ok: true; value: Record<string, unknown> } | { ok: false; result: MapResult } {
  const parsed = parseJsonLossless(payload);
  if (!parsed.ok) return { ok: false, result: bad('bad_json', `the body is ${parsed.message}`) };
  const value = parsed.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, result: bad('bad_shape', 'the body is not a JSON object') };
  return { ok: true, value: value as Record<string, unknown> };
}

/** The fields of one order line as the hub's `order` event, before the optional ones are dropped. */
export interface OrderLine {
  platform: string;
  id: string;
  ts: number;
  orderId: string;
  userId: string;
  sku: string;
  qty: number;
  amountFen: number;
  status: string;
  refundFen?: number;
  dealId?: string;
  promoter?: string;
}

/**
 * One shop order line as an `order` record for the ingest path: every adapter builds its lines here,
 * so a refund, deal or promoter that is not there is left out rather than sent as `undefined`.
 */
export function orderLine({ refundFen, dealId, promoter, ...line }: OrderLine): Record<string, unknown> {
  return {
    type: 'order',
    ...line,
    ...(refundFen !== undefined && refundFen > 0 ? { refundFen } : {}),
    ...(dealId ? { dealId } : {}),
    ...(promoter ? { promoter } : {}),
  };
}

/** The id of a line's status: a redelivery is a duplicate, a later status (or a larger refund) is news. */
export const statusId = (lineOrderId: string, status: string, refundFen?: number) => `${lineOrderId}:${status}${refundFen ? `:r${refundFen}` : ''}`;
