/**
 * The live state the hub pushes to screens: one `snapshot` on connect, then `tick`s carrying what
 * changed. Bucket arrays hold totals across platforms; KPIs are given in total and per platform.
 */
import type { CouponPreset, DealPreset, Product } from './control.js';
import type { PrompterState } from './prompter.js';
import type { SourceStatus } from './sources.js';

/** One second (or minute) of the stream, summed over platforms. `sec` is epoch seconds. */
export interface Bucket {
  sec: number;
  gmvFen: number;
  orders: number;
  units: number;
  comments: number;
  /** Viewers online at the end of this second (sum of each platform's latest snapshot). */
  online: number;
  enters: number;
  clicks: number;
}

export interface Kpis {
  paidGmvFen: number;
  refundFen: number;
  orders: number;
  buyers: number;
  units: number;
  online: number;
  peakOnline: number;
  views: number;
  viewers: number;
  comments: number;
  /** buyers / viewers, a fraction. */
  conversion: number;
  /** paid GMV per 1000 views, in fen. */
  gpmFen: number;
}

export interface SessionInfo {
  id: number;
  title: string;
  startedAt: number;
  endedAt: number | null;
  /**
   * Opened by the hub because the audience arrived with no show live (自动场次), not started by a
   * producer: the control room offers 开播 (start with a title) or renaming it.
   */
  auto?: boolean;
  /** The show's GMV target (目标 GMV) in fen; absent when none was set. */
  targetFen?: number;
}

export interface RunsheetItem {
  itemId: number;
  position: number;
  sku: string;
  plannedSec: number;
  sellingPoints: string;
  script: string;
  livePriceFen?: number;
  dealPreset: DealPreset | null;
  couponPreset?: CouponPreset | null;
  obsScene?: string;
  /** 备注: the producer's remark for this slot. */
  note?: string;
  /** 链接号 (小黄车序号): the item's number in the shopping bag; null or absent when none. */
  linkNo?: number | null;
}

/** When an item was on air in this session. */
export interface ItemAiring {
  itemId: number;
  sku: string;
  startedAt: number;
  endedAt: number | null;
}

export interface Marker {
  ts: number;
  /** An item on air, a flash deal fired, a coupon dropped, a platform's stream gap. */
  kind: 'item' | 'deal' | 'coupon' | 'gap';
  label: string;
  /** A gap's platform and end: gaps of one platform are merged, and a merged one replaces those it covers. */
  platform?: string;
  toTs?: number;
}

export interface CommentEntry {
  /** `platform:id`, unique. */
  key: string;
  platform: string;
  userId: string;
  nick: string;
  text: string;
  ts: number;
  question: boolean;
}

export interface QuestionCard extends CommentEntry {
  status: 'open' | 'claimed' | 'answered';
  claimedBy: string | null;
  prompted: boolean;
  /**
   * Comments asking this same question (same text once spaces, punctuation and width are set aside),
   * this card's first one included: several viewers asking "多少钱？" are one card. Absent: 1.
   */
  asks?: number;
}

export interface PlatformStatus {
  platform: string;
  lastEventAt: number;
}

/** Question cards a push carries at most. */
export const QUESTIONS_SENT = 100;

/** What flash deals and coupons share: granted through `/mall` claims, per buyer at most, for a time. */
export interface LiveGrant {
  /** Units (deal) or coupons granted through `/mall` claims (where LiveDeck keeps the count). */
  claimed: number;
  perUserLimit: number;
  startedAt: number;
  endsAt: number;
  endedAt: number | null;
  endReason: string | null;
}

export interface LiveDeal extends LiveGrant {
  dealId: string;
  sku: string;
  priceFen: number;
  listPriceFen: number;
  stock: number;
  /** Units of paid orders carrying this deal's id (platforms that keep their own stock). */
  sold: number;
  /** Paid GMV of the orders carrying this deal's id, in fen (what the deal brought in). */
  paidGmvFen: number;
}

/** A coupon drop (优惠券): LiveDeck grants it through `/mall` `coupon.claim`, `quantity` at most. */
export interface LiveCoupon extends LiveGrant {
  couponId: string;
  /** The product it is good on, or null for the whole shop. */
  sku: string | null;
  title: string;
  discountFen: number;
  /** 满 X 减 Y: the order total it needs (X), 0 for none. */
  thresholdFen: number;
  quantity: number;
}

export interface LiveState {
  /** Increases by one per push; a client seeing a jump asks for a snapshot. */
  seq: number;
  serverNow: number;
  session: SessionInfo | null;
  kpis: Kpis;
  byPlatform: Record<string, Kpis>;
  current: ItemAiring | null;
  airings: ItemAiring[];
  /**
   * Claimed and prompted cards, then the oldest open ones, oldest first, {@link QUESTIONS_SENT} at
   * most: the inbox works from the oldest, and answering one brings the next in.
   */
  questions: QuestionCard[];
  /** Every question card not yet answered, however many (the inbox's count); absent from older hubs. */
  questionsWaiting?: number;
  promptedQuestion: QuestionCard | null;
  platforms: PlatformStatus[];
  deals: LiveDeal[];
  /** Coupons of this session, newest last (the last 20). */
  coupons: LiveCoupon[];
  /** A problem every screen must show (disk full, database read-only), or null. */
  alarm: string | null;
  /** What every prompter shows and how (scroll, speed, mirror, size). */
  prompter: PrompterState;
  /** The OBS link's light, or null when no OBS is configured. */
  obs: { connected: boolean; scene: string | null } | null;
  /** The studio's default brand floor as a fraction of list price (LIVEDECK_FLOOR_RATIO); absent or null: none. */
  floorRatio?: number | null;
  /** A light per configured shop and live room (DESIGN §11); absent from older hubs. */
  sources?: SourceStatus[];
  /** Pinned comment and blocked words: in every snapshot, and in a tick when they changed. */
  moderation?: ModerationState;
}

/** A viewer's comment the operator pinned (置顶): on the prompter and the big screen until unpinned. */
export interface PinnedComment {
  key: string;
  platform: string;
  nick: string;
  text: string;
  ts: number;
  pinnedAt: number;
  /** The desk that pinned it. */
  by: string;
}

/** The studio's comment moderation: the pinned comment and the blocked words (屏蔽词) every screen hides. */
export interface ModerationState {
  pinned: PinnedComment | null;
  blockedWords: string[];
}

export interface LiveSnapshot extends LiveState {
  catalog: Product[];
  runsheet: RunsheetItem[];
  /** Last 30 minutes, per second. */
  seconds: Bucket[];
  /** Whole session, per minute. */
  minutes: Bucket[];
  markers: Marker[];
  /** Latest comments, oldest first. */
  comments: CommentEntry[];
}

export interface LiveTick extends LiveState {
  /** Present only when it changed since the last push. */
  catalog?: Product[];
  runsheet?: RunsheetItem[];
  /** Buckets touched since the last push, with their whole current values. */
  seconds: Bucket[];
  minutes: Bucket[];
  markers: Marker[];
  comments: CommentEntry[];
}
