/**
 * Producer/operator actions: the `/control` namespace and `POST /api/control/:action` both take these.
 * Each action has one payload schema here and one result type in {@link ControlResults}.
 */
import { z } from 'zod';
import { discountUnderThreshold, normaliseSku } from '../rules/index.js';
import { fenSchema, platformSchema } from './events.js';
import { prompterSchemas, type PrompterState } from './prompter.js';
import { sourceSchemas, type SourceKindInfo, type SourceSettings } from './sources.js';

// One form of a code everywhere it is typed (see rules/sku.ts).
const sku = z.string().transform(normaliseSku).pipe(z.string().min(1, 'sku must not be empty').max(64));
const text = (max: number) => z.string().max(max, `is at most ${max} characters`);
const seconds = z
  .number()
  .int('must be whole seconds')
  .min(0)
  .max(24 * 3600);

export const dealPresetSchema = z.object({
  priceFen: fenSchema.refine((v) => v > 0, 'price must be above 0'),
  stock: z.number().int().min(1, 'stock must be at least 1').max(1_000_000),
  perUserLimit: z.number().int().min(1).max(1000).default(1),
  durationSec: z
    .number()
    .int()
    .min(5, 'a deal lasts at least 5 seconds')
    .max(6 * 3600)
    .default(60),
  /** Fire by itself this many seconds into the slot; absent means fire by hand. */
  autoFireAtSec: seconds.optional(),
});
export type DealPreset = z.infer<typeof dealPresetSchema>;

/**
 * A coupon (优惠券): `discountFen` off, and with `thresholdFen` only on orders of at least that much
 * (满 X 减 Y); without it, off anything (无门槛). The drop and a run-sheet item's preset share it.
 */
const couponTerms = {
  /** Shown to buyers; generated from the terms ("满199减30") when absent. */
  title: z.string().trim().max(40, 'is at most 40 characters').optional(),
  discountFen: fenSchema,
  thresholdFen: fenSchema.optional(),
  quantity: z.number().int('must be a whole number').max(1_000_000),
  perUserLimit: z.number().int().min(1, 'the limit is at least 1 a buyer').max(100).default(1),
  durationSec: z
    .number()
    .int()
    .min(1)
    .max(6 * 3600)
    .default(300),
};
export const couponPresetSchema = z
  .object({
    ...couponTerms,
    discountFen: fenSchema.refine((v) => v > 0, 'the discount must be above ¥0'),
    quantity: couponTerms.quantity.min(1, 'quantity must be at least 1'),
  })
  .refine(discountUnderThreshold, { message: 'the discount must be under the threshold (满 X 减 Y: Y < X)', path: ['discountFen'] });
export type CouponPreset = z.infer<typeof couponPresetSchema>;

export const productSchema = z.object({
  sku,
  title: z.string().trim().min(1, 'title must not be empty').max(120),
  listPriceFen: fenSchema,
  livePriceFen: fenSchema.optional(),
  /** The brand's floor (品牌底价): the lowest deal price allowed without an explicit override, in fen. */
  floorFen: fenSchema.optional(),
  /** The same as a fraction of list price (older catalogs); `floorFen` wins when both are set. */
  floorRatio: z.number().min(0).max(1).optional(),
  sellingPoints: text(2000).optional(),
  imageUrl: text(500).optional(),
  /** Loaded from LiveDeck's demo catalog: a replace import archives it when the new sheet does not list it. */
  demo: z.boolean().optional(),
  /** Kept for old shows' recaps but no longer offered in the item form's picker. */
  archived: z.boolean().optional(),
  /**
   * The shops' own ids for this product (DESIGN §11): a shop line with no sku of ours matches by its
   * platform's product id and, where given, variant id.
   */
  shopIds: z
    .array(z.object({ platform: platformSchema, productId: z.string().trim().min(1).max(64), variantId: z.string().trim().min(1).max(64).optional() }))
    .max(100)
    .optional(),
});
export type Product = z.infer<typeof productSchema>;

/** The most links a platform's shopping bag (小黄车) numbers. */
export const MAX_LINK_NO = 999;
const linkNoSchema = z.number().int().min(1, 'a link number is at least 1').max(MAX_LINK_NO, `a link number is at most ${MAX_LINK_NO}`);

