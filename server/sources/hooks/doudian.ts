/**
 * 抖店 (Douyin shop) 消息推送 → LiveDeck order events (DESIGN §11).
 *
 * The push: `POST` with a JSON array `[{tag, msg_id, data}]`, `data` itself a JSON *string*, and the
 * headers `app-id` (the app key), `event-sign` and `sign-method`. `event-sign` is the hex of
 * md5(app_key + body + app_secret), or with `sign-method: hmac-sha256` the hex HMAC-SHA256 keyed by
 * app_secret over the same string. The check runs over the raw bytes before anything is parsed.
 * 抖店 expects `{"code":0,"msg":"success"}` to every push, the `tag: "0"` check it sends when the push
 * URL is saved included (answered, not stored).
 *
 * Order pushes (tags 100–110) and after-sale pushes (200–227) carry the parent order id `p_id`, the
 * sub-order ids and a status, not the lines. So `map` asks `/order/orderDetail` at the source's
 * `apiUrl`, signed by 抖店's open-API recipe (sign over app_secret + "app_key…method…param_json…
 * timestamp…v2" + app_secret, HMAC-SHA256 keyed by app_secret, `sign_method=hmac-sha256`), with an
 * access token from `/token/create` (`grant_type=authorization_self`). One order event per sub-order
 * (`sku_order_list[]`), id'd by the sub-order id. All 抖店 ids are 64-bit: parsed losslessly.
 */
import crypto from 'node:crypto';
import type { HookAdapter, HookRequest, HookVerdict, MapContext, MapResult, SourceConfig, StoredDelivery } from '../types.js';
import { integerFen } from '../money.js';
import { apiRefused, callApi, clip, noteAttributes, sameSignature, secondsToMs, sha256Hex, TokenCache } from './cn-shop.js';
import { orderLine } from './kit.js';
import { idText, parseJsonLossless, record, wholeNumber } from './lossless-json.js';

/** 抖店's open-API gateway, used when a source has no `apiUrl`. */
export const DOUDIAN_API_URL = 'https://openapi-fxg.jinritemai.com';

const OK_ANSWER = { status: 200, body: '{"code":0,"msg":"success"}', contentType: 'application/json' } as const;

/**
 * The tags whose push is about an order's state (抖店 消息推送 tag list): trade 100 created, 101 paid,
 * 102 shipped, 103 completed, 104 logistics changed, 105 address changed, 106 cancelled, 108 partly
 * shipped, 109 amount changed, 110 paid-pending; refund 200 applied … 206 refund succeeded, 207
 * closed … 227. Other tags (products 400, 417, materials 137, 138 …) carry no order and map to nothing.
 */
export function isOrderTag(tag: string): boolean {
  const n = Number(tag);
  return /^\d{3}$/.test(tag) && ((n >= 100 && n <= 199) || (n >= 200 && n <= 299));
}

/** The refund-succeeded push: it alone carries the refunded amount of one sub-order. */
const TAG_REFUND_SUCCESS = '206';

// ---------------------------------------------------------------------------------------------
// Verify

function verify(req: HookRequest, source: SourceConfig): HookVerdict {
  if (req.method !== 'POST') return { kind: 'answer', answer: { status: 405, body: '{"code":405,"msg":"抖店 pushes are POST"}', contentType: 'application/json' } };
  if (!source.appKey || !source.secret) return { kind: 'forged', reason: 'source has no app key or app secret' };
  const appId = req.headers['app-id'];
  if (appId !== undefined && appId.trim() !== source.appKey) return { kind: 'forged', reason: "app-id is not this source's app key" };
  const method = (req.headers['sign-method'] ?? 'md5').trim().toLowerCase();
  if (method !== 'md5' && method !== 'hmac-sha256') return { kind: 'forged', reason: 'unknown sign-method' };
  if (!sameSignature(eventSign(source.appKey, req.body, source.secret, method), req.headers['event-sign'])) {
    return { kind: 'forged', reason: 'event-sign does not match' };
  }

  // Signed by 抖店: from here on, a body we cannot read is still stored (and marked when mapped).
  const text = req.body.toString('utf8');
  const messages = readMessages(text);
  if (messages.ok && messages.list.length > 0 && messages.list.every((m) => m.tag === '0')) return { kind: 'answer', answer: OK_ANSWER };
  if (!messages.ok || messages.list.length === 0) {
    return { kind: 'delivery', deliveryId: `body:${sha256Hex(req.body).slice(0, 40)}`, topic: 'unknown', payload: text, answer: OK_ANSWER };
  }
  const ids = messages.list.map((m) => m.msgId ?? '').filter((id) => id !== '');
  const deliveryId =
    ids.length === messages.list.length && ids.length === 1 && ids[0].length <= 120
      ? ids[0]
      : ids.length === messages.list.length
        ? `batch:${sha256Hex([...ids].sort().join('\n')).slice(0, 40)}`
        : `body:${sha256Hex(req.body).slice(0, 40)}`;
  const topic = [...new Set(messages.list.map((m) => m.tag))].join(',').slice(0, 64);
  return { kind: 'delivery', deliveryId, topic, payload: text, answer: OK_ANSWER };
}

