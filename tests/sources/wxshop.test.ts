/**
 * 微信小店 消息推送: WeChat's published WXBizMsgCrypt vectors decrypt and encrypt as published; URL
 * checks (plain and safe mode) are answered; safe-mode pushes are verified (msg_signature, AES, the
 * appId inside) before they are read and forgeries refused; order events map through a local 微信小店
 * API (which checks the AppSecret and the access token) into one order event per product line, the
 * 64-bit order id intact; outages and expired tokens are retried; a real hub's recap equals the truth.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEvent } from '../../server/protocol/index.js';
import type { Recap } from '../../server/recap/index.js';
import { hookAdapters } from '../../server/sources/kinds.js';
import { noteAttributes } from '../../server/sources/hooks/cn-shop.js';
import { wxDecrypt, wxEncrypt, wxshop, wxSignature } from '../../server/sources/hooks/wxshop.js';
import type { HookRequest, MapContext, SourceConfig, StoredDelivery } from '../../server/sources/types.js';
import { startWxshopApi, type WxshopApi } from '../support/cn-order-api.js';
import { eventually, startTestHub, TEST_TOKENS } from '../support/hub.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/sources/wxshop');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const vectors = JSON.parse(fixture('wxbizmsgcrypt-vectors.json')) as {
  decrypt: { token: string; encodingAesKey: string; appId: string; timestamp: string; nonce: string; msgSignature: string; body: string; plaintextStartsWith: string; plaintextContains: string };
  encrypt: { encodingAesKey: string; appId: string; randomStr: string; message: string; encrypted: string };
};

const TOKEN = 'livedeckWxToken2026';
const AES_KEY = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo';
const APP_ID = 'wx37f38d59298839c3';
const APP_SECRET = 'f3b1c0de5a6e4d2b9c8a7f6e5d4c3b2a';
const ORDER_ID = '3705115058471208928';

let api: WxshopApi;
let source: SourceConfig;
let seq = 0;

beforeAll(async () => {
  api = await startWxshopApi(APP_ID, APP_SECRET);
});
afterAll(() => api.stop());
beforeEach(() => {
  source = { id: `wx-${++seq}`, kind: 'wxshop', platform: 'wxshop', token: TOKEN, aesKey: AES_KEY, appId: APP_ID, secret: APP_SECRET, apiUrl: api.url, enabled: true };
  api.orders.clear();
});

const ctx = (): MapContext => ({
  now: () => Date.now(),
  fetch: globalThis.fetch,
  skuFor: ({ sku, productId }) => (sku === 'RING-01' ? 'RING-01' : productId === '10000029995862' ? 'MAT-BLUE' : undefined),
});

/** A safe-mode push as WeChat sends it: the JSON message encrypted for `appId`, signed with `token`. */
function safePush(message: string, options: { appId?: string; token?: string; aesKey?: string } = {}): HookRequest {
  const encrypt = wxEncrypt(options.aesKey ?? AES_KEY, message, options.appId ?? APP_ID);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(1_000_000 + (++seq % 1000));
  const signature = wxSignature(options.token ?? TOKEN, timestamp, nonce);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    query: { signature, timestamp, nonce, encrypt_type: 'aes', msg_signature: wxSignature(options.token ?? TOKEN, timestamp, nonce, encrypt) },
    body: Buffer.from(JSON.stringify({ ToUserName: 'gh_2defbb026678', Encrypt: encrypt })),
  };
}

function stored(payload: string, receivedAt = Date.now()): StoredDelivery {
  return { sourceId: source.id, deliveryId: 'd', topic: 'x', payload, receivedAt, attempts: 0 };
}

/** The fixture's order, stamped relative to now (ids stay digit strings, as the API sends them). */
function orderFixture(times: { createSec: number; paySec?: number; updateSec?: number }, status?: number): Record<string, any> {
  const order = (JSON.parse(fixture('order-get.json')) as { order: Record<string, any> }).order;
  order.status = status ?? (times.paySec ? 20 : 10);
  order.create_time = times.createSec;
  order.update_time = times.updateSec ?? times.paySec ?? times.createSec;
  if (times.paySec) order.order_detail.pay_info.pay_time = times.paySec;
  else delete order.order_detail.pay_info;
  return order;
}

const nowSec = (): number => Math.floor(Date.now() / 1000);
const event = (name: string, orderId = ORDER_ID): string =>
  fixture(name === 'channels_ec_order_new' ? 'channels_ec_order_new.json' : 'channels_ec_order_pay.json')
    .replace('"channels_ec_order_pay"', `"${name}"`)
    .replace('3705115058471208928', orderId);