export const runsheetItemInput = z.object({
  sku,
  plannedSec: seconds.min(1, 'a slot lasts at least 1 second'),
  sellingPoints: text(2000).default(''),
  script: text(20_000).default(''),
  livePriceFen: fenSchema.optional(),
  dealPreset: dealPresetSchema.nullable().default(null),
  /** The coupon this item's cue drops (fired by hand); absent or null: none. */
  couponPreset: couponPresetSchema.nullable().optional(),
  /** The OBS scene Go switches to (the commerce cue's overlay); empty or absent switches nothing. */
  obsScene: z.string().trim().max(100, 'is at most 100 characters').optional(),
  /** 备注: the producer's remark for this slot (a sheet's 备注 column), shown on the item card and the prompter. */
  note: text(2000).optional(),
  /** 链接号 (小黄车序号): the item's number in the platforms' shopping bag, what viewers ask for ("7号链接"); null or absent: none. */
  linkNo: linkNoSchema.nullable().optional(),
});
export type RunsheetItemInput = z.infer<typeof runsheetItemInput>;

/** The most blocked words a studio keeps. */
export const MAX_BLOCKED_WORDS = 200;

/** A show's GMV target (目标 GMV) in fen: above ¥0, at most ¥10 亿. */
const gmvTargetFen = fenSchema.refine((v) => v > 0, 'the GMV target must be above ¥0').refine((v) => v <= 100_000_000_000, 'the GMV target is at most ¥1,000,000,000');

export const controlSchemas = {
  'session.start': z.object({ title: z.string().trim().min(1, 'title must not be empty').max(200), targetFen: gmvTargetFen.optional() }),
  'session.end': z.object({}).default({}),
  /** Deletes a finished session and everything recorded in it. */
  'session.delete': z.object({ sessionId: z.number().int() }),
  /** Names a show (the live one when `sessionId` is absent); a named 自动场次 becomes a show of its own. */
  'session.rename': z.object({
    sessionId: z.number().int().optional(),
    title: z.string().trim().min(1, 'title must not be empty').max(200),
    /** The GMV target in fen; null removes it, absent keeps it. */
    targetFen: gmvTargetFen.nullable().optional(),
  }),
  'catalog.upsert': productSchema,
  'runsheet.add': runsheetItemInput.extend({ afterItemId: z.number().int().optional() }),
  // Without the add form's defaults: a field left out of an update keeps its value.
  'runsheet.update': z
    .object({
      sku: runsheetItemInput.shape.sku,
      plannedSec: runsheetItemInput.shape.plannedSec,
      sellingPoints: text(2000),
      script: text(20_000),
      livePriceFen: fenSchema,
      dealPreset: dealPresetSchema.nullable(),
      couponPreset: couponPresetSchema.nullable(),
      obsScene: runsheetItemInput.shape.obsScene,
      note: text(2000),
      linkNo: linkNoSchema.nullable(),
    })
    .partial()
    .extend({ itemId: z.number().int() }),
  'runsheet.remove': z.object({ itemId: z.number().int() }),
  'runsheet.reorder': z.object({ itemIds: z.array(z.number().int()).max(1000) }),
  /** Put an item on air. Without `itemId`, the next item after the current one. */
  'item.go': z.object({ itemId: z.number().int().optional() }).default({}),
  'item.next': z.object({}).default({}),
  'comment.claim': z.object({ key: z.string().max(200) }),
  'comment.release': z.object({ key: z.string().max(200) }),
  'comment.answer': z.object({ key: z.string().max(200) }),
  'comment.prompt': z.object({ key: z.string().max(200) }),
  /** Pins a comment (置顶) on the prompter and the big screen, replacing the one pinned before. */
  'comment.pin': z.object({ key: z.string().max(200) }),
  'comment.unpin': z.object({}).default({}),
  /** Replaces the studio's blocked words (屏蔽词): comments containing one are hidden, still counted. */
  'moderation.words': z.object({ words: z.array(z.string().trim().max(40, 'a blocked word is at most 40 characters')).max(MAX_BLOCKED_WORDS, `at most ${MAX_BLOCKED_WORDS} blocked words`) }),
  'deal.fire': z.object({
    sku,
    priceFen: fenSchema,
    stock: z.number().int().max(1_000_000),
    perUserLimit: z.number().int().min(1).max(1000).default(1),
    durationSec: z
      .number()
      .int()
      .min(1)
      .max(6 * 3600)
      .default(60),
    /** Fire under the brand floor; written to the audit log. */
    confirmUnderFloor: z.boolean().default(false),
    /** Same key twice starts one deal (double click, two operators). */
    requestId: z.string().max(100).optional(),
  }),
  'deal.stop': z.object({ dealId: z.string().max(128).optional(), sku: sku.optional() }),
  /** Drops a coupon; without `sku` it is good on the whole shop. Quantity is checked by the hub (a clear error). */
  'coupon.drop': z.object({
    ...couponTerms,
    sku: sku.optional(),
    /** Same key twice drops one coupon (double click, two operators). */
    requestId: z.string().max(100).optional(),
  }),
  /** Stops a live coupon; without `couponId`, the newest live one. */
  'coupon.stop': z.object({ couponId: z.string().max(128).optional() }).default({}),
  /** How a promoter (导购) is paid: fixed fen per unit sold, or a fraction of paid GMV. */
  'promoter.set': z.object({
    promoter: z.string().trim().min(1).max(128),
    rule: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('perUnit'), fen: fenSchema }),
      z.object({ kind: z.literal('percent'), rate: z.number().min(0).max(1, 'a rate is a fraction: 0.05 is 5%') }),
    ]),
  }),
  ...prompterSchemas,
  /** A new token for a role; everyone connected with the old one is disconnected. */
  'tokens.rotate': z.object({ role: z.enum(['ingest', 'operator', 'viewer']) }),
  ...sourceSchemas,
  /** Where OBS listens (obs-websocket v5), or null to stop controlling OBS. */
  'obs.configure': z.object({
    url: z
      .string()
      .trim()
      .max(500)
      .regex(/^wss?:\/\/[^\s/]+/i, 'must be a ws:// or wss:// address, like ws://127.0.0.1:4455')
      .nullable(),
    password: z.string().max(200).optional(),
  }),
} as const;

