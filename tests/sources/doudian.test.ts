/**
 * 抖店 消息推送: signed pushes are verified before they are read, forgeries refused, the verification
 * push answered; order pushes are mapped through a local 抖店 open API (which checks every request's
 * signature and token) into one order event per sub-order, with 64-bit ids intact; an API outage is
 * retried; and the recap of a real hub fed those events equals the pushes' truth.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEvent } from '../../server/protocol/index.js';
import type { Recap } from '../../server/recap/index.js';
import { hookAdapters } from '../../server/sources/kinds.js';
import { eventSign, doudian } from '../../server/sources/hooks/doudian.js';
import { parseJsonLossless } from '../../server/sources/hooks/lossless-json.js';
import type { HookRequest, MapContext, SourceConfig, StoredDelivery } from '../../server/sources/types.js';
import { startDoudianApi, type DoudianApi } from '../support/cn-order-api.js';
import { eventually, startTestHub, TEST_TOKENS } from '../support/hub.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/sources/doudian');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const APP_KEY = '7043675397937989128';
const APP_SECRET = '2ad2355c-01d0-11f8-91dc-05a8cd1054b1';
const PID = '4781320682406083640';

let api: DoudianApi;
let source: SourceConfig;
let sourceSeq = 0;

beforeAll(async () => {
  api = await startDoudianApi(APP_KEY, APP_SECRET);
});
afterAll(() => api.stop());
beforeEach(() => {
  // A fresh source id per test: its access token starts uncached.
  source = { id: `dd-${++sourceSeq}`, kind: 'doudian', platform: 'doudian', appKey: APP_KEY, secret: APP_SECRET, apiUrl: api.url, enabled: true };
  api.orders.clear();
});

/** The studio's catalog as `skuFor` sees it: one of our skus, and one 抖店 product/sku pair. */
const ctx = (): MapContext => ({
  now: () => Date.now(),
  fetch: globalThis.fetch,
  skuFor: ({ sku, productId, variantId }) => (sku === 'LIP-01' ? 'LIP-01' : productId === '3556357046087622999' && variantId === '1737645868037777' ? 'REMOVER-200' : undefined),
});

function push(body: string, options: { method?: 'md5' | 'hmac-sha256'; appKey?: string; secret?: string; sign?: string } = {}): HookRequest {
  const method = options.method ?? 'md5';
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'app-id': options.appKey ?? APP_KEY,
      'sign-method': method,
      'event-sign': options.sign ?? eventSign(options.appKey ?? APP_KEY, Buffer.from(body), options.secret ?? APP_SECRET, method),
    },
    query: {},
    body: Buffer.from(body),
  };
}

function stored(deliveryId: string, payload: string, receivedAt = Date.now()): StoredDelivery {
  return { sourceId: source.id, deliveryId, topic: 'x', payload, receivedAt, attempts: 0 };
}

/** The fixture's `shop_order_detail`, stamped relative to now (64-bit ids as digit strings). */
function detailFixture(times: { createSec: number; paySec?: number; updateSec?: number }): Record<string, any> {
  const parsed = parseJsonLossless(fixture('order-detail.json'));
  if (!parsed.ok) throw new Error(parsed.message);
  const order = (parsed.value as any).data.shop_order_detail;
  for (const o of [order, ...order.sku_order_list]) {
    o.create_time = times.createSec;
    o.pay_time = times.paySec ?? 0;
    o.update_time = times.updateSec ?? times.paySec ?? times.createSec;
    if (!times.paySec) o.order_status = o.main_status = 1;
  }
  return order;
}

const nowSec = (): number => Math.floor(Date.now() / 1000);