describe("WeChat's published WXBizMsgCrypt vectors", () => {
  it('the official sample push verifies (msg_signature) and decrypts to its XML for its appId', () => {
    const d = vectors.decrypt;
    expect(wxSignature(d.token, d.timestamp, d.nonce, /<Encrypt><!\[CDATA\[(.*)\]\]><\/Encrypt>/.exec(d.body)![1])).toBe(d.msgSignature);
    const v = wxshop.verify(
      { method: 'POST', headers: {}, query: { timestamp: d.timestamp, nonce: d.nonce, msg_signature: d.msgSignature }, body: Buffer.from(d.body) },
      { id: 'vec', kind: 'wxshop', platform: 'wxshop', token: d.token, aesKey: d.encodingAesKey, appId: d.appId, enabled: true },
    );
    expect(v.kind).toBe('delivery');
    if (v.kind !== 'delivery') return;
    expect(v.payload.startsWith(d.plaintextStartsWith)).toBe(true);
    expect(v.payload).toContain(d.plaintextContains);
    expect(v.answer).toEqual({ status: 200, body: 'success', contentType: 'text/plain; charset=utf-8' });
    // The same push for another shop (appId) is refused after decryption.
    const other = wxshop.verify(
      { method: 'POST', headers: {}, query: { timestamp: d.timestamp, nonce: d.nonce, msg_signature: d.msgSignature }, body: Buffer.from(d.body) },
      { id: 'vec', kind: 'wxshop', platform: 'wxshop', token: d.token, aesKey: d.encodingAesKey, appId: 'wx0000000000000000', enabled: true },
    );
    expect(other).toEqual({ kind: 'forged', reason: 'the message was encrypted for another appId' });
  });

  it('encrypting the official sample message with its random prefix gives the published ciphertext, which decrypts back', () => {
    const e = vectors.encrypt;
    expect(wxEncrypt(e.encodingAesKey, e.message, e.appId, Buffer.from(e.randomStr))).toBe(e.encrypted);
    expect(wxDecrypt(e.encodingAesKey, e.encrypted)).toEqual({ ok: true, message: e.message, appId: e.appId });
  });
});

