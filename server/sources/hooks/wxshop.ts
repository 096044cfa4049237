/**
 * 微信小店 (WeChat shop) 消息推送 → LiveDeck order events (DESIGN §11).
 *
 * WeChat's push protocol (the one 公众号, 小程序 and 小店 share, data format JSON):
 * - URL check: `GET ?signature&timestamp&nonce&echostr`, signature = sha1 of the sorted concatenation
 *   of [token, timestamp, nonce]; answered with `echostr`. When the check comes with `msg_signature`
 *   (safe mode) the signature also covers `echostr`, which is encrypted, and the answer is its plaintext.
 * - Safe mode (安全模式, an EncodingAESKey is set): `POST ?timestamp&nonce&msg_signature` with
 *   `{"ToUserName", "Encrypt"}`; msg_signature = sha1(sorted [token, timestamp, nonce, Encrypt]).
 *   Encrypt is AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7
 *   padded to a multiple of 32; the plaintext is random(16) + 4-byte big-endian length + message +
 *   the receiving appId, which must be this shop's. Checked before the message is parsed.
 * - Plain mode (no EncodingAESKey): `signature` as in the URL check; the body is the message. The
 *   signature does not cover the body, so safe mode is what the README recommends.
 * Every push is answered `success`.
 *
 * Order events (`channels_ec_order_*`) and after-sale updates (`channels_ec_aftersale_update`) carry an
 * order id only, a 64-bit integer kept as a string; `map` asks `/channels/ec/order/get` at the
 * source's `apiUrl` with an access token from `/cgi-bin/stable_token` (the stable token does not
 * invalidate the one a studio's other tools hold) and makes one event per `product_infos[]` line,
 * id'd `<order_id>-<sku_id>`.
 */
import crypto from 'node:crypto';
import type { HookAdapter, HookRequest, HookVerdict, MapContext, MapResult, SourceConfig, StoredDelivery } from '../types.js';
import { integerFen } from '../money.js';
import { apiRefused, callApi, clip, noteAttributes, sameSignature, secondsToMs, sha256Hex, TokenCache } from './cn-shop.js';
import { orderLine } from './kit.js';
import { idText, parseJsonLossless, record, wholeNumber } from './lossless-json.js';

/** WeChat's API host, used when a source has no `apiUrl`. */
export const WXSHOP_API_URL = 'https://api.weixin.qq.com';

const SUCCESS = { status: 200, body: 'success', contentType: 'text/plain; charset=utf-8' } as const;

/** An `Encrypt` longer than this is no push of ours (a 1 MiB body cap applies at the door anyway). */
const MAX_ENCRYPT_CHARS = 1_400_000;

// ---------------------------------------------------------------------------------------------
// The WeChat message crypto (sha1 signatures, AES-256-CBC)

/** sha1 hex of the sorted, concatenated parts: WeChat's `signature` and `msg_signature`. */
export function wxSignature(...parts: string[]): string {
  return crypto
    .createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** The 32-byte AES key of a 43-character EncodingAESKey, or null when it is not one. */
export function aesKeyBytes(encodingAesKey: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) return null;
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  return key.length === 32 ? key : null;
}

export type Decrypted = { ok: true; message: string; appId: string } | { ok: false; reason: string };

/** Decrypts an `Encrypt` (or a safe-mode `echostr`) with the shop's EncodingAESKey. */
export function wxDecrypt(encodingAesKey: string, encrypted: string): Decrypted {
  const key = aesKeyBytes(encodingAesKey);
  if (!key) return { ok: false, reason: "the source's EncodingAESKey is not 43 base64 characters" };
  const data = Buffer.from(encrypted.replace(/ /g, '+'), 'base64');
  if (data.length === 0 || data.length % 16 !== 0) return { ok: false, reason: 'Encrypt is not whole AES blocks' };
  let plain: Buffer;
  try {
    const decipher = crypto.createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return { ok: false, reason: 'Encrypt does not decrypt' };
  }
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > 32 || pad > plain.length) return { ok: false, reason: "Encrypt does not decrypt with this source's EncodingAESKey" };
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) return { ok: false, reason: "Encrypt does not decrypt with this source's EncodingAESKey" };
  const length = body.readUInt32BE(16);
  if (20 + length > body.length) return { ok: false, reason: "Encrypt does not decrypt with this source's EncodingAESKey" };
  return { ok: true, message: body.subarray(20, 20 + length).toString('utf8'), appId: body.subarray(20 + length).toString('utf8') };
}

