/** 有赞 on loopback: Event-Sign, URL-encoded msg, the test message, trades and refunds. */
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startTestHub, type TestHub } from '../support/hub.js';
import { control, fixture, postHook, recapOf, sourcesOf } from './shop-support.js';

const CLIENT_ID = 'c346b8b39599aaa677';
const CLIENT_SECRET = 'youzan-client-secret-0001';
let t: TestHub;
beforeEach(async () => {
  t = await startTestHub();
  expect((await control(t.url, 'source.add', { kind: 'youzan', id: 'mini-mall', appId: CLIENT_ID, secret: CLIENT_SECRET })).body.ok).toBe(true);
});
afterEach(async () => {
  await t.stop();
});

/** 有赞's clock: Beijing time without a zone. */
const beijingAgo = (ms: number) => new Date(Date.now() - ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/** The published trade, moved to now and set to `type` / `status`. */
function trade(type: string, status: string): string {
  const env = JSON.parse(fixture('youzan', 'trade-create.json'));
  const msg = JSON.parse(decodeURIComponent(env.msg));
  Object.assign(msg.full_order_info.order_info, { status, created: beijingAgo(120_000), update_time: beijingAgo(60_000), pay_time: status === 'WAIT_BUYER_PAY' ? '' : beijingAgo(60_000) });
  return JSON.stringify({ ...env, type, status, msg: encodeURIComponent(JSON.stringify(msg)), msg_id: crypto.randomUUID() });
}

const sign = (body: string, secret = CLIENT_SECRET) =>
  crypto
    .createHash('md5')
    .update(CLIENT_ID + body + secret)
    .digest('hex');
const push = (body: string, secret = CLIENT_SECRET) => postHook(t.url, 'mini-mall', body, { 'event-sign': sign(body, secret), 'event-type': JSON.parse(body).type, 'client-id': CLIENT_ID });

describe('有赞 消息推送', () => {
  it('answers the console’s test message with success and keeps nothing', async () => {
    const body = JSON.stringify({ client_id: CLIENT_ID, id: 'test', kdt_id: 1, type: 'TRADE_ORDER_STATE', status: 'TEST', msg: '', test: true, sendCount: 0, version: 1 });
    const r = await push(body);
    expect(r).toEqual({ status: 200, text: '{"code":0,"msg":"success"}' });
    expect(t.hub.db.prepare('SELECT count(*) FROM source_deliveries').pluck().get()).toBe(0);
  });

  it('turns the published trade, its payment and a refund into the recap; the promoter from the buyer’s note', async () => {
    expect(await push(trade('trade_TradeCreate', 'WAIT_BUYER_PAY'))).toEqual({ status: 200, text: '{"code":0,"msg":"success"}' });
    const paid = trade('trade_TradeBuyerPay', 'WAIT_SELLER_SEND_GOODS');
    expect((await push(paid)).status).toBe(200);
    // One line: 2 × ¥89.00 less a ¥20.00 discount, paid ¥158.00.
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 15800, orders: 1, units: 2, buyers: 1, refundFen: 0 }));
    // The same push again (有赞 retries with the same msg_id): counted once.
    expect((await push(paid)).status).toBe(200);
    const refundMsg = { tid: 'E20210401112806094800009', oids: '2797062761566175276', refund_id: '201904161546460000', refunded_fee: '79.00', update_time: beijingAgo(10_000) };
    const refund = JSON.stringify({
      client_id: CLIENT_ID,
      id: 'E20210401112806094800009',
      kdt_id: 13027865,
      type: 'trade_refund_RefundSuccess',
      status: 'SUCCESS',
      msg: encodeURIComponent(JSON.stringify(refundMsg)),
      msg_id: 'refund-1',
      test: false,
      sendCount: 0,
      version: 2,
    });
    expect((await push(refund)).status).toBe(200);
    await eventually(async () => expect(await recapOf(t.url)).toMatchObject({ paidGmvFen: 15800, orders: 1, refundFen: 7900 }));
    expect(t.hub.db.prepare("SELECT order_id, sku, user_id, promoter, status FROM orders WHERE platform = 'youzan'").get()).toEqual({
      order_id: 'E20210401112806094800009-2797062761566175276',
      sku: '200107004',
      user_id: '1111999412',
      promoter: 'xiaomei',
      status: 'paid',
    });
    expect((await sourcesOf(t.url))[0]).toMatchObject({ deliveries: 3, duplicates: 1, mappingErrors: 0, state: 'connected' });
  });

  it('refuses a message signed with another secret, and keeps a signed msg that is not JSON as failed', async () => {
    expect((await push(trade('trade_TradeCreate', 'WAIT_BUYER_PAY'), 'other-secret')).status).toBe(401);
    const bad = JSON.stringify({ client_id: CLIENT_ID, id: 'E1', type: 'trade_TradeCreate', status: 'WAIT_BUYER_PAY', msg: '%7Bnot-json', msg_id: 'bad-1', test: false });
    expect((await push(bad)).status).toBe(200);
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ badSignatures: 1, mappingErrors: 1, deliveries: 1, state: 'error' }));
  });
});