/** `event-sign` for a push body: hex md5 or hex HMAC-SHA256(app_secret) of app_key + body + app_secret. */
export function eventSign(appKey: string, body: Buffer | string, secret: string, method: 'md5' | 'hmac-sha256' | string = 'md5'): string {
  const h = method === 'hmac-sha256' ? crypto.createHmac('sha256', secret) : crypto.createHash('md5');
  return h.update(appKey).update(body).update(secret).digest('hex');
}

interface PushMessage {
  tag: string;
  msgId?: string;
  data: unknown;
}

function readMessages(text: string): { ok: true; list: PushMessage[] } | { ok: false; message: string } {
  const parsed = parseJsonLossless(text);
  if (!parsed.ok) return parsed;
  if (!Array.isArray(parsed.value)) return { ok: false, message: 'the push body is not a JSON array of messages' };
  const list: PushMessage[] = [];
  for (const [i, item] of parsed.value.entries()) {
    const m = record(item);
    const tag = m ? idText(m.tag) : undefined;
    if (!m || tag === undefined) return { ok: false, message: `message ${i} has no tag` };
    list.push({ tag, msgId: idText(m.msg_id), data: m.data });
  }
  return { ok: true, list };
}

// ---------------------------------------------------------------------------------------------
// Map

/** What the pushes of one delivery say about one parent order. */
interface OrderNews {
  /** sub-order id → refunded amount (fen) and when, from tag 206. */
  refunds: Map<string, { fen: number; atMs?: number }>;
}

async function map(delivery: StoredDelivery, source: SourceConfig, ctx: MapContext): Promise<MapResult> {
  const messages = readMessages(delivery.payload);
  if (!messages.ok) return { ok: false, code: 'bad_payload', message: messages.message, retry: false };

  const orders = new Map<string, OrderNews>();
  for (const [i, m] of messages.list.entries()) {
    if (!isOrderTag(m.tag)) continue;
    const data = typeof m.data === 'string' ? parseJsonLossless(m.data) : { ok: true as const, value: m.data };
    const fields = data.ok ? record(data.value) : undefined;
    const pid = fields ? idText(fields.p_id) : undefined;
    if (!fields || pid === undefined) return { ok: false, code: 'bad_payload', message: `message ${i} (tag ${m.tag}) has no p_id in its data`, retry: false };
    const news = orders.get(pid) ?? { refunds: new Map() };
    orders.set(pid, news);
    const sid = idText(fields.s_id);
    const refund = integerFen(fields.refund_amount);
    if (m.tag === TAG_REFUND_SUCCESS && sid !== undefined && refund.ok && refund.fen > 0) {
      news.refunds.set(sid, { fen: refund.fen, atMs: secondsToMs(wholeNumber(fields.success_time) ?? wholeNumber(fields.update_time)) });
    }
  }
  if (orders.size === 0) return { ok: true, records: [] };
  if (!source.appKey || !source.secret) return { ok: false, code: 'not_configured', message: 'the source has no app key or app secret', retry: false };

  const records: Record<string, unknown>[] = [];
  for (const [pid, news] of orders) {
    const detail = await orderDetail(pid, source, ctx);
    if (!detail.ok) return detail.result;
    const lines = linesOf(detail.order, pid, news, source, ctx, delivery.receivedAt);
    if (!lines.ok) return lines;
    records.push(...lines.records);
  }
  return { ok: true, records };
}

const tokens = new TokenCache();

type Detail = { ok: true; order: Record<string, unknown> } | { ok: false; result: Extract<MapResult, { ok: false }> };

