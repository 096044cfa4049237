/**
 * Shopify webhooks (DESIGN §11). Shopify signs each delivery with `X-Shopify-Hmac-Sha256`: the base64
 * HMAC-SHA256 of the raw body under the app's client secret (or, for a webhook made in the shop admin
 * under Settings → Notifications, the secret shown there). `X-Shopify-Webhook-Id` is the same on every
 * retry of one delivery; `X-Shopify-Topic` names it.
 *
 * Topics: `orders/create`, `orders/paid`, `orders/cancelled`, `orders/updated` (its `refunds` carry
 * every refund so far, so partial refunds made in steps add up) and `refunds/create` (one refund).
 * Other topics are stored and map to nothing. Ids are 64-bit: kept as strings.
 */
import type { HookAdapter, MapContext, MapResult, StoredDelivery, SourceConfig } from '../types.js';
import { decimalToFen } from '../money.js';
import { attribute, bad, base64HmacMatches, bodyHash, buyerId, idText, lineSku, ok, orderLine, parsePayload, statusId, text, timeMs } from './kit.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Obj => x !== null) : []);

/**
 * A line's own money: unit price × qty, less its discounts, in fen. Older API versions put the
 * discount in `total_discount`, newer ones only in `discount_allocations`: the larger is taken (they
 * agree when both are filled).
 */
function lineAmount(line: Obj, qty: number): { ok: true; fen: number } | { ok: false; message: string } {
  const price = decimalToFen(line.price);
  if (!price.ok) return { ok: false, message: `line ${String(line.id)} price: ${price.message}` };
  const discount = line.total_discount === undefined || line.total_discount === null ? { ok: true as const, fen: 0 } : decimalToFen(line.total_discount);
  if (!discount.ok) return { ok: false, message: `line ${String(line.id)} total_discount: ${discount.message}` };
  let allocated = 0;
  for (const a of list(line.discount_allocations)) {
    const fen = decimalToFen(a.amount);
    if (!fen.ok) return { ok: false, message: `line ${String(line.id)} discount_allocations: ${fen.message}` };
    allocated += fen.fen;
  }
  return { ok: true, fen: Math.max(0, price.fen * qty - Math.max(discount.fen, allocated)) };
}

/** Refunded so far per line id (amount and units), from an order's `refunds` or one refund. */
function refundedByLine(refunds: Obj[]): Map<string, { fen: number; qty: number }> {
  const out = new Map<string, { fen: number; qty: number }>();
  for (const refund of refunds) {
    for (const r of list(refund.refund_line_items)) {
      const lineId = idText(r.line_item_id);
      const subtotal = decimalToFen(r.subtotal ?? '0');
      const qty = typeof r.quantity === 'number' ? r.quantity : 0;
      if (!lineId || !subtotal.ok) continue;
      const acc = out.get(lineId) ?? { fen: 0, qty: 0 };
      acc.fen += subtotal.fen;
      acc.qty += qty;
      out.set(lineId, acc);
    }
  }
  return out;
}

function mapOrder(order: Obj, topic: string, delivery: StoredDelivery, source: SourceConfig, ctx: MapContext): MapResult {
  const orderId = idText(order.id);
  if (!orderId) return bad('bad_shape', 'the order has no id');
  const lines = list(order.line_items);
  if (!Array.isArray(order.line_items)) return bad('bad_shape', `order ${orderId} has no line_items`);
  const customer = obj(order.customer);
  const userId = buyerId(idText(customer?.id), order.email ?? customer?.email ?? order.phone) ?? `order:${orderId}`;
  const dealId = attribute(order.note_attributes, 'livedeck_deal');
  const promoter = attribute(order.note_attributes, 'livedeck_promoter');
  const cancelled = topic === 'orders/cancelled' || (order.cancelled_at !== null && order.cancelled_at !== undefined);
  const financial = typeof order.financial_status === 'string' ? order.financial_status : '';
  const paid = topic === 'orders/paid' || ['paid', 'partially_refunded', 'refunded', 'partially_paid'].includes(financial);
  const ts =
    (cancelled ? timeMs(order.cancelled_at) : null) ??
    (topic === 'orders/create' ? timeMs(order.created_at) : (timeMs(order.updated_at) ?? timeMs(order.processed_at))) ??
    timeMs(order.created_at) ??
    delivery.receivedAt;
  const refunds = refundedByLine(list(order.refunds));
  const records: Obj[] = [];
  for (const line of lines) {
    const lineId = idText(line.id);
    const qty = line.quantity;
    if (!lineId || typeof qty !== 'number' || !Number.isSafeInteger(qty) || qty < 1) return bad('bad_shape', `order ${orderId}: a line has no id or quantity`);
    const amount = lineAmount(line, qty);
    if (!amount.ok) return bad('bad_amount', `order ${orderId}: ${amount.message}`);
    const sku = lineSku(ctx, { sku: typeof line.sku === 'string' ? line.sku : null, productId: idText(line.product_id), variantId: idText(line.variant_id) });
    if (!sku) return bad('bad_shape', `order ${orderId} line ${lineId} has no sku, product or variant`);
    const refunded = refunds.get(lineId);
    let status = cancelled ? 'cancelled' : paid ? 'paid' : 'created';
    let refundFen: number | undefined;
    if (refunded && refunded.fen > 0) {
      if (refunded.qty >= qty) status = 'refunded';
      else refundFen = Math.min(refunded.fen, amount.fen);
    }
    const lineOrderId = `${orderId}-${lineId}`;
    records.push(
      orderLine({ platform: source.platform, id: statusId(lineOrderId, status, refundFen), ts, orderId: lineOrderId, userId, sku, qty, amountFen: amount.fen, status, refundFen, dealId, promoter }),
    );
  }
  return ok(records);
}