/** Encrypts a message as WeChat does (for tests and the fake platform): base64 of the AES ciphertext. */
export function wxEncrypt(encodingAesKey: string, message: string, appId: string, random16: Buffer = crypto.randomBytes(16)): string {
  const key = aesKeyBytes(encodingAesKey);
  if (!key) throw new Error('EncodingAESKey must be 43 base64 characters');
  const msg = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length);
  const body = Buffer.concat([random16.subarray(0, 16), length, msg, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (body.length % 32);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

/** The `Encrypt` of a JSON (`"Encrypt":"…"`) or XML (`<Encrypt><![CDATA[…]]></Encrypt>`) body, without parsing it. */
function encryptField(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  const m = /"Encrypt"\s*:\s*"([A-Za-z0-9+/=\\]*)"/.exec(text) ?? /<Encrypt>\s*<!\[CDATA\[([A-Za-z0-9+/=]*)\]\]>\s*<\/Encrypt>/.exec(text);
  if (!m || m[1].length === 0 || m[1].length > MAX_ENCRYPT_CHARS) return undefined;
  return m[1].replace(/\\\//g, '/');
}

// ---------------------------------------------------------------------------------------------
// Verify

function verify(req: HookRequest, source: SourceConfig): HookVerdict {
  if (!source.token) return { kind: 'forged', reason: 'source has no token' };
  const q = req.query;
  const timestamp = q.timestamp ?? '';
  const nonce = q.nonce ?? '';

  if (req.method === 'GET') {
    const echostr = q.echostr;
    if (echostr === undefined) return { kind: 'forged', reason: 'URL check without echostr' };
    if (q.msg_signature !== undefined) {
      const asSent = sameSignature(wxSignature(source.token, timestamp, nonce, echostr), q.msg_signature);
      const plusRestored = !asSent && echostr.includes(' ') && sameSignature(wxSignature(source.token, timestamp, nonce, echostr.replace(/ /g, '+')), q.msg_signature);
      if (!asSent && !plusRestored) return { kind: 'forged', reason: 'msg_signature does not match' };
      if (!source.aesKey) return { kind: 'forged', reason: 'safe-mode URL check but the source has no EncodingAESKey' };
      const plain = wxDecrypt(source.aesKey, echostr);
      if (!plain.ok) return { kind: 'forged', reason: plain.reason };
      if (source.appId && plain.appId !== source.appId) return { kind: 'forged', reason: 'echostr was encrypted for another appId' };
      return { kind: 'answer', answer: { status: 200, body: plain.message, contentType: 'text/plain; charset=utf-8' } };
    }
    if (!sameSignature(wxSignature(source.token, timestamp, nonce), q.signature)) return { kind: 'forged', reason: 'signature does not match' };
    return { kind: 'answer', answer: { status: 200, body: echostr, contentType: 'text/plain; charset=utf-8' } };
  }

  let payload: string;
  if (source.aesKey) {
    const encrypted = encryptField(req.body);
    if (encrypted === undefined) return { kind: 'forged', reason: 'no Encrypt in a safe-mode push' };
    if (!sameSignature(wxSignature(source.token, timestamp, nonce, encrypted), q.msg_signature)) return { kind: 'forged', reason: 'msg_signature does not match' };
    const plain = wxDecrypt(source.aesKey, encrypted);
    if (!plain.ok) return { kind: 'forged', reason: plain.reason };
    if (!source.appId) return { kind: 'forged', reason: 'source has no appId to check the message against' };
    if (plain.appId !== source.appId) return { kind: 'forged', reason: 'the message was encrypted for another appId' };
    payload = plain.message;
  } else {
    if (!sameSignature(wxSignature(source.token, timestamp, nonce), q.signature)) return { kind: 'forged', reason: 'signature does not match' };
    payload = req.body.toString('utf8');
  }

  // WeChat pushes carry no message id; a retry repeats the same plaintext (only the encryption's
  // random prefix differs), so the plaintext's hash is the delivery id.
  const parsed = parseJsonLossless(payload);
  const event = parsed.ok ? record(parsed.value) : undefined;
  const topic = (event && (idText(event.Event) ?? idText(event.MsgType))) ?? 'unknown';
  return { kind: 'delivery', deliveryId: `sha256:${sha256Hex(payload).slice(0, 40)}`, topic: topic.slice(0, 64), payload, answer: SUCCESS };
}

// ---------------------------------------------------------------------------------------------
// Map

/** The order id an event is about, for the events that concern an order's lines; undefined for others. */
function orderIdOf(event: Record<string, unknown>): { about: boolean; orderId?: string } {
  const name = idText(event.Event) ?? '';
  if (name.startsWith('channels_ec_order_')) return { about: true, orderId: idText(record(event.order_info)?.order_id) };
  if (name === 'channels_ec_aftersale_update' || name === 'channels_ec_present_aftersale_update') {
    const info = record(event.finder_shop_aftersale_status_update) ?? record(event.finder_shop_present_aftersale_status_update);
    return { about: true, orderId: idText(info?.order_id) };
  }
  return { about: false };
}

async function map(delivery: StoredDelivery, source: SourceConfig, ctx: MapContext): Promise<MapResult> {
  const parsed = parseJsonLossless(delivery.payload);
  const event = parsed.ok ? record(parsed.value) : undefined;
  if (!event) return { ok: false, code: 'bad_payload', message: 'the message is not a JSON object (set the push 数据格式 to JSON)', retry: false };
  const { about, orderId } = orderIdOf(event);
  if (!about) return { ok: true, records: [] };
  if (orderId === undefined) return { ok: false, code: 'bad_payload', message: `${idText(event.Event)} carries no order_id`, retry: false };
  if (!source.appId || !source.secret) return { ok: false, code: 'not_configured', message: 'the source has no appId or AppSecret for the order API', retry: false };

  const order = await getOrder(orderId, source, ctx);
  if (!order.ok) return order.result;
  return linesOf(order.order, orderId, source, ctx, delivery.receivedAt);
}

const tokens = new TokenCache();
/** WeChat's answers for an access token that expired or was replaced. */
const STALE_TOKEN = new Set([40001, 40014, 42001]);

type Got = { ok: true; order: Record<string, unknown> } | { ok: false; result: Extract<MapResult, { ok: false }> };

async function getOrder(orderId: string, source: SourceConfig, ctx: MapContext): Promise<Got> {
  const base = (source.apiUrl ?? WXSHOP_API_URL).replace(/\/+$/, '');
  const key = tokens.key(source.id, source.appId, source.secret, source.apiUrl);
  let token = tokens.get(key, ctx.now());
  if (token === undefined) {
    const answer = await callApi(
      ctx.fetch,
      `${base}/cgi-bin/stable_token`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credential', appid: source.appId, secret: source.secret, force_refresh: false }) },
      '微信小店 token',
    );
    if (!answer.ok) return answer;
    const accessToken = idText(answer.body.access_token);
    if (accessToken === undefined) return { ok: false, result: apiRefused('微信小店 token', answer.body.errcode, answer.body.errmsg) };
    token = accessToken;
    tokens.set(key, token, wholeNumber(answer.body.expires_in), ctx.now());
  }
  const answer = await callApi(
    ctx.fetch,
    `${base}/channels/ec/order/get?access_token=${encodeURIComponent(token)}`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order_id: orderId }) },
    '微信小店 order',
  );
  if (!answer.ok) return answer;
  const errcode = wholeNumber(answer.body.errcode) ?? 0;
  if (errcode !== 0) {
    if (STALE_TOKEN.has(errcode)) tokens.drop(key);
    return { ok: false, result: apiRefused('微信小店 order', answer.body.errcode, answer.body.errmsg) };
  }
  const order = record(answer.body.order);
  if (!order) return { ok: false, result: { ok: false, code: 'bad_order', message: `the 微信小店 order API answered no order for ${orderId}`, retry: true } };
  return { ok: true, order };
}