export type ControlAction = keyof typeof controlSchemas;
export const controlActions = Object.keys(controlSchemas) as ControlAction[];
export type ControlPayload<A extends ControlAction> = z.input<(typeof controlSchemas)[A]>;
export type ControlInput<A extends ControlAction> = z.output<(typeof controlSchemas)[A]>;

/** What each action answers besides `ok: true`. */
export interface ControlResults {
  'session.start': { sessionId: number };
  'session.end': { sessionId: number };
  'session.delete': { sessionId: number };
  'session.rename': { sessionId: number; title: string };
  'catalog.upsert': { sku: string };
  'runsheet.add': { itemId: number };
  'runsheet.update': { itemId: number };
  'runsheet.remove': { itemId: number };
  'runsheet.reorder': { itemIds: number[] };
  'item.go': { itemId: number; sku: string };
  'item.next': { itemId: number; sku: string };
  'comment.claim': { key: string };
  'comment.release': { key: string };
  'comment.answer': { key: string };
  'comment.prompt': { key: string };
  'comment.pin': { key: string };
  'comment.unpin': { key: string | null };
  'moderation.words': { words: string[] };
  'deal.fire': { dealId: string };
  /** How the stopped deal did: units gone (max of sold and claimed) of its stock, and its paid GMV. */
  'deal.stop': { dealId: string; gone: number; stock: number; paidGmvFen: number };
  'coupon.drop': { couponId: string };
  'coupon.stop': { couponId: string };
  'promoter.set': { promoter: string };
  'tokens.rotate': { role: 'ingest' | 'operator' | 'viewer'; token: string };
  'prompter.play': { prompter: PrompterState };
  'prompter.speed': { prompter: PrompterState };
  'prompter.scroll': { prompter: PrompterState };
  'prompter.mirror': { prompter: PrompterState };
  'prompter.font': { prompter: PrompterState };
  'prompter.jump': { prompter: PrompterState };
  /** `ok: true` means the address was taken; `connected` says whether OBS answered within ~3 s. */
  'obs.configure': { connected: boolean; lastError: string | null };
  /** `hookPath`: where the shop posts (`/hooks/<id>`), null for a live room. */
  'source.add': { id: string; hookPath: string | null };
  'source.update': { id: string; hookPath: string | null };
  'source.remove': { id: string };
  /** Deliveries queued to be mapped again. */
  'source.replay': { id: string; deliveries: number };
  /** The sources, and which kinds this hub can take with the fields each needs (for the forms). */
  'source.list': { sources: SourceSettings[]; kinds: SourceKindInfo[] };
}

/** An error as a value: a code for programs, a sentence for people. */
export interface AppError {
  code: string;
  message: string;
}
export type Ack<T> = ({ ok: true } & T) | { ok: false; error: AppError };
export type ControlAck<A extends ControlAction> = Ack<ControlResults[A]>;