/** `refunds/create`: one refund of some lines; whole lines become `refunded`, parts `refundFen`. */
function mapRefund(refund: Obj, delivery: StoredDelivery, source: SourceConfig, ctx: MapContext): MapResult {
  const orderId = idText(refund.order_id);
  if (!orderId) return bad('bad_shape', 'the refund has no order_id');
  const ts = timeMs(refund.processed_at) ?? timeMs(refund.created_at) ?? delivery.receivedAt;
  const records: Obj[] = [];
  for (const r of list(refund.refund_line_items)) {
    const line = obj(r.line_item);
    const lineId = idText(r.line_item_id) ?? idText(line?.id);
    if (!line || !lineId) return bad('bad_shape', `refund of order ${orderId}: a refund line has no line_item`);
    const qty = line.quantity;
    if (typeof qty !== 'number' || !Number.isSafeInteger(qty) || qty < 1) return bad('bad_shape', `refund of order ${orderId}: line ${lineId} has no quantity`);
    const amount = lineAmount(line, qty);
    if (!amount.ok) return bad('bad_amount', `refund of order ${orderId}: ${amount.message}`);
    const subtotal = decimalToFen(r.subtotal ?? '0');
    if (!subtotal.ok) return bad('bad_amount', `refund of order ${orderId} line ${lineId} subtotal: ${subtotal.message}`);
    const sku = lineSku(ctx, { sku: typeof line.sku === 'string' ? line.sku : null, productId: idText(line.product_id), variantId: idText(line.variant_id) });
    if (!sku) return bad('bad_shape', `refund of order ${orderId} line ${lineId} has no sku`);
    const whole = typeof r.quantity === 'number' && r.quantity >= qty;
    const lineOrderId = `${orderId}-${lineId}`;
    const refundId = idText(refund.id) ?? delivery.deliveryId;
    records.push({
      type: 'order',
      platform: source.platform,
      id: `${lineOrderId}:refund:${refundId}`,
      ts,
      orderId: lineOrderId,
      // The buyer was named by the order's own events; a refund of an order never seen is still counted.
      userId: `order:${orderId}`,
      sku,
      qty,
      amountFen: amount.fen,
      status: whole ? 'refunded' : 'paid',
      ...(whole ? {} : { refundFen: Math.min(subtotal.fen, amount.fen) }),
    });
  }
  return ok(records);
}

const orderTopics = new Set(['orders/create', 'orders/paid', 'orders/cancelled', 'orders/updated']);

export const shopify: HookAdapter = {
  kind: 'shopify',
  needs: ['secret'],
  verify(req, source) {
    if (req.method === 'GET') return { kind: 'answer', answer: text(200, 'LiveDeck: this address takes Shopify webhooks (POST).') };
    if (!base64HmacMatches(source.secret ?? '', req.body, req.headers['x-shopify-hmac-sha256'])) {
      return { kind: 'forged', reason: req.headers['x-shopify-hmac-sha256'] ? 'X-Shopify-Hmac-Sha256 does not match' : 'no X-Shopify-Hmac-Sha256 header' };
    }
    return {
      kind: 'delivery',
      deliveryId: (req.headers['x-shopify-webhook-id'] ?? '').slice(0, 128) || bodyHash(req.body),
      topic: (req.headers['x-shopify-topic'] ?? '').slice(0, 64) || 'unknown',
      payload: req.body.toString('utf8'),
      answer: text(200, 'ok'),
    };
  },
  async map(delivery, source, ctx) {
    if (!orderTopics.has(delivery.topic) && delivery.topic !== 'refunds/create') return ok([]);
    const parsed = parsePayload(delivery.payload);
    if (!parsed.ok) return parsed.result;
    return delivery.topic === 'refunds/create' ? mapRefund(parsed.value, delivery, source, ctx) : mapOrder(parsed.value, delivery.topic, delivery, source, ctx);
  },
};
