/**
 * 有赞 消息推送 (DESIGN §11). 有赞 POSTs JSON `{client_id, id, kdt_id, type, status, msg, msg_id,
 * test, sendCount, version, …}` with `Event-Sign` = md5(client_id + raw body + client_secret) in hex;
 * `msg` is the message itself, URL-encoded JSON. The source's `appId` is the client_id and `secret`
 * the client_secret (有赞云 → 应用 → 应用凭证). Every message is answered `{"code":0,"msg":"success"}`,
 * the console's test message (`test: true`) too, and nothing of it is kept.
 *
 * Trade messages (`trade_TradeCreate`, `trade_TradeBuyerPay`, `trade_TradePaid`, `trade_TradeSuccess`,
 * `trade_TradeClose`, the older `TRADE_ORDER_STATE`) carry `full_order_info`: one order per line of
 * `orders` (`oid`), amounts in yuan as decimal strings. Refund messages (`trade_refund_*`,
 * `TRADE_REFUND`) name the lines (`oid`/`oids`) and the refunded amount; `…RefundSuccess` counts.
 * Times without a zone are 有赞's, Beijing time.
 */
import crypto from 'node:crypto';
import type { HookAdapter, MapContext, MapResult, SourceConfig, StoredDelivery } from '../types.js';
import { decimalToFen } from '../money.js';
import { attribute, bad, bodyHash, buyerId, hexMatches, idText, jsonAnswer, lineSku, ok, orderLine, parsePayload, statusId, timeMs } from './kit.js';
import { parseJsonLossless } from './lossless-json.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Obj => x !== null) : []);

const SUCCESS = jsonAnswer(200, { code: 0, msg: 'success' });

/** "2021-04-01 11:28:06" in Beijing time → epoch ms. */
function beijing(v: unknown): number | null {
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d$/.test(v.trim())) return timeMs(`${v.trim().replace(' ', 'T')}+08:00`);
  return timeMs(v);
}

/** 有赞's trade statuses as LiveDeck's. */
function tradeStatus(type: string, status: string): 'created' | 'paid' | 'cancelled' | null {
  if (/TradeClose$/i.test(type) || status === 'TRADE_CLOSED' || status === 'TRADE_CLOSED_BY_USER') return 'cancelled';
  if (/Trade(BuyerPay|Paid|Success|PartlySellerShip|SellerShip)$/i.test(type)) return 'paid';
  if (['WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_SUCCESS', 'TRADE_PAID', 'TRADE_BUYER_SIGNED', 'WAIT_GROUP'].includes(status)) return 'paid';
  if (/TradeCreate$/i.test(type) || status === 'WAIT_BUYER_PAY' || status === 'TRADE_NO_CREATE_PAY' || status === 'WAIT_PAY_RETURN') return 'created';
  return null;
}

