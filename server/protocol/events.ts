/**
 * Event records: what connectors send in and what the control room itself records.
 * One schema per `type`, validated where a record enters the hub. Money is integer fen, time epoch ms.
 */
import { z } from 'zod';
import { MAX_LINE_FEN, MAX_LINE_QTY } from './bounds.js';

/** Largest integer that survives JSON and SQLite without loss. */
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

export const platformSchema = z
  .string()
  .min(1, 'platform must not be empty')
  .max(32, 'platform is at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'platform is letters, digits, "_", "-" or "." (e.g. "douyin")');
const idSchema = z.string().min(1, 'must not be empty').max(128, 'is at most 128 characters');
const tsSchema = z.number({ error: 'must be epoch milliseconds (a number)' }).int('must be whole milliseconds').min(0, 'must not be negative').max(8.64e15, 'is past the largest date');
/** Integer fen (分): ¥1.99 is 199. */
export const fenSchema = z.number({ error: 'must be integer fen (a number)' }).int('must be integer fen (¥1.99 is 199), not a fraction').min(0, 'must not be negative').max(SAFE_MAX);
const countSchema = z.number().int('must be a whole number').min(0, 'must not be negative').max(SAFE_MAX);
const skuSchema = z.string().min(1, 'must not be empty').max(64, 'is at most 64 characters');

const base = { platform: platformSchema, id: idSchema, ts: tsSchema };

export const orderStatuses = ['created', 'paid', 'refunded', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const viewerSnapshotEvent = z.object({
  type: z.literal('viewer.snapshot'),
  ...base,
  online: countSchema,
  total: countSchema.optional(),
});
export const viewerEnterEvent = z.object({ type: z.literal('viewer.enter'), ...base, userId: idSchema });
export const viewerLeaveEvent = z.object({ type: z.literal('viewer.leave'), ...base, userId: idSchema });
export const commentEvent = z.object({
  type: z.literal('comment'),
  ...base,
  userId: idSchema,
  nick: z.string().max(100, 'is at most 100 characters').default(''),
  text: z.string().min(1, 'must not be empty').max(2000, 'is at most 2000 characters'),
});
export const orderEvent = z
  .object({
    type: z.literal('order'),
    ...base,
    orderId: idSchema,
    userId: idSchema,
    sku: skuSchema,
    qty: z.number().int('must be a whole number').min(1, 'must be at least 1').max(SAFE_MAX),
    amountFen: fenSchema,
    status: z.enum(orderStatuses, { error: 'must be one of created, paid, refunded, cancelled' }),
    dealId: idSchema.optional(),
    promoter: idSchema.optional(),
    /** Refunded so far when only part of the order is refunded (退一件); only grows (DESIGN §3). */
    refundFen: fenSchema.optional(),
    /**
     * The feed reported the order without its amount, so `amountFen` is the catalog price of one unit
     * (e.g. oba-live-tool's Douyin `live_order`); the recap counts such orders and their GMV apart.
     */
    estimated: z.boolean().optional(),
  })
  .refine((o) => o.refundFen === undefined || o.refundFen <= o.amountFen, {
    message: 'must not exceed amountFen (refundFen is what was refunded of this order so far)',
    path: ['refundFen'],
  });
export const productClickEvent = z.object({ type: z.literal('product.click'), ...base, userId: idSchema, sku: skuSchema });
export const interactionEvent = z.object({
  type: z.literal('interaction'),
  ...base,
  userId: idSchema,
  kind: z.enum(['like', 'follow', 'share'], { error: 'must be one of like, follow, share' }),
});
/** The control room put this sku on air (讲解). A window lasts until the next `item.live` or session end. */
export const itemLiveEvent = z.object({ type: z.literal('item.live'), ...base, sku: skuSchema, itemId: idSchema.optional() });
export const dealStartedEvent = z.object({
  type: z.literal('deal.started'),
  ...base,
  dealId: idSchema,
  sku: skuSchema,
  priceFen: fenSchema.optional(),
  stock: countSchema,
  perUserLimit: countSchema.optional(),
  durationSec: countSchema.optional(),
});
export const dealEndedEvent = z.object({
  type: z.literal('deal.ended'),
  ...base,
  dealId: idSchema,
  reason: z.string().max(64).optional(),
});
/** The control room dropped a coupon (优惠券); `thresholdFen` 0 or absent: no threshold. */
export const couponStartedEvent = z.object({
  type: z.literal('coupon.started'),
  ...base,
  couponId: idSchema,
  sku: skuSchema.optional(),
  title: z.string().max(40),
  discountFen: fenSchema,
  thresholdFen: fenSchema.optional(),
  quantity: countSchema,
  perUserLimit: countSchema.optional(),
  durationSec: countSchema.optional(),
});
export const couponEndedEvent = z.object({
  type: z.literal('coupon.ended'),
  ...base,
  couponId: idSchema,
  reason: z.string().max(64).optional(),
});
/** A platform stream dropped and came back: the gap is stored so timelines and recaps can show it. */
export const streamGapEvent = z.object({
  type: z.literal('stream.gap'),
  ...base,
  fromTs: tsSchema,
  toTs: tsSchema,
});

export const eventSchemas = {
  'viewer.snapshot': viewerSnapshotEvent,
  'viewer.enter': viewerEnterEvent,
  'viewer.leave': viewerLeaveEvent,
  comment: commentEvent,
  order: orderEvent,
  'product.click': productClickEvent,
  interaction: interactionEvent,
  'item.live': itemLiveEvent,
  'deal.started': dealStartedEvent,
  'deal.ended': dealEndedEvent,
  'coupon.started': couponStartedEvent,
  'coupon.ended': couponEndedEvent,
  'stream.gap': streamGapEvent,
} as const;

export type EventType = keyof typeof eventSchemas;
export const eventTypes = Object.keys(eventSchemas) as EventType[];
/** Types the control room records about itself rather than the audience. */
export const controlEventTypes: ReadonlySet<EventType> = new Set(['item.live', 'deal.started', 'deal.ended', 'coupon.started', 'coupon.ended']);

export const eventSchema = z.discriminatedUnion('type', [
  viewerSnapshotEvent,
  viewerEnterEvent,
  viewerLeaveEvent,
  commentEvent,
  orderEvent,
  productClickEvent,
  interactionEvent,
  itemLiveEvent,
  dealStartedEvent,
  dealEndedEvent,
  couponStartedEvent,
  couponEndedEvent,
  streamGapEvent,
]);

export type LiveEvent = z.infer<typeof eventSchema>;
export type OrderEvent = z.infer<typeof orderEvent>;
export type CommentEvent = z.infer<typeof commentEvent>;
export type EventOf<T extends EventType> = Extract<LiveEvent, { type: T }>;

/** The optional first line of a recording. */
export const sessionHeaderSchema = z.object({
  type: z.literal('session'),
  title: z.string().max(200).optional(),
  startedAt: tsSchema.optional(),
  endedAt: tsSchema.optional(),
});
export type SessionHeader = z.infer<typeof sessionHeaderSchema>;

/** Why one record was refused, in words a person can act on, with a code for programs. */
export interface RecordError {
  code: 'not_object' | 'unknown_type' | 'invalid_field' | 'bad_json' | 'too_large' | 'bad_amount' | 'bad_qty' | 'bad_ts' | 'forbidden_type' | 'too_many_platforms';
  message: string;
}

export type ParseResult = { ok: true; event: LiveEvent } | { ok: false; error: RecordError };

/**
 * Validates one untrusted record. Never throws: a bad record becomes a value saying which field is
 * wrong and why.
 */
export function parseEvent(input: unknown): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: { code: 'not_object', message: `a record must be a JSON object, got ${describe(input)}` } };
  }
  const type = (input as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(eventSchemas, type)) {
    return {
      ok: false,
      error: {
        code: 'unknown_type',
        message: `type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : 'is missing'}${typeof type === 'string' ? ' is unknown' : ''}; expected one of ${eventTypes.join(', ')}`,
      },
    };
  }
  const result = eventSchemas[type as EventType].safeParse(input);
  if (!result.success) return { ok: false, error: { code: 'invalid_field', message: formatIssues(type, result.error) } };
  const event = result.data as LiveEvent;
  const implausible = checkPlausible(event);
  return implausible ? { ok: false, error: implausible } : { ok: true, event };
}

/**
 * Money and units a real order line can carry (see bounds.ts): past them GMV sums stop being exact and
 * one forged line outweighs a season. Answered `bad_amount` / `bad_qty`.
 */
export function checkPlausible(e: LiveEvent): RecordError | null {
  if (e.type !== 'order') return null;
  if (e.qty > MAX_LINE_QTY) return { code: 'bad_qty', message: `order.qty: ${e.qty} units on one order line is more than the ${MAX_LINE_QTY} taken` };
  if (e.amountFen > MAX_LINE_FEN) return { code: 'bad_amount', message: `order.amountFen: ${e.amountFen} fen is more than the ¥${MAX_LINE_FEN / 100} one order line may carry` };
  if ((e.refundFen ?? 0) > MAX_LINE_FEN) return { code: 'bad_amount', message: `order.refundFen: ${e.refundFen} fen is more than the ¥${MAX_LINE_FEN / 100} one order line may carry` };
  return null;
}

/** Turns zod issues into one sentence: `order.qty: must be at least 1`. */
export function formatIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.length ? `${prefix}.${issue.path.join('.')}` : prefix;
      const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
      return `${path}: ${missing ? 'is required' : issue.message}`;
    })
    .join('; ');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}
