/**
 * Shopify on loopback: a real hub, real HTTP, deliveries signed as Shopify signs them, and the recap
 * held to what the deliveries say.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { parseJsonLossless } from '../../server/sources/hooks/lossless-json.js';
import { control, fixture, hmacBase64, isoAgo, postHook, recapOf, sourcesOf } from './shop-support.js';

const SECRET = 'shpss_test_0123456789abcdef';
let t: TestHub;

beforeEach(async () => {
  t = await startTestHub();
  const added = await control(t.url, 'source.add', { kind: 'shopify', id: 'brand-site', secret: SECRET });
  expect(added.body).toEqual({ ok: true, id: 'brand-site', hookPath: '/hooks/brand-site' });
});
afterEach(async () => {
  await t.stop();
});

/** A delivery as Shopify sends it. */
function shopify(topic: string, body: string, webhookId: string, secret = SECRET) {
  return postHook(t.url, 'brand-site', body, {
    'x-shopify-topic': topic,
    'x-shopify-hmac-sha256': hmacBase64(secret, body),
    'x-shopify-webhook-id': webhookId,
    'x-shopify-shop-domain': 'brand.myshopify.com',
  });
}

const created = () => fixture('shopify', 'orders-create.json', { '2021-12-31T19:00:00-05:00': isoAgo(120_000) });
const paid = () => created().replace('"financial_status":"pending"', '"financial_status":"paid"');
const refund_ = () => fixture('shopify', 'refunds-create.json', { '2021-12-31T19:00:00-05:00': isoAgo(30_000) });