describe('微信小店 URL checks and push verification', () => {
  it('is the adapter registered for kind wxshop, asking for token, EncodingAESKey, appId and AppSecret', () => {
    expect(hookAdapters.wxshop).toBe(wxshop);
    expect(wxshop.needs).toEqual(['token', 'aesKey', 'appId', 'secret']);
  });

  it('answers a signed URL check with echostr and refuses a wrong signature', () => {
    const q = { timestamp: '1409659589', nonce: '263014780', echostr: '5927782489442352469' };
    const ok = wxshop.verify({ method: 'GET', headers: {}, query: { ...q, signature: wxSignature(TOKEN, q.timestamp, q.nonce) }, body: Buffer.alloc(0) }, source);
    expect(ok).toEqual({ kind: 'answer', answer: { status: 200, body: '5927782489442352469', contentType: 'text/plain; charset=utf-8' } });
    const bad = wxshop.verify({ method: 'GET', headers: {}, query: { ...q, signature: wxSignature('other-token', q.timestamp, q.nonce) }, body: Buffer.alloc(0) }, source);
    expect(bad).toEqual({ kind: 'forged', reason: 'signature does not match' });
  });

  it('answers a safe-mode URL check (msg_signature over an encrypted echostr) with the decrypted echostr', () => {
    const echostr = wxEncrypt(AES_KEY, 'echo-8842071', APP_ID);
    const q = { timestamp: '1700000000', nonce: '42', echostr };
    const req = (sig: string): HookRequest => ({ method: 'GET', headers: {}, query: { ...q, msg_signature: sig }, body: Buffer.alloc(0) });
    expect(wxshop.verify(req(wxSignature(TOKEN, q.timestamp, q.nonce, echostr)), source)).toEqual({
      kind: 'answer',
      answer: { status: 200, body: 'echo-8842071', contentType: 'text/plain; charset=utf-8' },
    });
    expect(wxshop.verify(req(wxSignature(TOKEN, q.timestamp, q.nonce, 'x')), source).kind).toBe('forged');
  });

  it('accepts a safe-mode push and keeps the decrypted message; a retry (new random prefix, same message) has the same delivery id', () => {
    const message = fixture('channels_ec_order_new.json');
    const a = wxshop.verify(safePush(message), source);
    const b = wxshop.verify(safePush(message), source);
    expect(a).toMatchObject({ kind: 'delivery', topic: 'channels_ec_order_new', payload: message, answer: { status: 200, body: 'success' } });
    expect(a.kind === 'delivery' && b.kind === 'delivery' && a.deliveryId === b.deliveryId).toBe(true);
    expect(safePush(message).body.toString()).not.toBe(safePush(message).body.toString());
  });

  it('refuses a wrong msg_signature, a tampered Encrypt, another appId inside, a wrong EncodingAESKey and a missing Encrypt', () => {
    const message = fixture('channels_ec_order_pay.json');
    const reason = (req: HookRequest, s: SourceConfig = source): string => {
      const v = wxshop.verify(req, s);
      return v.kind === 'forged' ? v.reason : `not forged: ${v.kind}`;
    };
    expect(reason(safePush(message, { token: 'other-token' }))).toBe('msg_signature does not match');
    const tampered = safePush(message);
    const body = JSON.parse(tampered.body.toString()) as { Encrypt: string };
    const flipped = `${body.Encrypt.slice(0, 10)}${body.Encrypt[10] === 'A' ? 'B' : 'A'}${body.Encrypt.slice(11)}`;
    expect(reason({ ...tampered, body: Buffer.from(JSON.stringify({ ...body, Encrypt: flipped })) })).toBe('msg_signature does not match');
    expect(reason(safePush(message, { appId: 'wx0000000000000000' }))).toBe('the message was encrypted for another appId');
    // Signed with our token but encrypted with another key: it does not decrypt to a message for us.
    expect(reason(safePush(message, { aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' }))).not.toMatch(/^not forged/);
    expect(reason({ ...safePush(message), body: Buffer.from('{"ToUserName":"gh_x"}') })).toBe('no Encrypt in a safe-mode push');
    expect(JSON.stringify(wxshop.verify(safePush(message, { token: 'x' }), source))).not.toContain(AES_KEY);
  });

  it('in plain mode (no EncodingAESKey) checks signature and keeps the body', () => {
    const plain: SourceConfig = { ...source, aesKey: undefined };
    const message = fixture('channels_ec_order_new.json');
    const q = { timestamp: '1700000000', nonce: '7' };
    const ok = wxshop.verify({ method: 'POST', headers: {}, query: { ...q, signature: wxSignature(TOKEN, q.timestamp, q.nonce) }, body: Buffer.from(message) }, plain);
    expect(ok).toMatchObject({ kind: 'delivery', payload: message, topic: 'channels_ec_order_new' });
    expect(wxshop.verify({ method: 'POST', headers: {}, query: q, body: Buffer.from(message) }, plain).kind).toBe('forged');
  });
});

describe('微信小店 order mapping through /channels/ec/order/get', () => {
  it('maps a pay event to one valid order event per product line; the bare 64-bit order id reaches the API and the events intact', async () => {
    const paySec = nowSec() - 60;
    api.orders.set(ORDER_ID, orderFixture({ createSec: paySec - 30, paySec }));
    const payload = fixture('channels_ec_order_pay.json');
    // JSON.parse would have read the order id as 3705115058471209000.
    expect(String((JSON.parse(payload) as { order_info: { order_id: number } }).order_info.order_id)).not.toBe(ORDER_ID);
    const result = await wxshop.map(stored(payload), source, ctx());
    expect(result).toEqual({
      ok: true,
      records: [
        {
          type: 'order',
          platform: 'wxshop',
          id: `${ORDER_ID}-2147483650123:paid`,
          ts: paySec * 1000,
          orderId: `${ORDER_ID}-2147483650123`,
          userId: 'oTVP50O53a7jgmawAmxKukNlq3XI',
          sku: 'RING-01',
          qty: 3,
          amountFen: 5400,
          status: 'paid',
          promoter: 'Lily',
        },
        {
          type: 'order',
          platform: 'wxshop',
          id: `${ORDER_ID}-2147483650456:paid`,
          ts: paySec * 1000,
          orderId: `${ORDER_ID}-2147483650456`,
          userId: 'oTVP50O53a7jgmawAmxKukNlq3XI',
          sku: 'MAT-BLUE',
          qty: 1,
          amountFen: 8900,
          status: 'paid',
          promoter: 'Lily',
        },
      ],
    });
    if (!result.ok) return;
    for (const r of result.records) expect(parseEvent(r)).toMatchObject({ ok: true });
    expect(api.asked.at(-1)).toBe(`string:${ORDER_ID}`);
    expect(api.refused).toEqual([]);
  });

  it('an unpaid order maps to created lines at the create time; the sharer is the promoter when no note names one', async () => {
    const createSec = nowSec() - 45;
    const order = orderFixture({ createSec });
    order.order_detail.ext_info.merchant_notes = '';
    api.orders.set(ORDER_ID, order);
    const result = await wxshop.map(stored(event('channels_ec_order_new')), source, ctx());
    expect(result.ok && result.records.map((r) => [r.id, r.status, r.ts, r.promoter])).toEqual([
      [`${ORDER_ID}-2147483650123:created`, 'created', createSec * 1000, 'oSharer1234567890'],
      [`${ORDER_ID}-2147483650456:created`, 'created', createSec * 1000, 'oSharer1234567890'],
    ]);
  });

  it('after-sale: units refunded of a line are refundFen (exact integer share); all units, or status 200, are refunded; cancelled before pay is cancelled', async () => {
    const paySec = nowSec() - 600;
    const updateSec = nowSec() - 10;
    const order = orderFixture({ createSec: paySec - 5, paySec, updateSec });
    order.order_detail.product_infos[0].finish_aftersale_sku_cnt = 1; // 1 of 3 rings: 5400 × 1 / 3 = 1800
    order.order_detail.product_infos[1].finish_aftersale_sku_cnt = 1; // the only mat
    api.orders.set(ORDER_ID, order);
    const aftersale = fixture('channels_ec_aftersale_update.json');
    const partial = await wxshop.map(stored(aftersale), source, ctx());
    expect(partial.ok && partial.records.map((r) => [r.id, r.status, r.refundFen, r.ts])).toEqual([
      [`${ORDER_ID}-2147483650123:refund:1800`, 'paid', 1800, updateSec * 1000],
      [`${ORDER_ID}-2147483650456:refunded`, 'refunded', undefined, updateSec * 1000],
    ]);
    api.orders.set(ORDER_ID, { ...order, status: 200 });
    const all = await wxshop.map(stored(aftersale), source, ctx());
    expect(all.ok && all.records.map((r) => r.status)).toEqual(['refunded', 'refunded']);
    api.orders.set(ORDER_ID, orderFixture({ createSec: paySec }, 250));
    const cancelled = await wxshop.map(stored(event('channels_ec_order_cancel')), source, ctx());
    expect(cancelled.ok && cancelled.records.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('API down → retry:true; an expired token (42001) is dropped and a new one fetched; then it maps', async () => {
    api.orders.set(ORDER_ID, orderFixture({ createSec: nowSec() - 20, paySec: nowSec() - 10 }));
    const delivery = stored(event('channels_ec_order_pay'));
    await api.close();
    try {
      const down = await wxshop.map(delivery, source, ctx());
      expect(down).toMatchObject({ ok: false, code: 'api_unreachable', retry: true });
      expect(JSON.stringify(down)).not.toContain(APP_SECRET);
    } finally {
      await api.reopen();
    }
    expect((await wxshop.map(delivery, source, ctx())).ok).toBe(true);
    const issued = api.tokensIssued();
    expect((await wxshop.map(delivery, source, ctx())).ok).toBe(true);
    expect(api.tokensIssued()).toBe(issued); // kept
    api.expireTokens();
    expect(await wxshop.map(delivery, source, ctx())).toMatchObject({ ok: false, code: 'api_error', retry: true });
    expect((await wxshop.map(delivery, source, ctx())).ok).toBe(true);
    expect(api.tokensIssued()).toBe(issued + 1);
  });

  it('a wrong AppSecret and an unknown order are retried; other events map to nothing; a non-JSON message is kept, not retried', async () => {
    expect(await wxshop.map(stored(event('channels_ec_order_pay')), { ...source, id: 'wx-bad', secret: 'wrong' }, ctx())).toMatchObject({ ok: false, retry: true });
    expect(await wxshop.map(stored(event('channels_ec_order_pay')), source, ctx())).toMatchObject({ ok: false, retry: true });
    expect(await wxshop.map(stored('{"MsgType":"event","Event":"product_spu_audit"}'), source, ctx())).toEqual({ ok: true, records: [] });
    expect(await wxshop.map(stored('<xml><Event>x</Event></xml>'), source, ctx())).toMatchObject({ ok: false, code: 'bad_payload', retry: false });
    expect(await wxshop.map(stored('{"MsgType":"event","Event":"channels_ec_order_pay","order_info":{}}'), source, ctx())).toMatchObject({ ok: false, code: 'bad_payload', retry: false });
  });
});

describe('微信小店 pushes into a real hub', () => {
  it("the recap's paid GMV, refunds, orders, units and buyers equal the pushes' truth; a redelivered push counts once", async () => {
    const h = await startTestHub();
    try {
      const deliver = async (message: string): Promise<{ accepted: number; duplicates: number }> => {
        const v = wxshop.verify(safePush(message), source);
        if (v.kind !== 'delivery') throw new Error(`not a delivery: ${v.kind}`);
        const mapped = await wxshop.map(stored(v.payload), source, ctx());
        if (!mapped.ok) throw new Error(mapped.message);
        const ack = await h.hub.ctx.writer.submit(mapped.records);
        expect(ack.rejected).toEqual([]);
        return ack;
      };
      const t = nowSec();
      // Order 1 (buyer A): created, paid (delivered twice), then one of its three rings refunded.
      api.orders.set(ORDER_ID, orderFixture({ createSec: t - 300 }));
      expect(await deliver(event('channels_ec_order_new'))).toMatchObject({ accepted: 2 });
      api.orders.set(ORDER_ID, orderFixture({ createSec: t - 300, paySec: t - 290 }));
      expect(await deliver(event('channels_ec_order_pay'))).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(await deliver(event('channels_ec_order_pay'))).toMatchObject({ accepted: 0, duplicates: 2 });
      const refunded = orderFixture({ createSec: t - 300, paySec: t - 290, updateSec: t - 100 });
      refunded.order_detail.product_infos[0].finish_aftersale_sku_cnt = 1;
      api.orders.set(ORDER_ID, refunded);
      expect(await deliver(fixture('channels_ec_aftersale_update.json'))).toMatchObject({ accepted: 1, duplicates: 1 });

      // Order 2 (buyer B): one mat, paid then cancelled with its money returned (status 250 after pay).
      const order2 = '3705115058471209999';
      const o2 = orderFixture({ createSec: t - 200, paySec: t - 190 });
      o2.order_id = order2;
      o2.openid = 'oBuyerB';
      o2.order_detail.product_infos = [o2.order_detail.product_infos[1]];
      api.orders.set(order2, o2);
      expect(await deliver(event('channels_ec_order_pay', order2))).toMatchObject({ accepted: 1 });
      api.orders.set(order2, { ...o2, status: 250, update_time: t - 50 });
      expect(await deliver(event('channels_ec_order_cancel', order2))).toMatchObject({ accepted: 1 });

      // Order 3 (buyer C): created, never paid.
      const order3 = '3705115058471208001';
      const o3 = orderFixture({ createSec: t - 150 });
      o3.order_id = order3;
      o3.openid = 'oBuyerC';
      api.orders.set(order3, o3);
      expect(await deliver(event('channels_ec_order_new', order3))).toMatchObject({ accepted: 2 });

      const truth = { paidGmvFen: 5400 + 8900 + 8900, refundFen: 1800 + 8900, orders: 3, units: 3 + 1 + 1, buyers: 2 };
      const recap = await eventually(async () => {
        const r = (await (await fetch(`${h.url}/api/sessions/latest/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).json()) as Recap;
        expect(r.paidGmvFen).toBe(truth.paidGmvFen);
        return r;
      });
      expect({ paidGmvFen: recap.paidGmvFen, refundFen: recap.refundFen, orders: recap.orders, units: recap.units, buyers: recap.buyers }).toEqual(truth);
      expect(recap.byPlatform.wxshop.netGmvFen).toBe(truth.paidGmvFen - truth.refundFen);
      // Every order id the hub keeps is the exact 19-digit one.
      const ids = h.hub.ctx.repo.db.prepare("SELECT DISTINCT order_id FROM orders WHERE platform = 'wxshop' ORDER BY order_id").pluck().all() as string[];
      expect(ids.map((id) => id.split('-')[0])).toEqual([order3, order3, ORDER_ID, ORDER_ID, order2]);
    } finally {
      await h.stop();
    }
  }, 30_000);
});

describe('order notes', () => {
  it('read livedeck_deal / livedeck_promoter written with =, : or ：, the first note naming one winning', () => {
    expect(noteAttributes('请尽快发货 livedeck_deal：D-77，谢谢', 'livedeck_promoter = 小王; livedeck_deal=D-99')).toEqual({ dealId: 'D-77', promoter: '小王' });
    expect(noteAttributes(undefined, '', 42, '无备注')).toEqual({});
  });
});