/** The message inside: URL-encoded JSON (form encoding: `+` is a space). */
function decodeMsg(raw: unknown): { ok: true; value: Obj } | { ok: false; result: MapResult } {
  if (typeof raw !== 'string') return { ok: false, result: bad('bad_shape', 'the message has no msg') };
  let text: string;
  try {
    text = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch (err) {
    return { ok: false, result: bad('bad_json', `msg is not URL-encoded (${(err as Error).message.slice(0, 120)})`) };
  }
  const parsed = parseJsonLossless(text);
  if (!parsed.ok) return { ok: false, result: bad('bad_json', `msg is not URL-encoded JSON: ${parsed.message}`) };
  const o = obj(parsed.value);
  return o ? { ok: true, value: o } : { ok: false, result: bad('bad_shape', 'msg is not a JSON object') };
}

function mapTrade(envelope: Obj, msg: Obj, delivery: StoredDelivery, source: SourceConfig, ctx: MapContext): MapResult {
  const type = String(envelope.type ?? delivery.topic);
  const full = obj(msg.full_order_info);
  // The older TRADE_ORDER_STATE carries only the trade's id and status: nothing to count per line.
  if (!full) return ok([]);
  const info = obj(full.order_info);
  const tid = idText(info?.tid ?? msg.tid ?? envelope.id);
  if (!info || !tid) return bad('bad_shape', 'full_order_info has no order_info.tid');
  const status = tradeStatus(type, String(info.status ?? envelope.status ?? ''));
  if (!status) return ok([]);
  const buyer = obj(full.buyer_info);
  const userId = buyerId(idText(buyer?.buyer_id) ?? (typeof buyer?.yz_open_id === 'string' ? buyer.yz_open_id : null), buyer?.buyer_phone) ?? `trade:${tid}`;
  const remark = obj(full.remark_info);
  // 有赞 has no note attributes: an order's 买家留言/备注 may carry `livedeck_deal=…` lines, or its extra map.
  const extra = obj(info.order_extra);
  const notes = `${String(remark?.buyer_message ?? '')}\n${String(remark?.trade_memo ?? '')}`;
  const fromNotes = (name: string) => new RegExp(`${name}\\s*[=:：]\\s*([A-Za-z0-9_.:-]{1,128})`).exec(notes)?.[1];
  const pairs = extra ? Object.entries(extra).map(([name, value]) => ({ name, value })) : [];
  const dealId = attribute(pairs, 'livedeck_deal') ?? fromNotes('livedeck_deal');
  const promoter = attribute(pairs, 'livedeck_promoter') ?? fromNotes('livedeck_promoter');
  const ts =
    (status === 'cancelled' ? beijing(info.update_time) : status === 'paid' ? (beijing(info.pay_time) ?? beijing(info.update_time)) : beijing(info.created)) ??
    beijing(info.update_time) ??
    delivery.receivedAt;
  const records: Obj[] = [];
  if (!Array.isArray(full.orders)) return bad('bad_shape', `trade ${tid} has no orders`);
  for (const line of list(full.orders)) {
    const oid = idText(line.oid);
    const qty = typeof line.num === 'string' ? Number(line.num) : line.num;
    if (!oid || typeof qty !== 'number' || !Number.isSafeInteger(qty) || qty < 1) return bad('bad_shape', `trade ${tid}: a line has no oid or num`);
    // `payment` is what the buyer pays for the line after discounts.
    const amount = decimalToFen(line.payment ?? line.total_fee);
    if (!amount.ok) return bad('bad_amount', `trade ${tid} line ${oid} payment: ${amount.message}`);
    const skuId = idText(line.sku_id);
    const sku = lineSku(ctx, {
      sku: (typeof line.outer_sku_id === 'string' && line.outer_sku_id) || (typeof line.outer_item_id === 'string' && line.outer_item_id) || null,
      productId: idText(line.item_id),
      variantId: skuId === '0' ? null : skuId,
    });
    if (!sku) return bad('bad_shape', `trade ${tid} line ${oid} has no item`);
    const orderId = `${tid}-${oid}`;
    records.push(orderLine({ platform: source.platform, id: statusId(orderId, status), ts, orderId, userId, sku, qty, amountFen: amount.fen, status, dealId, promoter }));
  }
  return ok(records);
}

/**
 * A refund that went through: its lines refunded by the amount it names. A refund message carries no
 * line price: the event's own amount is the refund (the order's earlier events say what it cost).
 */
function mapRefund(envelope: Obj, msg: Obj, delivery: StoredDelivery, source: SourceConfig): MapResult {
  const type = String(envelope.type ?? delivery.topic);
  const state = String(msg.status ?? envelope.status ?? '');
  if (!/RefundSuccess$/i.test(type) && state !== 'SUCCESS' && state !== 'REFUND_SUCCESS') return ok([]);
  const tid = idText(msg.tid);
  const oids = String(msg.oids ?? msg.oid ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!tid || oids.length === 0) return bad('bad_shape', 'the refund names no tid and oid');
  const fee = decimalToFen(msg.refunded_fee ?? msg.refund_fee ?? msg.refund_amount);
  if (!fee.ok) return bad('bad_amount', `refund of trade ${tid}: ${fee.message}`);
  const refundId = idText(msg.refund_id) ?? delivery.deliveryId;
  const ts = beijing(msg.update_time) ?? beijing(msg.created) ?? delivery.receivedAt;
  // Several lines in one refund: the amount is laid on the first (有赞 refunds line by line in practice).
  return ok(
    oids.map((oid, i) => {
      const orderId = `${tid}-${oid}`;
      const refundFen = i === 0 ? fee.fen : 0;
      return {
        type: 'order',
        platform: source.platform,
        id: `${orderId}:refund:${refundId}`,
        ts,
        orderId,
        userId: `trade:${tid}`,
        sku: `youzan-refund`,
        qty: 1,
        amountFen: refundFen,
        status: 'paid',
        refundFen,
      };
    }),
  );
}

export const youzan: HookAdapter = {
  kind: 'youzan',
  needs: ['appId', 'secret'],
  verify(req, source) {
    if (req.method === 'GET') return { kind: 'answer', answer: SUCCESS };
    const expected = crypto
      .createHash('md5')
      .update(source.appId ?? '')
      .update(req.body)
      .update(source.secret ?? '')
      .digest('hex');
    const given = req.headers['event-sign'];
    if (!hexMatches(expected, given)) return { kind: 'forged', reason: given ? 'Event-Sign does not match' : 'no Event-Sign header' };
    // Signed: the envelope may be read now.
    const parsed = parseJsonLossless(req.body.toString('utf8'));
    const envelope: Obj | null = parsed.ok ? obj(parsed.value) : null;
    if (envelope?.test === true) return { kind: 'answer', answer: SUCCESS };
    const msgId = idText(envelope?.msg_id);
    const type = typeof envelope?.type === 'string' ? envelope.type : (req.headers['event-type'] ?? 'unknown');
    return {
      kind: 'delivery',
      // Older messages have no msg_id: the trade id, type, status and version name one push.
      deliveryId: msgId ?? (envelope && envelope.id !== undefined ? `${String(envelope.id)}:${type}:${String(envelope.status ?? '')}:${String(envelope.version ?? '')}` : bodyHash(req.body)),
      topic: type.slice(0, 64),
      payload: req.body.toString('utf8'),
      answer: SUCCESS,
    };
  },
  async map(delivery, source, ctx) {
    const parsed = parsePayload(delivery.payload);
    if (!parsed.ok) return parsed.result;
    const envelope = parsed.value;
    const type = String(envelope.type ?? delivery.topic);
    const isRefund = /refund/i.test(type);
    const isTrade = /^trade/i.test(type) || type === 'TRADE_ORDER_STATE';
    if (!isRefund && !isTrade) return ok([]);
    const msg = decodeMsg(envelope.msg);
    if (!msg.ok) return msg.result;
    return isRefund ? mapRefund(envelope, msg.value, delivery, source) : mapTrade(envelope, msg.value, delivery, source, ctx);
  },
};