async function orderDetail(pid: string, source: SourceConfig, ctx: MapContext): Promise<Detail> {
  const key = tokens.key(source.id, source.appKey, source.secret, source.apiUrl);
  let token = tokens.get(key, ctx.now());
  if (token === undefined) {
    const created = await callOpenApi('/token/create', { code: '', grant_type: 'authorization_self' }, undefined, source, ctx);
    if (!created.ok) return created;
    const data = record(created.data);
    const accessToken = data ? idText(data.access_token) : undefined;
    if (!data || accessToken === undefined) return { ok: false, result: { ok: false, code: 'api_error', message: 'the 抖店 token API answered without an access_token', retry: true } };
    token = accessToken;
    tokens.set(key, token, wholeNumber(data.expires_in), ctx.now());
  }
  const answer = await callOpenApi('/order/orderDetail', { shop_order_id: pid }, token, source, ctx);
  if (!answer.ok) {
    // Whatever went wrong, the next attempt starts with a fresh token (an expired one is the usual cause).
    tokens.drop(key);
    return answer;
  }
  const order = record(record(answer.data)?.shop_order_detail);
  if (!order) return { ok: false, result: { ok: false, code: 'bad_order', message: `the 抖店 order API answered no shop_order_detail for order ${pid}`, retry: true } };
  return { ok: true, order };
}

/**
 * One signed call to 抖店's open API: `POST {apiUrl}{path}?app_key&method&v=2&timestamp&sign&sign_method
 * [&access_token]` with the sorted `param_json` as the body. Success is `code: 10000` (or the older
 * `err_no: 0`); anything else is retried later.
 */