describe('抖店 push verification', () => {
  it('is the adapter registered for kind doudian', () => {
    expect(hookAdapters.doudian).toBe(doudian);
    expect(doudian.needs).toEqual(['appKey', 'secret']);
  });

  it('accepts a push signed md5(app_key + body + app_secret) and one signed with HMAC-SHA256, keyed by the msg_id', () => {
    const body = fixture('push-101-paid.json');
    for (const method of ['md5', 'hmac-sha256'] as const) {
      const v = doudian.verify(push(body, { method }), source);
      expect(v).toEqual({
        kind: 'delivery',
        deliveryId: '7049893247918313759',
        topic: '101',
        payload: body,
        answer: { status: 200, body: '{"code":0,"msg":"success"}', contentType: 'application/json' },
      });
    }
  });

  it('refuses a wrong sign, a tampered body, another app key, an unknown sign-method and a missing sign', () => {
    const body = fixture('push-101-paid.json');
    const forged = (req: HookRequest): string => {
      const v = doudian.verify(req, source);
      expect(v.kind).toBe('forged');
      return v.kind === 'forged' ? v.reason : '';
    };
    expect(forged(push(body, { secret: 'not-the-secret' }))).toBe('event-sign does not match');
    const tampered = push(body);
    expect(forged({ ...tampered, body: Buffer.from(body.replace('25600', '99900')) })).toBe('event-sign does not match');
    expect(forged(push(body, { appKey: '7043675397937989999' }))).toBe("app-id is not this source's app key");
    expect(forged({ ...push(body), headers: { ...push(body).headers, 'sign-method': 'sha1' } })).toBe('unknown sign-method');
    const { 'event-sign': _drop, ...unsigned } = push(body).headers;
    expect(forged({ ...push(body), headers: unsigned })).toBe('event-sign does not match');
    // The secret never appears in a reason.
    expect(JSON.stringify(doudian.verify(push(body, { secret: 'x' }), source))).not.toContain(APP_SECRET);
  });

  it('answers the verification push (tag "0") with {"code":0,"msg":"success"} and stores nothing, but only when it is signed', () => {
    const body = fixture('push-0-verify.json');
    expect(doudian.verify(push(body), source)).toEqual({ kind: 'answer', answer: { status: 200, body: '{"code":0,"msg":"success"}', contentType: 'application/json' } });
    expect(doudian.verify(push(body, { secret: 'wrong' }), source).kind).toBe('forged');
  });

  it('keys a batch by its msg_ids whatever their order, and stores a signed body it cannot read under its hash', () => {
    const batch = fixture('push-batch-100-101.json');
    const reversed = JSON.stringify((JSON.parse(batch) as unknown[]).reverse());
    const a = doudian.verify(push(batch), source);
    const b = doudian.verify(push(reversed), source);
    expect(a.kind === 'delivery' && b.kind === 'delivery' && a.deliveryId === b.deliveryId && a.deliveryId.startsWith('batch:')).toBe(true);
    expect(a.kind === 'delivery' && a.topic).toBe('100,101');
    const junk = doudian.verify(push('[{"tag": 101, "msg_id": '), source);
    expect(junk.kind === 'delivery' && junk.deliveryId.startsWith('body:') && junk.topic).toBe('unknown');
  });
});

