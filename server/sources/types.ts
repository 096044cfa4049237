/**
 * Sources (DESIGN §11): the studio's real shops (webhooks the platform pushes) and live rooms
 * (feeds LiveDeck connects out to). This file is the contract between the registry (table, CLI,
 * control actions, `POST /hooks/:sourceId`, the inbox, the 数据源 panel) and the per-kind adapters,
 * one file each under `hooks/` and `rooms/`. Adapters do no I/O of their own except through what
 * they are handed (the order-detail `fetch`, the room's socket), so each is testable on loopback.
 */

export const hookKinds = ['shopify', 'woocommerce', 'doudian', 'youzan', 'wxshop'] as const;
export const roomKinds = ['bilibili', 'oba'] as const;
export const sourceKinds = [...hookKinds, ...roomKinds] as const;
export type HookKind = (typeof hookKinds)[number];
export type RoomKind = (typeof roomKinds)[number];
export type SourceKind = HookKind | RoomKind;

/** One configured source as the registry keeps it (secrets included: never list, log or export this). */
export interface SourceConfig {
  /** Slug: `[a-z0-9][a-z0-9_-]{0,39}`; the webhook URL is `/hooks/<id>`. */
  id: string;
  kind: SourceKind;
  /** The `platform` its events carry; defaults to the kind. */
  platform: string;
  secret?: string;
  appKey?: string;
  token?: string;
  aesKey?: string;
  appId?: string;
  room?: string;
  cookie?: string;
  url?: string;
  apiUrl?: string;
  enabled: boolean;
}

/** The secret-bearing fields: written once, never shown again. */
export const secretFields = ['secret', 'token', 'aesKey', 'cookie'] as const;

// ---------------------------------------------------------------------------------------------
// Webhooks

/** A request as it reached `/hooks/:sourceId` (directly, or through the relay). */
export interface HookRequest {
  method: 'GET' | 'POST';
  /** Header names lower-cased; only the first value of a repeated header. */
  headers: Readonly<Record<string, string>>;
  /** The query string, decoded. */
  query: Readonly<Record<string, string>>;
  /** The raw body bytes, exactly as sent (signatures are over these). */
  body: Buffer;
  /**
   * When the request reached LiveDeck (epoch ms), where that was earlier than now: set by the relay
   * pull (the relay's receive time), absent on the hub's own `/hooks` route. The delivery's
   * `receivedAt` should be this when present.
   */
  receivedAt?: number;
}

/** What the hub answers the platform. */
export interface HookAnswer {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * An adapter's first look at a request, before any JSON is parsed (a flood of forgeries must stay
 * cheap). `answer`: a ping or URL check, answered and not stored. `forged`: 401, counted, nothing
 * stored. `delivery`: verified; stored raw before `answer` goes out, then mapped.
 */
export type HookVerdict =
  | { kind: 'answer'; answer: HookAnswer }
  | { kind: 'forged'; reason: string }
  | {
      kind: 'delivery';
      /** The platform's delivery id (dedupe key within the source); a stable hash of the body when it has none. */
      deliveryId: string;
      /** The platform's topic / tag / event name, for the panel and the inbox. */
      topic: string;
      /** What to keep and map: the body as text (for 微信小店, the decrypted message). */
      payload: string;
      answer: HookAnswer;
    };

/** A stored delivery, as the mapper sees it. */
export interface StoredDelivery {
  sourceId: string;
  deliveryId: string;
  topic: string;
  payload: string;
  /** When the hub received it (epoch ms): the event time when the payload carries none. */
  receivedAt: number;
  /** How many times mapping was tried before. */
  attempts: number;
}

/** What a mapper may use. */
export interface MapContext {
  now(): number;
  /** For 抖店 / 微信小店 order detail (the base URL is the source's `apiUrl`). Injected so tests answer locally. */
  fetch: typeof fetch;
  /**
   * The catalog sku for a shop line: by the sku itself when it is one of ours, else by the platform
   * product / variant ids a product carries; undefined when nothing matches (the line's own sku, or
   * `<productId>:<variantId>`, is used then).
   */
  skuFor(line: {
    sku?: string;
    productId?: string;
    variantId?: string;
    /** Whose product ids these are, when not the source's own platform (a feed carrying several, like oba's Douyin orders). */
    platform?: string;
  }): string | undefined;
}

/**
 * Order event records (type `order`, platform = the source's platform) ready for the ingest path;
 * or why not. `retry`: true when trying again later may work (the order API is down), false when
 * the payload itself is wrong (kept, marked, shown until a mapping fix and `sources replay`).
 */
export type MapResult = { ok: true; records: Record<string, unknown>[] } | { ok: false; code: string; message: string; retry: boolean };

export interface HookAdapter {
  kind: HookKind;
  /** Config fields this kind needs (the CLI and the form ask for them). */
  needs: readonly (keyof SourceConfig)[];
  /** Config fields it may take besides (the form offers them as optional). */
  may?: readonly (keyof SourceConfig)[];
  /** Verifies and classifies a request. Synchronous and parse-free up to the signature check. */
  verify(req: HookRequest, source: SourceConfig): HookVerdict;
  /** Turns a stored delivery into order events. */
  map(delivery: StoredDelivery, source: SourceConfig, ctx: MapContext): Promise<MapResult>;
}

/** The hub's single entry for a webhook request: the HTTP route and the relay pull both call it. */
export type ReceiveHook = (sourceId: string, req: HookRequest) => Promise<HookAnswer>;

// ---------------------------------------------------------------------------------------------
// Live rooms

export type RoomState = 'connecting' | 'connected' | 'reconnecting' | 'error' | 'stopped';

/** Where a live room delivers. */
export interface RoomSink {
  /** The ordinary ingest path (validated, deduped by (platform, id)); resolves after commit. */
  submit(records: Record<string, unknown>[]): Promise<{ accepted: number; duplicates: number; rejected: { index: number; code?: string; error: string }[] }>;
  /** The light on the 数据源 panel. */
  state(state: RoomState, reason?: string): void;
  /** A skipped frame or a refused message: a coded reason, never the payload. */
  warn(code: string, message: string): void;
  now(): number;
  skuFor: MapContext['skuFor'];
  /** Catalog price of a sku in fen (for orders a feed reports without an amount), or undefined. */
  priceFor(sku: string): number | undefined;
  /**
   * The sku of the item on air now (讲解), when there is one. Optional: a room's "someone is going to
   * buy" signal (Bilibili's GOTO_BUY_FLOW) names no product, so it counts as a click on this one.
   */
  onAirSku?(): string | undefined;
}

export interface RoomHandle {
  stop(): Promise<void>;
}

export interface RoomAdapter {
  kind: RoomKind;
  needs: readonly (keyof SourceConfig)[];
  /** Config fields it may take besides (the form offers them as optional). */
  may?: readonly (keyof SourceConfig)[];
  start(source: SourceConfig, sink: RoomSink): RoomHandle;
}
