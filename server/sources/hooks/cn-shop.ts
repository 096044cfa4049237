/**
 * What the 抖店 and 微信小店 adapters share: their pushes carry ids and a status only, so both ask the
 * platform's order-detail API (through the `fetch` they are handed) with an access token they obtain
 * and keep per source; both read `livedeck_deal` / `livedeck_promoter` from the order's notes.
 * Nothing here logs or returns a secret: error messages name the API's origin and its answer code only.
 */
import crypto from 'node:crypto';
import type { MapResult } from '../types.js';
import { parseJsonLossless, record } from './lossless-json.js';

/** Constant-time comparison of a lower-case hex signature with the one sent (any case). */
export function sameSignature(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given.trim().toLowerCase());
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** sha256 hex of a text, for delivery ids made from several parts or from a body without an id. */
export function sha256Hex(text: string | Buffer): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * `livedeck_deal` / `livedeck_promoter` written into an order's notes (买家留言, 商家备注), as
 * `livedeck_deal=D12` or `livedeck_deal: D12` (full-width colon too). Ids are what follows up to a
 * space, comma or semicolon. The first note that names one wins.
 */
export function noteAttributes(...notes: unknown[]): { dealId?: string; promoter?: string } {
  const out: { dealId?: string; promoter?: string } = {};
  for (const note of notes) {
    if (typeof note !== 'string' || note === '') continue;
    for (const [key, field] of [
      ['livedeck_deal', 'dealId'],
      ['livedeck_promoter', 'promoter'],
    ] as const) {
      if (out[field] !== undefined) continue;
      const m = new RegExp(`${key}\\s*[=:：]\\s*([^\\s,，;；]{1,128})`, 'i').exec(note);
      if (m) out[field] = m[1];
    }
  }
  return out;
}

/** Seconds since the epoch (the platforms' unit) to epoch ms; undefined for 0 / absent. */
export function secondsToMs(sec: number | undefined): number | undefined {
  return sec !== undefined && sec > 0 ? sec * 1000 : undefined;
}

export type ApiAnswer = { ok: true; body: Record<string, unknown> } | { ok: false; result: Extract<MapResult, { ok: false }> };

/** How long one order-API call may take before the delivery is retried later. */
export const API_TIMEOUT_MS = 10_000;

/**
 * One call to a platform API: an answer that is a JSON object, or a retryable failure (unreachable,
 * timed out, a non-2xx status, or not JSON). `label` names the platform in messages; only the URL's
 * origin is ever quoted (the query carries the access token and the signature).
 */
export async function callApi(fetchFn: typeof fetch, url: string, init: RequestInit, label: string): Promise<ApiAnswer> {
  const origin = safeOrigin(url);
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, signal: AbortSignal.timeout(API_TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    return { ok: false, result: { ok: false, code: 'api_unreachable', message: `the ${label} API at ${origin} did not answer (${cause})`, retry: true } };
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    return { ok: false, result: { ok: false, code: 'api_error', message: `the ${label} API at ${origin} answered HTTP ${res.status}`, retry: true } };
  }
  const parsed = parseJsonLossless(text);
  const body = parsed.ok ? record(parsed.value) : undefined;
  if (!body) {
    return { ok: false, result: { ok: false, code: 'api_error', message: `the ${label} API at ${origin} answered something that is not a JSON object`, retry: true } };
  }
  return { ok: true, body };
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(bad URL)';
  }
}

/** A retryable failure with a message that quotes the API's own code and text (never our request). */
export function apiRefused(label: string, code: unknown, text: unknown): Extract<MapResult, { ok: false }> {
  const said = typeof text === 'string' ? ` ${JSON.stringify(text.slice(0, 120))}` : '';
  return { ok: false, code: 'api_error', message: `the ${label} API answered code ${String(code).slice(0, 20)}${said}`, retry: true };
}

/**
 * Access tokens per source, kept in memory until shortly before they expire (or until the API says
 * one is no longer valid). Keyed by the source id and the credentials, so editing a source's keys
 * never reuses the old token.
 */
export class TokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  key(...parts: (string | undefined)[]): string {
    return sha256Hex(parts.map((p) => p ?? '').join('\u0000'));
  }

  get(key: string, now: number): string | undefined {
    const t = this.tokens.get(key);
    return t && t.expiresAt > now ? t.token : undefined;
  }

  /** Keeps a token for `expiresInSec` less a minute's margin (at least a minute). */
  set(key: string, token: string, expiresInSec: number | undefined, now: number): void {
    const lifeMs = Math.max(60, (expiresInSec ?? 3600) - 60) * 1000;
    this.tokens.set(key, { token, expiresAt: now + lifeMs });
  }

  drop(key: string): void {
    this.tokens.delete(key);
  }
}

/** Trims a string to the protocol's id length, or undefined when empty. */
export function clip(value: string | undefined, max = 128): string | undefined {
  if (value === undefined || value === '') return undefined;
  return value.length > max ? value.slice(0, max) : value;
}