describe('抖店 order mapping through the order-detail API', () => {
  it('maps a paid push to one valid order event per sub-order, 64-bit ids exact, sku from the catalog, deal from the seller note', async () => {
    const paySec = nowSec() - 60;
    api.orders.set(PID, detailFixture({ createSec: paySec - 100, paySec }));
    const result = await doudian.map(stored('7049893247918313759', fixture('push-101-paid.json')), source, ctx());
    expect(result).toEqual({
      ok: true,
      records: [
        {
          type: 'order',
          platform: 'doudian',
          id: '4781320682406083641:paid',
          ts: paySec * 1000,
          orderId: '4781320682406083641',
          userId: '1@#Ve4pMk2FdJ9r3sWq0tZ7yA==',
          sku: 'LIP-01',
          qty: 2,
          amountFen: 17800,
          status: 'paid',
          dealId: 'D-FLASH-1',
        },
        {
          type: 'order',
          platform: 'doudian',
          id: '4781320682406083642:paid',
          ts: paySec * 1000,
          orderId: '4781320682406083642',
          userId: '1@#Ve4pMk2FdJ9r3sWq0tZ7yA==',
          sku: 'REMOVER-200',
          qty: 1,
          amountFen: 7800,
          status: 'paid',
          dealId: 'D-FLASH-1',
          promoter: 'douyin:68213901',
        },
      ],
    });
    if (!result.ok) return;
    for (const r of result.records) expect(parseEvent(r)).toMatchObject({ ok: true });
    // The bare 19-digit p_id reached the API unrounded (Number() would have made it …083600).
    expect(api.asked).toContain(PID);
    expect(api.refused).toEqual([]);
  });

  it('falls back to <product_id>:<sku_id> with both 64-bit ids exact when the catalog knows neither', async () => {
    const paySec = nowSec() - 30;
    api.orders.set(PID, detailFixture({ createSec: paySec - 10, paySec }));
    const result = await doudian.map(stored('m1', fixture('push-101-paid.json')), source, { ...ctx(), skuFor: () => undefined });
    expect(result.ok && result.records.map((r) => r.sku)).toEqual(['LIP-01', '3556357046087622999:1737645868037777']);
  });

  it('a created push maps to created lines stamped with the create time; a batch asks the API once per order', async () => {
    const createSec = nowSec() - 90;
    api.orders.set(PID, detailFixture({ createSec }));
    const before = api.asked.length;
    const result = await doudian.map(stored('b1', fixture('push-batch-100-101.json')), source, ctx());
    expect(result.ok && result.records.map((r) => [r.id, r.status, r.ts])).toEqual([
      ['4781320682406083641:created', 'created', createSec * 1000],
      ['4781320682406083642:created', 'created', createSec * 1000],
    ]);
    expect(api.asked.length - before).toBe(1);
  });

  it('a 206 refund of part of a sub-order is refundFen on a paid line; a complete refund (main_status 22) is refunded', async () => {
    const paySec = nowSec() - 600;
    const order = detailFixture({ createSec: paySec - 10, paySec, updateSec: nowSec() - 5 });
    order.sku_order_list[1].after_sale_info = { after_sale_status: 12, after_sale_type: 6, refund_status: 3 };
    api.orders.set(PID, order);
    const refundPush = fixture('push-206-refund.json').replace('1700003600', String(nowSec() - 20));
    const partial = await doudian.map(stored('r1', refundPush), source, ctx());
    expect(partial.ok && partial.records[1]).toMatchObject({ id: '4781320682406083642:refund:5000', status: 'paid', refundFen: 5000, amountFen: 7800, ts: (nowSec() - 20) * 1000 });
    expect(partial.ok && parseEvent(partial.records[1]).ok).toBe(true);

    order.sku_order_list[1].main_status = 22;
    const whole = await doudian.map(stored('r2', refundPush), source, ctx());
    expect(whole.ok && whole.records[1]).toMatchObject({ id: '4781320682406083642:refunded', status: 'refunded', amountFen: 7800 });
    expect(whole.ok && whole.records[1].refundFen).toBeUndefined();
  });

  it('keeps the access token: the second delivery asks /token/create no more', async () => {
    api.orders.set(PID, detailFixture({ createSec: nowSec() - 20, paySec: nowSec() - 10 }));
    const tokenCalls = (): number => api.calls.get('/token/create') ?? 0;
    const before = tokenCalls();
    expect((await doudian.map(stored('t1', fixture('push-101-paid.json')), source, ctx())).ok).toBe(true);
    expect((await doudian.map(stored('t2', fixture('push-101-paid.json')), source, ctx())).ok).toBe(true);
    expect(tokenCalls() - before).toBe(1);
  });

  it('API down or answering an error → retry:true, with no secret in the message; then it maps when the API is back', async () => {
    api.orders.set(PID, detailFixture({ createSec: nowSec() - 20, paySec: nowSec() - 10 }));
    const delivery = stored('d1', fixture('push-101-paid.json'));
    await api.close();
    try {
      const down = await doudian.map(delivery, source, ctx());
      expect(down).toMatchObject({ ok: false, code: 'api_unreachable', retry: true });
      expect(JSON.stringify(down)).not.toContain(APP_SECRET);
    } finally {
      await api.reopen();
    }
    api.failNext(1);
    const unwell = await doudian.map(delivery, source, ctx());
    expect(unwell).toMatchObject({ ok: false, code: 'api_error', retry: true });
    expect(!unwell.ok && unwell.message).toContain('20000');
    const back = await doudian.map(delivery, source, ctx());
    expect(back.ok && back.records.length).toBe(2);
  });

  it('an unknown order is retried (抖店 may not have it yet); a payload without p_id is kept as unmappable, not retried', async () => {
    expect(await doudian.map(stored('u1', fixture('push-101-paid.json')), source, ctx())).toMatchObject({ ok: false, retry: true });
    const noPid = JSON.stringify([{ tag: '101', msg_id: '1', data: '{"order_status":2}' }]);
    expect(await doudian.map(stored('u2', noPid), source, ctx())).toMatchObject({ ok: false, code: 'bad_payload', retry: false });
    expect(await doudian.map(stored('u3', 'not json'), source, ctx())).toMatchObject({ ok: false, code: 'bad_payload', retry: false });
    // A push about products only maps to nothing, without asking the order API.
    const before = api.asked.length;
    expect(await doudian.map(stored('u4', JSON.stringify([{ tag: '400', msg_id: '2', data: '{"product_id":1}' }])), source, ctx())).toEqual({ ok: true, records: [] });
    expect(api.asked.length).toBe(before);
  });
});

