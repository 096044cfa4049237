/**
 * The inbox's retries, with a webhook adapter of this test's own standing in for a shop whose order
 * API is down (抖店 / 微信小店 push ids only and ask that API): `retry: true` failures stay pending and
 * are tried again with backoff until the API answers; nothing is lost and nothing counted twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../server/hub.js';
import { hookAdapters } from '../../server/sources/kinds.js';
import type { HookAdapter } from '../../server/sources/types.js';
import { eventually, TEST_TOKENS, tempDbFile } from '../support/hub.js';
import { control, postHook, recapOf, sourcesOf } from './shop-support.js';

let apiUp = false;
let mapCalls = 0;
/** Verifies a shared token header; maps `{orderId}` by asking a pretend order API. */
const fakeShop: HookAdapter = {
  kind: 'doudian',
  needs: ['secret'],
  verify(req, source) {
    if (req.headers['x-token'] !== source.secret) return { kind: 'forged', reason: 'bad token' };
    const body = req.body.toString('utf8');
    return { kind: 'delivery', deliveryId: req.headers['x-delivery'] ?? body, topic: 'order', payload: body, answer: { status: 200, body: 'ok' } };
  },
  async map(delivery, source) {
    mapCalls++;
    if (!apiUp) return { ok: false, code: 'api_unavailable', message: 'the order API did not answer', retry: true };
    const { orderId } = JSON.parse(delivery.payload) as { orderId: string };
    return {
      ok: true,
      records: [{ type: 'order', platform: source.platform, id: `${orderId}:paid`, ts: delivery.receivedAt, orderId, userId: 'b1', sku: 'S1', qty: 1, amountFen: 5000, status: 'paid' }],
    };
  },
};

const realDoudian = hookAdapters.doudian;
let hub: Hub;
let url: string;
beforeEach(async () => {
  apiUp = false;
  mapCalls = 0;
  hookAdapters.doudian = fakeShop;
  hub = createHub({ db: tempDbFile('inbox'), tokens: TEST_TOKENS, limits: { sourceRetryBaseMs: 100 } });
  url = (await hub.listen(0)).url;
  expect((await control(url, 'source.add', { kind: 'doudian', id: 'dd', secret: 't0k' })).body.ok).toBe(true);
});
afterEach(async () => {
  await hub.close();
  hookAdapters.doudian = realDoudian;
});

describe('the inbox', () => {
  it('keeps a delivery whose mapping may work later pending, retries it with backoff, and maps it once the API answers', async () => {
    expect((await postHook(url, 'dd', JSON.stringify({ orderId: 'A1' }), { 'x-token': 't0k', 'x-delivery': 'm1' })).status).toBe(200);
    // Tried, failed, tried again after 100 ms, 200 ms, …: still pending, its error shown.
    await eventually(() => expect(mapCalls).toBeGreaterThanOrEqual(3), 5000);
    const row = hub.db.prepare("SELECT state, attempts, error_code FROM source_deliveries WHERE delivery_id = 'm1'").get() as { state: string; attempts: number; error_code: string };
    expect(row).toMatchObject({ state: 'pending', error_code: 'api_unavailable' });
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    const [s] = await sourcesOf(url);
    expect(s).toMatchObject({ state: 'error', waiting: 1, mappingErrors: 0 });
    expect(s.lastError).toMatch(/^api_unavailable/);

    apiUp = true;
    await eventually(() => expect(hub.db.prepare("SELECT state FROM source_deliveries WHERE delivery_id = 'm1'").pluck().get()).toBe('mapped'), 8000);
    await eventually(async () => expect(await recapOf(url)).toMatchObject({ paidGmvFen: 5000, orders: 1 }));
    await eventually(async () => expect((await sourcesOf(url))[0]).toMatchObject({ state: 'connected', waiting: 0, mappingErrors: 0 }));
  });

  it('maps deliveries stored before a restart when the hub starts again', async () => {
    await postHook(url, 'dd', JSON.stringify({ orderId: 'B1' }), { 'x-token': 't0k', 'x-delivery': 'm2' });
    const file = hub.db.name;
    await hub.close();
    apiUp = true;
    hub = createHub({ db: file, tokens: TEST_TOKENS, limits: { sourceRetryBaseMs: 100 } });
    url = (await hub.listen(0)).url;
    await eventually(async () => expect(await recapOf(url)).toMatchObject({ paidGmvFen: 5000, orders: 1 }), 8000);
  });
});
