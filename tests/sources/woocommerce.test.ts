/** WooCommerce on loopback: signed deliveries of the REST docs' order, the ping, refunds, forgeries. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from '../support/hub.js';
import { control, fixture, hmacBase64, postHook, recapOf, sourcesOf } from './shop-support.js';

const SECRET = 'wc-webhook-secret-123';
let t: TestHub;
beforeEach(async () => {
  t = await startTestHub();
  expect((await control(t.url, 'source.add', { kind: 'woocommerce', id: 'wp-shop', secret: SECRET })).body.ok).toBe(true);
});
afterEach(async () => {
  await t.stop();
});

/** WooCommerce writes `*_gmt` times without a zone. */
const gmtAgo = (ms: number) => new Date(Date.now() - ms).toISOString().slice(0, 19);

function order(status: string, refunds: { id: number; total: string }[] = []): string {
  const o = JSON.parse(fixture('woocommerce', 'order.json'));
  Object.assign(o, { status, refunds, date_created_gmt: gmtAgo(120_000), date_paid_gmt: gmtAgo(90_000), date_modified_gmt: gmtAgo(60_000) });
  return JSON.stringify(o);
}

const deliver = (topic: string, body: string, deliveryId: string, secret = SECRET) =>
  postHook(t.url, 'wp-shop', body, {
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': 'order',
    'x-wc-webhook-delivery-id': deliveryId,
    'x-wc-webhook-signature': hmacBase64(secret, body),
    'x-wc-webhook-source': 'https://shop.example.com/',
  });

describe('WooCommerce webhooks', () => {
  it('answers the ping sent when the webhook is saved, and stores nothing of it', async () => {
    const ping = await postHook(t.url, 'wp-shop', 'webhook_id=15', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(ping.status).toBe(200);
    expect(t.hub.db.prepare('SELECT count(*) FROM source_deliveries').pluck().get()).toBe(0);
    expect((await sourcesOf(t.url))[0]).toMatchObject({ state: 'waiting', deliveries: 0 });
  });

  it('maps created → paid → partly refunded into the recap, deal and promoter from meta_data', async () => {
    expect((await deliver('order.created', order('pending'), 'd-1')).status).toBe(200);
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 0, orders: 0 }));
    expect((await deliver('order.updated', order('processing'), 'd-2')).status).toBe(200);
    // Line 315: ¥6.00 (2 units), line 316: ¥12.00 — `total`, after discounts, before tax.
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 600 + 1200, orders: 2, units: 3, buyers: 1, refundFen: 0 }));
    // A ¥7.00 refund: the whole of line 315 (¥6.00) and ¥1.00 of line 316.
    expect((await deliver('order.updated', order('processing', [{ id: 730, total: '-7.00' }]), 'd-3')).status).toBe(200);
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 1800, refundFen: 700 }));
    const rows = t.hub.db.prepare("SELECT order_id, sku, status, refund_fen, deal_id, promoter, user_id FROM orders WHERE platform = 'woocommerce' ORDER BY order_id").all();
    expect(rows).toEqual([
      { order_id: '727-315', sku: '93', status: 'refunded', refund_fen: 0, deal_id: 'D-7', promoter: 'lily', user_id: '26' },
      { order_id: '727-316', sku: 'Bar3', status: 'paid', refund_fen: 100, deal_id: 'D-7', promoter: 'lily', user_id: '26' },
    ]);
  });

  it('counts a redelivery once, refuses a forgery, and keeps an unexpected shape as failed', async () => {
    const body = order('completed');
    await deliver('order.updated', body, 'same');
    await deliver('order.updated', body, 'same');
    expect((await deliver('order.updated', body, 'x', 'wrong')).status).toBe(401);
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ deliveries: 1, duplicates: 1, badSignatures: 1 }));
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 1800, orders: 2 }));
    const odd = JSON.stringify({ id: 728, status: 'processing', line_items: [{ id: 1, quantity: 1, total: '-3.00', product_id: 5 }] });
    await deliver('order.updated', odd, 'odd');
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ state: 'error', mappingErrors: 1 }));
    expect(t.hub.db.prepare("SELECT state, error_code FROM source_deliveries WHERE delivery_id = 'odd'").get()).toEqual({ state: 'failed', error_code: 'bad_amount' });
  });
});