describe('抖店 pushes into a real hub', () => {
  it("the recap's paid GMV, refunds, orders, units and buyers equal the pushes' truth; a redelivery counts once", async () => {
    const h = await startTestHub();
    try {
      const submit = async (deliveryId: string, body: string): Promise<{ accepted: number; duplicates: number }> => {
        const v = doudian.verify(push(body), source);
        if (v.kind !== 'delivery') throw new Error(`not a delivery: ${v.kind}`);
        const mapped = await doudian.map(stored(v.deliveryId, v.payload), source, ctx());
        if (!mapped.ok) throw new Error(mapped.message);
        const ack = await h.hub.ctx.writer.submit(mapped.records);
        expect(ack.rejected).toEqual([]);
        return ack;
      };
      const t = nowSec();
      // Order A (two lines, one buyer): created, then paid; the paid push is delivered twice.
      const orderA = detailFixture({ createSec: t - 300 });
      api.orders.set(PID, orderA);
      expect(await submit('a0', JSON.stringify([{ tag: '100', msg_id: 'a0', data: `{"p_id":${PID}}` }]))).toMatchObject({ accepted: 2 });
      api.orders.set(PID, detailFixture({ createSec: t - 300, paySec: t - 280 }));
      expect(await submit('a1', fixture('push-101-paid.json'))).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(await submit('a1', fixture('push-101-paid.json'))).toMatchObject({ accepted: 0, duplicates: 2 });
      // 50.00 of line A2 refunded.
      const refunded = detailFixture({ createSec: t - 300, paySec: t - 280, updateSec: t - 100 });
      refunded.sku_order_list[1].after_sale_info = { after_sale_status: 12, after_sale_type: 6, refund_status: 3 };
      api.orders.set(PID, refunded);
      // Line A1 is unchanged (a duplicate); line A2 gains its partial refund.
      expect(await submit('a2', fixture('push-206-refund.json').replace('1700003600', String(t - 100)))).toMatchObject({ accepted: 1, duplicates: 1 });

      // Order B: another buyer, one line of 3 units, paid and then refunded in full.
      const pidB = '4781320682406099001';
      const b = detailFixture({ createSec: t - 250, paySec: t - 240 });
      b.order_id = pidB;
      b.doudian_open_id = '1@#BuyerB==';
      b.seller_words = '';
      b.sku_order_list = [{ ...b.sku_order_list[0], order_id: '4781320682406099002', parent_order_id: pidB, item_num: 3, pay_amount: 9900 }];
      api.orders.set(pidB, b);
      const pushB = (tag: string, id: string): string => JSON.stringify([{ tag, msg_id: id, data: `{"p_id":${pidB},"s_ids":[4781320682406099002]}` }]);
      expect(await submit('b1', pushB('101', 'b1'))).toMatchObject({ accepted: 1 });
      api.orders.set(pidB, { ...b, sku_order_list: [{ ...b.sku_order_list[0], main_status: 22, order_status: 4, update_time: t - 60 }] });
      expect(await submit('b2', pushB('206', 'b2'))).toMatchObject({ accepted: 1 });

      // Order C: created, never paid.
      const pidC = '4781320682406099101';
      const c = detailFixture({ createSec: t - 200 });
      c.order_id = pidC;
      c.doudian_open_id = '1@#BuyerC==';
      c.sku_order_list = [{ ...c.sku_order_list[0], order_id: '4781320682406099102', parent_order_id: pidC }];
      api.orders.set(pidC, c);
      expect(await submit('c1', JSON.stringify([{ tag: '100', msg_id: 'c1', data: `{"p_id":${pidC}}` }]))).toMatchObject({ accepted: 1 });

      const truth = {
        paidGmvFen: 17800 + 7800 + 9900,
        refundFen: 5000 + 9900,
        orders: 3,
        units: 2 + 1 + 3,
        buyers: 2,
      };
      const recap = await eventually(async () => {
        const r = (await (await fetch(`${h.url}/api/sessions/latest/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).json()) as Recap;
        expect(r.paidGmvFen).toBe(truth.paidGmvFen);
        return r;
      });
      expect({ paidGmvFen: recap.paidGmvFen, refundFen: recap.refundFen, orders: recap.orders, units: recap.units, buyers: recap.buyers }).toEqual(truth);
      expect(recap.netGmvFen).toBe(truth.paidGmvFen - truth.refundFen);
      expect(recap.byPlatform.doudian.paidGmvFen).toBe(truth.paidGmvFen);
    } finally {
      await h.stop();
    }
  }, 30_000);
});
