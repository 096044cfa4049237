/** The webhook door under a forgery flood: refused unread past the cap, real deliveries unhindered. */
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOOK_FORGERIES_PER_WINDOW } from '../../server/http/routes.js';
import { eventually, startTestHub, type TestHub } from '../support/hub.js';
import { control, fixture, hmacBase64, isoAgo, sourcesOf } from './shop-support.js';

const SECRET = 'door-secret';
let t: TestHub;
beforeEach(async () => {
  t = await startTestHub();
  await control(t.url, 'source.add', { kind: 'shopify', id: 'shop', secret: SECRET });
});
afterEach(async () => {
  await t.stop();
});

/** A POST from a chosen loopback address (the flood from one, the shop from another). */
function post(from: string, body: string, headers: Record<string, string>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: t.port, path: '/hooks/shop', method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the webhook door', () => {
  it('refuses a flood of forgeries unread past the cap while the shop’s own deliveries go through', async () => {
    const body = fixture('shopify', 'orders-create.json', { '2021-12-31T19:00:00-05:00': isoAgo(60_000) });
    const forged = { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': hmacBase64('guess', body) };
    const flood = await Promise.all(Array.from({ length: 200 }, () => post('127.0.0.2', body, forged)));
    const statuses = flood.map((r) => r.status);
    // The first forgeries are checked and answered 401; past the cap the rest are refused unread.
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(HOOK_FORGERIES_PER_WINDOW);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const real = await post('127.0.0.1', body, { 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': 'real', 'x-shopify-hmac-sha256': hmacBase64(SECRET, body) });
    expect(real.status).toBe(200);
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ deliveries: 1, state: 'connected' }));
    expect(t.hub.db.prepare('SELECT count(*) FROM source_deliveries').pluck().get()).toBe(1);
  });
});