/** 微信小店 order `status`: 10 待付款; 12 礼物待收下, 13 凑单买凑团中, 20 待发货, 21 部分发货, 30 待收货, 100 完成; 190 超卖取消, 200 全部售后后取消, 250 取消. */
const UNPAID = 10;
const ALL_AFTER_SALE = 200;
const CANCELLED = new Set([190, 250]);

/** One order event per `product_infos[]` line. */
function linesOf(order: Record<string, unknown>, orderId: string, source: SourceConfig, ctx: MapContext, receivedAt: number): MapResult {
  const detail = record(order.order_detail);
  const products = detail?.product_infos;
  if (!detail || !Array.isArray(products) || products.length === 0) return { ok: false, code: 'bad_order', message: `微信小店 order ${orderId} has no product_infos`, retry: false };
  const status = wholeNumber(order.status);
  const payMs = secondsToMs(wholeNumber(record(detail.pay_info)?.pay_time));
  const createMs = secondsToMs(wholeNumber(order.create_time));
  const updateMs = secondsToMs(wholeNumber(order.update_time));
  const userId = clip(idText(order.openid) ?? idText(order.unionid)) ?? `anon-${orderId}`;
  const ext = record(detail.ext_info);
  const notes = noteAttributes(ext?.customer_notes, ext?.merchant_notes);
  const sharer = clip(idText(record(detail.sharer_info)?.sharer_openid));
  const promoter = notes.promoter ?? sharer;

  const skuIds = products.map((p) => idText(record(p)?.sku_id));
  const records: Record<string, unknown>[] = [];
  for (const [i, item] of products.entries()) {
    const p = record(item);
    if (!p) return { ok: false, code: 'bad_order', message: `微信小店 order ${orderId}: product_infos[${i}] is not an object`, retry: false };
    const skuId = skuIds[i];
    const productId = idText(p.product_id);
    const qty = wholeNumber(p.sku_cnt);
    if (qty === undefined || qty < 1) return { ok: false, code: 'bad_order', message: `微信小店 order ${orderId}: product_infos[${i}] has no sku_cnt`, retry: false };
    // real_price is what the buyer paid for the line; without it, the sale price times the count.
    const unit = integerFen(p.sale_price);
    const amount = p.real_price !== undefined ? integerFen(p.real_price) : unit.ok ? integerFen(unit.fen * qty) : unit;
    if (!amount.ok) return { ok: false, code: amount.code, message: `微信小店 order ${orderId}: product_infos[${i}]: ${amount.message}`, retry: false };

    const duplicate = skuId !== undefined && skuIds.indexOf(skuId) !== skuIds.lastIndexOf(skuId);
    const lineId = clip(`${orderId}-${skuId ?? i}${duplicate ? `-${i}` : ''}`)!;
    const ownSku = idText(p.sku_code) ?? idText(p.out_sku_id);
    const sku = clip(ctx.skuFor({ sku: ownSku, productId, variantId: skuId }) ?? ownSku ?? `${productId ?? orderId}:${skuId ?? i}`, 64)!;

    const finished = wholeNumber(p.finish_aftersale_sku_cnt) ?? 0;
    let line: { status: 'created' | 'paid' | 'cancelled' | 'refunded'; refundFen?: number; atMs?: number };
    if (status === UNPAID) line = { status: 'created', atMs: createMs };
    else if (status === ALL_AFTER_SALE) line = { status: 'refunded', atMs: updateMs };
    else if (status !== undefined && CANCELLED.has(status)) line = payMs !== undefined ? { status: 'refunded', atMs: updateMs } : { status: 'cancelled', atMs: updateMs };
    else if (payMs === undefined) line = { status: 'created', atMs: createMs };
    else if (finished >= qty) line = { status: 'refunded', atMs: updateMs };
    else if (finished > 0) {
      // Units refunded of the line, priced at the line's own average: integer arithmetic, rounded down.
      line = { status: 'paid', refundFen: Number((BigInt(amount.fen) * BigInt(finished)) / BigInt(qty)), atMs: updateMs };
    } else line = { status: 'paid', atMs: payMs };

    records.push(
      orderLine({
        platform: source.platform,
        id: line.refundFen !== undefined ? `${lineId}:refund:${line.refundFen}` : `${lineId}:${line.status}`,
        ts: line.atMs ?? receivedAt,
        orderId: lineId,
        userId,
        sku,
        qty,
        amountFen: amount.fen,
        status: line.status,
        refundFen: line.refundFen,
        dealId: notes.dealId,
        promoter,
      }),
    );
  }
  return { ok: true, records };
}

export const wxshop: HookAdapter = {
  kind: 'wxshop',
  needs: ['token', 'aesKey', 'appId', 'secret'],
  may: ['apiUrl'],
  verify,
  map,
};