describe('Shopify webhooks', () => {
  it('turns the sample order, its payment and its refund into the recap the deliveries describe', async () => {
    expect((await shopify('orders/create', created(), 'w-1')).status).toBe(200);
    expect((await shopify('orders/paid', paid(), 'w-2')).status).toBe(200);
    // Line 1: 2 × ¥199.00 less ¥20.00 = ¥378.00; line 2 (no sku: product:variant): 1 × ¥219.00.
    const paidGmvFen = 2 * 19900 - 2000 + 21900;
    await eventually(async () => {
      const r = await recapOf(t.url);
      expect(r).toMatchObject({ paidGmvFen, orders: 2, units: 3, buyers: 1, refundFen: 0 });
    });
    expect((await shopify('refunds/create', refund_(), 'w-3')).status).toBe(200);
    // One of line 1's two units (¥189.00 as Shopify refunded it) and the whole of line 2.
    await eventually(async () => {
      const r = await recapOf(t.url);
      expect(r).toMatchObject({ paidGmvFen, orders: 2, units: 3, buyers: 1, refundFen: 18900 + 21900 });
    });
    const orders = t.hub.db.prepare("SELECT order_id, sku, status, deal_id, promoter, user_id FROM orders WHERE platform = 'shopify' ORDER BY order_id").all();
    expect(orders).toEqual([
      // 64-bit ids kept exact, not rounded through a double.
      { order_id: '820982911946154508-141249953214522974', sku: '632910392:49148385', status: 'refunded', deal_id: 'D-42', promoter: 'anna', user_id: '115310627314723954' },
      { order_id: '820982911946154508-866550311766439020', sku: 'IPOD2008PINK', status: 'paid', deal_id: 'D-42', promoter: 'anna', user_id: '115310627314723954' },
    ]);
    const [status] = await sourcesOf(t.url);
    expect(status).toMatchObject({ id: 'brand-site', kind: 'shopify', platform: 'shopify', state: 'connected', deliveries: 3, duplicates: 0, badSignatures: 0, mappingErrors: 0, lastError: null });
    // Two lines, each created, paid and refunded: 3 × 2 events in the last minute.
    expect(status.events1m).toBe(3 * 2);
  });

  it('adds up partial refunds made in steps from orders/updated, whose refunds list carries them all', async () => {
    // Parsed keeping the 64-bit ids exact (they are sent back as digit strings, which the adapter takes too).
    const exact = (text: string): any => {
      const parsed = parseJsonLossless(text);
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.value;
    };
    const order = exact(paid()) as Record<string, unknown>;
    const refund = exact(refund_()) as { refund_line_items: Record<string, unknown>[] };
    // Two refunds of one unit's worth of line 1 (¥100.00, then ¥89.00): by then both of its units.
    const first = { ...refund, id: 1, refund_line_items: [{ ...refund.refund_line_items[0], quantity: 1, subtotal: '100.00' }] };
    const second = { ...refund, id: 2, refund_line_items: [{ ...refund.refund_line_items[0], quantity: 1, subtotal: '89.00' }] };
    await shopify('orders/paid', JSON.stringify(order), 'u-0');
    await shopify('orders/updated', JSON.stringify({ ...order, financial_status: 'partially_refunded', refunds: [first] }), 'u-1');
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 59700, refundFen: 10000 }));
    await shopify('orders/updated', JSON.stringify({ ...order, financial_status: 'partially_refunded', refunds: [first, second] }), 'u-2');
    // 2 of 2 units refunded: the whole line, ¥378.00 (what the buyer paid for it).
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 59700, refundFen: 37800 }));
    expect(t.hub.db.prepare("SELECT status FROM orders WHERE order_id = '820982911946154508-866550311766439020'").pluck().get()).toBe('refunded');
  });

  it('matches a line with no sku to the catalog product carrying its Shopify ids', async () => {
    await control(t.url, 'catalog.upsert', { sku: 'NANO-RED', title: 'iPod nano 红', listPriceFen: 21900, shopIds: [{ platform: 'shopify', productId: '632910392', variantId: '49148385' }] });
    await shopify('orders/paid', paid(), 'w-1');
    await eventually(() => {
      const skus = t.hub.db.prepare("SELECT sku FROM orders WHERE platform = 'shopify' ORDER BY sku").pluck().all();
      expect(skus).toEqual(['IPOD2008PINK', 'NANO-RED']);
    });
  });

  it('counts a redelivery once', async () => {
    const body = paid();
    for (let i = 0; i < 3; i++) expect((await shopify('orders/paid', body, 'same-webhook-id')).status).toBe(200);
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 59700, orders: 2 }));
    const [status] = await sourcesOf(t.url);
    expect(status).toMatchObject({ deliveries: 1, duplicates: 2 });
    expect(t.hub.db.prepare('SELECT count(*) FROM source_deliveries').pluck().get()).toBe(1);
  });

  it('refuses a forgery with 401, counts it and stores nothing', async () => {
    const body = paid();
    const forged = await shopify('orders/paid', body, 'w-f', 'not-the-secret');
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.text).error.code).toBe('bad_signature');
    const unsigned = await postHook(t.url, 'brand-site', body, { 'x-shopify-topic': 'orders/paid' });
    expect(unsigned.status).toBe(401);
    expect(t.hub.db.prepare('SELECT count(*) FROM source_deliveries').pluck().get()).toBe(0);
    expect(t.hub.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ badSignatures: 2, state: 'error', deliveries: 0 }));
    // The secret never comes back in what the hub says about the source.
    expect(JSON.stringify(await sourcesOf(t.url))).not.toContain(SECRET);
  });

  it('keeps malformed JSON from a valid signer, marks it failed, and maps it again on replay', async () => {
    const broken = paid().slice(0, -40);
    expect((await shopify('orders/paid', broken, 'w-bad')).status).toBe(200);
    await eventually(async () => {
      const [s] = await sourcesOf(t.url);
      expect(s).toMatchObject({ state: 'error', mappingErrors: 1, deliveries: 1 });
      expect(s.lastError).toMatch(/^bad_json/);
    });
    const row = t.hub.db.prepare("SELECT state, error_code, payload FROM source_deliveries WHERE delivery_id = 'w-bad'").get() as { state: string; error_code: string; payload: string };
    expect(row).toMatchObject({ state: 'failed', error_code: 'bad_json' });
    expect(row.payload).toBe(broken);
    // A mapping fix would go here; the stored raw body is replayed as it is (and fails again, still kept).
    const replayed = await control(t.url, 'source.replay', { id: 'brand-site' });
    expect(replayed.body).toEqual({ ok: true, id: 'brand-site', deliveries: 1 });
    await eventually(() => expect(t.hub.db.prepare("SELECT state, attempts FROM source_deliveries WHERE delivery_id = 'w-bad'").get()).toEqual({ state: 'failed', attempts: 1 }));
  });

  it('answers 503 while the source is switched off (Shopify retries), and takes the delivery once it is on again', async () => {
    expect((await control(t.url, 'source.update', { id: 'brand-site', enabled: false })).body.ok).toBe(true);
    const off = await shopify('orders/paid', paid(), 'w-off');
    expect(off.status).toBe(503);
    expect(t.hub.db.prepare('SELECT count(*) FROM source_deliveries').pluck().get()).toBe(0);
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ state: 'disabled' }));
    expect((await control(t.url, 'source.update', { id: 'brand-site', enabled: true })).body.ok).toBe(true);
    expect((await shopify('orders/paid', paid(), 'w-off')).status).toBe(200);
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 59700 }));
  });

  it('answers 404 for an unknown source, 413 past 1 MiB, and a GET for a URL check', async () => {
    expect((await postHook(t.url, 'nobody', '{}', {})).status).toBe(404);
    const huge = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect((await postHook(t.url, 'brand-site', huge, { 'x-shopify-hmac-sha256': hmacBase64(SECRET, huge) })).status).toBe(413);
    // The list is the operator's: a viewer's token or none is refused.
    expect((await fetch(`${t.url}/api/sources`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/sources`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).status).toBe(403);
    const check = await fetch(`${t.url}/hooks/brand-site`);
    expect(check.status).toBe(200);
    expect(t.hub.db.prepare('SELECT count(*) FROM source_deliveries').pluck().get()).toBe(0);
  });
});
