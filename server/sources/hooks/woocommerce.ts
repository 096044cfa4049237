/**
 * WooCommerce webhooks (DESIGN §11). WooCommerce signs each delivery with `X-WC-Webhook-Signature`:
 * the base64 HMAC-SHA256 of the raw body under the webhook's secret (WooCommerce → Settings →
 * Advanced → Webhooks). `X-WC-Webhook-Delivery-ID` names one delivery; `X-WC-Webhook-Topic` its topic.
 * Creating a webhook sends a ping, `webhook_id=N` form-encoded: answered 200 and ignored.
 *
 * `order.created` / `order.updated` carry the whole order (REST API v3 shape): status pending/on-hold →
 * created, processing/completed → paid, cancelled/failed → cancelled, refunded → refunded. Partial
 * refunds come as the order's `refunds` list (totals per refund, not per line): the refunded total is
 * laid on the lines in their order, each up to its own amount, so the order's sum is exact.
 */
import type { HookAdapter, MapContext, MapResult, SourceConfig, StoredDelivery } from '../types.js';
import { decimalToFen } from '../money.js';
import { attribute, bad, base64HmacMatches, bodyHash, buyerId, idText, lineSku, ok, orderLine, parsePayload, statusId, text, timeMs } from './kit.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Obj => x !== null) : []);

const statusMap: Record<string, 'created' | 'paid' | 'cancelled' | 'refunded'> = {
  pending: 'created',
  'on-hold': 'created',
  'checkout-draft': 'created',
  processing: 'paid',
  completed: 'paid',
  cancelled: 'cancelled',
  failed: 'cancelled',
  refunded: 'refunded',
};

/** WooCommerce's `*_gmt` times carry no zone: they are UTC. */
const gmt = (v: unknown): number | null => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(v) ? timeMs(`${v}Z`) : timeMs(v));

/** A refund's total ("-5.00" as WooCommerce writes it) in fen. */
function refundTotal(refund: Obj): number | null {
  const raw = typeof refund.total === 'string' ? refund.total.trim().replace(/^-/, '') : refund.total;
  const fen = decimalToFen(raw);
  return fen.ok ? fen.fen : null;
}

function mapOrder(order: Obj, delivery: StoredDelivery, source: SourceConfig, ctx: MapContext): MapResult {
  const orderId = idText(order.id);
  if (!orderId) return bad('bad_shape', 'the order has no id');
  if (!Array.isArray(order.line_items)) return bad('bad_shape', `order ${orderId} has no line_items`);
  const wcStatus = typeof order.status === 'string' ? order.status : '';
  const base = statusMap[wcStatus];
  // Other statuses (a plugin's own) say nothing LiveDeck counts.
  if (!base) return ok([]);
  const billing = obj(order.billing);
  const userId = buyerId(idText(order.customer_id), billing?.email || billing?.phone) ?? `order:${orderId}`;
  const dealId = attribute(order.meta_data, 'livedeck_deal');
  const promoter = attribute(order.meta_data, 'livedeck_promoter');
  const ts =
    (base === 'created' ? gmt(order.date_created_gmt) : base === 'paid' ? (gmt(order.date_paid_gmt) ?? gmt(order.date_modified_gmt)) : gmt(order.date_modified_gmt)) ??
    gmt(order.date_created_gmt) ??
    delivery.receivedAt;
  let refundLeft = 0;
  for (const r of list(order.refunds)) {
    const fen = refundTotal(r);
    if (fen === null) return bad('bad_amount', `order ${orderId}: a refund total is not an amount`);
    refundLeft += fen;
  }
  const records: Obj[] = [];
  for (const line of list(order.line_items)) {
    const lineId = idText(line.id);
    const qty = line.quantity;
    if (!lineId || typeof qty !== 'number' || !Number.isSafeInteger(qty) || qty < 1) return bad('bad_shape', `order ${orderId}: a line has no id or quantity`);
    // `total` is the line after discounts, before tax.
    const amount = decimalToFen(line.total);
    if (!amount.ok) return bad('bad_amount', `order ${orderId} line ${lineId} total: ${amount.message}`);
    const variation = idText(line.variation_id);
    const sku = lineSku(ctx, { sku: typeof line.sku === 'string' ? line.sku : null, productId: idText(line.product_id), variantId: variation === '0' ? null : variation });
    if (!sku) return bad('bad_shape', `order ${orderId} line ${lineId} has no sku or product`);
    let status = base;
    let refundFen: number | undefined;
    if (status !== 'refunded' && status !== 'cancelled' && refundLeft > 0) {
      const here = Math.min(refundLeft, amount.fen);
      refundLeft -= here;
      if (here === amount.fen && here > 0) status = 'refunded';
      else if (here > 0) refundFen = here;
    }
    const lineOrderId = `${orderId}-${lineId}`;
    records.push(
      orderLine({ platform: source.platform, id: statusId(lineOrderId, status, refundFen), ts, orderId: lineOrderId, userId, sku, qty, amountFen: amount.fen, status, refundFen, dealId, promoter }),
    );
  }
  return ok(records);
}

export const woocommerce: HookAdapter = {
  kind: 'woocommerce',
  needs: ['secret'],
  verify(req, source) {
    if (req.method === 'GET') return { kind: 'answer', answer: text(200, 'LiveDeck: this address takes WooCommerce webhooks (POST).') };
    // The ping sent when a webhook is saved: `webhook_id=N`, not an order.
    if (req.body.length < 64 && /^webhook_id=\d+$/.test(req.body.toString('latin1').trim())) return { kind: 'answer', answer: text(200, 'ok') };
    if (!base64HmacMatches(source.secret ?? '', req.body, req.headers['x-wc-webhook-signature'])) {
      return { kind: 'forged', reason: req.headers['x-wc-webhook-signature'] ? 'X-WC-Webhook-Signature does not match' : 'no X-WC-Webhook-Signature header' };
    }
    return {
      kind: 'delivery',
      deliveryId: (req.headers['x-wc-webhook-delivery-id'] ?? '').slice(0, 128) || bodyHash(req.body),
      topic: (req.headers['x-wc-webhook-topic'] ?? '').slice(0, 64) || 'unknown',
      payload: req.body.toString('utf8'),
      answer: text(200, 'ok'),
    };
  },
  async map(delivery, source, ctx) {
    if (delivery.topic !== 'order.created' && delivery.topic !== 'order.updated' && delivery.topic !== 'order.restored') return ok([]);
    const parsed = parsePayload(delivery.payload);
    if (!parsed.ok) return parsed.result;
    return mapOrder(parsed.value, delivery, source, ctx);
  },
};