async function callOpenApi(
  path: string,
  params: Record<string, unknown>,
  accessToken: string | undefined,
  source: SourceConfig,
  ctx: MapContext,
): Promise<{ ok: true; data: unknown } | { ok: false; result: Extract<MapResult, { ok: false }> }> {
  const method = path.replace(/^\//, '').replace(/\//g, '.');
  const paramJson = sortedJson(params);
  const timestamp = String(Math.floor(ctx.now() / 1000));
  const query = new URLSearchParams({
    app_key: source.appKey!,
    method,
    v: '2',
    timestamp,
    sign: openApiSign(source.appKey!, source.secret!, method, paramJson, timestamp, 'hmac-sha256'),
    sign_method: 'hmac-sha256',
  });
  if (accessToken !== undefined) query.set('access_token', accessToken);
  const base = (source.apiUrl ?? DOUDIAN_API_URL).replace(/\/+$/, '');
  const answer = await callApi(ctx.fetch, `${base}${path}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: paramJson }, '抖店');
  if (!answer.ok) return answer;
  const { body } = answer;
  const success = body.code === 10000 || body.code === '10000' || body.err_no === 0;
  if (!success) return { ok: false, result: apiRefused('抖店', body.code ?? body.err_no, body.sub_msg ?? body.msg ?? body.message) };
  return { ok: true, data: body.data };
}

/**
 * 抖店's open-API signature: over app_secret + "app_key{k}method{m}param_json{p}timestamp{t}v2" +
 * app_secret, hex HMAC-SHA256 keyed by app_secret (`sign_method=hmac-sha256`) or hex md5 (`md5`).
 */
export function openApiSign(appKey: string, secret: string, method: string, paramJson: string, timestamp: string, signMethod: 'hmac-sha256' | 'md5'): string {
  const pattern = `${secret}app_key${appKey}method${method}param_json${paramJson}timestamp${timestamp}v2${secret}`;
  return signMethod === 'md5' ? crypto.createHash('md5').update(pattern).digest('hex') : crypto.createHmac('sha256', secret).update(pattern).digest('hex');
}

/** JSON with object keys sorted at every level, no spaces: the `param_json` 抖店 signs. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  const obj = record(value);
  if (obj) {
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Sub-order `main_status` values that mean the line's money went back in full (退款完结). */
const REFUNDED_MAIN = new Set([21, 22, 39]);
/** Sub-order `order_status` values of a paid line: 105 paid, 2 备货中, 101 partly shipped, 3 shipped, 5 completed. */
const PAID_STATUS = new Set([105, 2, 101, 3, 5]);

/** Turns one `shop_order_detail` into order events, one per `sku_order_list` entry. */
function linesOf(order: Record<string, unknown>, pid: string, news: OrderNews, source: SourceConfig, ctx: MapContext, receivedAt: number): MapResult {
  const list = order.sku_order_list;
  if (!Array.isArray(list) || list.length === 0) return { ok: false, code: 'bad_order', message: `抖店 order ${pid} has no sku_order_list`, retry: false };
  const userId = clip(idText(order.doudian_open_id) ?? idText(order.open_id)) ?? `anon-${pid}`;
  const notes = noteAttributes(order.seller_words, order.buyer_words);
  const records: Record<string, unknown>[] = [];
  for (const [i, item] of list.entries()) {
    const s = record(item);
    const lineId = s ? idText(s.order_id) : undefined;
    if (!s || lineId === undefined) return { ok: false, code: 'bad_order', message: `抖店 order ${pid}: sku_order_list[${i}] has no order_id`, retry: false };
    const qty = wholeNumber(s.item_num);
    if (qty === undefined || qty < 1) return { ok: false, code: 'bad_order', message: `抖店 order ${pid}: sub-order ${lineId} has no item_num`, retry: false };
    const paid = integerFen(s.pay_amount);
    if (!paid.ok) return { ok: false, code: paid.code, message: `抖店 order ${pid}: sub-order ${lineId}: ${paid.message}`, retry: false };

    const productId = idText(s.product_id_str) ?? idText(s.product_id);
    const skuId = idText(s.sku_id);
    const ownSku = idText(s.code) ?? idText(s.out_sku_id);
    const sku = clip(ctx.skuFor({ sku: ownSku, productId, variantId: skuId }) ?? ownSku ?? `${productId ?? pid}:${skuId ?? lineId}`, 64)!;

    const { status, refundFen, atMs } = statusOf(s, news.refunds.get(lineId), paid.fen);
    const ts = atMs ?? receivedAt;
    // A partial refund is a new fact each time its amount grows, so the amount is part of the id.
    const id = refundFen !== undefined ? `${lineId}:refund:${refundFen}` : `${lineId}:${status}`;
    const author = wholeNumber(s.author_id);
    // 精选联盟 (c_biz 2): a 达人 sold the line, the nearest thing 抖店 has to a promoter.
    const promoter = notes.promoter ?? (wholeNumber(s.c_biz) === 2 && author ? `douyin:${author}` : undefined);
    records.push(orderLine({ platform: source.platform, id, ts, orderId: lineId, userId, sku, qty, amountFen: paid.fen, status, refundFen, dealId: notes.dealId, promoter }));
  }
  return { ok: true, records };
}

/**
 * A sub-order's LiveDeck status and the time it took it. Refunded when 抖店 says the refund is complete
 * (main_status 21/22/39, or an after-sale refund that succeeded), or when a 206 push refunded it all;
 * partly refunded (`refundFen`) when a 206 push refunded less than was paid; a line cancelled after
 * payment is refunded too (its money went back); else created / paid / cancelled by `order_status`.
 */
function statusOf(
  s: Record<string, unknown>,
  pushedRefund: { fen: number; atMs?: number } | undefined,
  paidFen: number,
): { status: 'created' | 'paid' | 'cancelled' | 'refunded'; refundFen?: number; atMs?: number } {
  const main = wholeNumber(s.main_status);
  const orderStatus = wholeNumber(s.order_status);
  const payMs = secondsToMs(wholeNumber(s.pay_time));
  const updateMs = secondsToMs(wholeNumber(s.update_time));
  const afterSale = record(s.after_sale_info);
  const refundDone =
    (main !== undefined && REFUNDED_MAIN.has(main)) || (afterSale !== undefined && wholeNumber(afterSale.refund_status) === 3 && [0, 1, 2].includes(wholeNumber(afterSale.after_sale_type) ?? -1));
  if (pushedRefund && pushedRefund.fen < paidFen && !(main !== undefined && REFUNDED_MAIN.has(main))) {
    return { status: 'paid', refundFen: pushedRefund.fen, atMs: pushedRefund.atMs ?? updateMs };
  }
  if (refundDone || (pushedRefund && pushedRefund.fen >= paidFen)) return { status: 'refunded', atMs: pushedRefund?.atMs ?? updateMs };
  if (orderStatus === 4) return payMs !== undefined ? { status: 'refunded', atMs: updateMs } : { status: 'cancelled', atMs: updateMs };
  if (orderStatus !== undefined && PAID_STATUS.has(orderStatus)) return { status: 'paid', atMs: payMs ?? updateMs };
  if (orderStatus === 1 || payMs === undefined) return { status: 'created', atMs: secondsToMs(wholeNumber(s.create_time)) };
  return { status: 'paid', atMs: payMs };
}

export const doudian: HookAdapter = {
  kind: 'doudian',
  needs: ['appKey', 'secret'],
  may: ['apiUrl'],
  verify,
  map,
};
