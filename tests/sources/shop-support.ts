/** Shared by the sources tests: fixtures with times moved to now, signed posts, the hub's answers. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_TOKENS } from '../support/hub.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sources');

/** A fixture's text, every `from` time string replaced by `to` (published samples carry old dates). */
export function fixture(kind: string, name: string, times: Record<string, string> = {}): string {
  let text = fs.readFileSync(path.join(fixtures, kind, name), 'utf8').trim();
  for (const [from, to] of Object.entries(times)) text = text.split(from).join(to);
  return text;
}

/** An ISO time `agoMs` before now, with a UTC offset as shops write them. */
export const isoAgo = (agoMs: number): string => new Date(Date.now() - agoMs).toISOString().replace(/\.\d{3}Z$/, '+00:00');

export const hmacBase64 = (secret: string, body: string | Buffer): string => crypto.createHmac('sha256', secret).update(body).digest('base64');

export interface Answer {
  status: number;
  text: string;
}

/** POSTs a body to the hub's webhook door as a platform would: no LiveDeck token. */
export async function postHook(url: string, sourceId: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${url}/hooks/${sourceId}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, text: await res.text() };
}

/** A control action over HTTP as the operator. */
export async function control(url: string, action: string, payload: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/control/${action}`, {
    method: 'POST',
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKENS.operator}` },
  });
  return { status: res.status, body: await res.json() };
}

export async function getJson(url: string, p: string): Promise<any> {
  const res = await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${TEST_TOKENS.operator}` } });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

export const sourcesOf = (url: string): Promise<any[]> => getJson(url, '/api/sources');
export const recapOf = (url: string): Promise<any> => getJson(url, '/api/sessions/latest/recap');
