/**
 * Socket.IO event maps for every namespace, as function signatures. The hub is
 * `Server<...ClientToServer, ...ServerToClient>`, clients `Socket<...ServerToClient, ...ClientToServer>`.
 * All payloads are plain JSON, so a client in any language can speak them.
 */
import type { ControlAck, ControlAction, ControlPayload, Product } from './control.js';
import type { LiveEvent } from './events.js';
import type { LiveCoupon, LiveSnapshot, LiveTick } from './live.js';
import type { DealClaim } from './mall.js';

/** Answer to one batch: counted only after the batch is committed to disk. */
export interface IngestAck {
  accepted: number;
  duplicates: number;
  rejected: { index: number; error: string; code: string }[];
  /** Set when nothing was stored (e.g. the disk refused the write): resend the whole batch later. */
  error?: { code: string; message: string };
}

/** The same answer for `POST /api/ingest`, where lines are numbered from 1. */
export interface HttpIngestAck {
  accepted: number;
  duplicates: number;
  rejected: { line: number; error: string; code: string }[];
}

/** Commands the hub sends to connectors; the simulator obeys them as a real audience would react. */
export type ConnectorCommand =
  | {
      type: 'deal.start';
      dealId: string;
      sku: string;
      priceFen: number;
      stock: number;
      perUserLimit: number;
      endsAt: number;
    }
  | { type: 'deal.end'; dealId: string; sku: string; reason: string }
  | { type: 'product.pin'; sku: string; priceFen: number | null }
  | ({ type: 'coupon.drop' } & Pick<LiveCoupon, 'couponId' | 'sku' | 'title' | 'discountFen' | 'thresholdFen' | 'quantity' | 'perUserLimit' | 'endsAt'>)
  | { type: 'coupon.end'; couponId: string; reason: string }
  /** The whole catalog, to a connector that follows it (`catalog.follow`): at once, then after each change. */
  | { type: 'catalog.set'; catalog: Product[] };

export interface IngestClientToServer {
  batch: (events: unknown[], ack: (result: IngestAck) => void) => void;
  /** Asks for the catalog as a `catalog.set` command now and after every change (a demo audience shops from it). */
  'catalog.follow': () => void;
}
export interface IngestServerToClient {
  command: (command: ConnectorCommand) => void;
}

export interface ClaimAck {
  granted: boolean;
  reason?: 'sold_out' | 'limit_reached' | 'not_live' | 'ended' | 'not_found' | 'invalid' | 'unavailable';
  /** Units granted by this claim (the last units of a deal may be fewer than asked). */
  qty?: number;
  /** Units granted to this user for the deal so far. */
  userTotal?: number;
}
/** The answer to `deal.claims`: `answers[i]` answers `claims[i]`; `error` (and no answers) when the message is not an array of 1–1000 claims. */
export interface ClaimsAck {
  answers: ClaimAck[];
  error?: { code: 'invalid'; message: string };
}
export interface MallClientToServer {
  'deal.claim': (claim: DealClaim, ack: (result: ClaimAck) => void) => void;
  /** Many claims in one message, decided in order and answered by one ack after one commit. */
  'deal.claims': (claims: DealClaim[], ack: (result: ClaimsAck) => void) => void;
  /** One coupon for a buyer; the same reasons as `deal.claim`. */
  'coupon.claim': (claim: { couponId: string; userId: string }, ack: (result: ClaimAck) => void) => void;
}
export type MallServerToClient = Record<string, never>;

export type ControlClientToServer = {
  [A in ControlAction]: (payload: ControlPayload<A>, ack: (result: ControlAck<A>) => void) => void;
} & {
  /** Ask for a fresh snapshot (after a detected gap). */
  'snapshot.request': () => void;
};

export interface ViewServerToClient {
  snapshot: (state: LiveSnapshot) => void;
  tick: (delta: LiveTick) => void;
}
export type ControlServerToClient = ViewServerToClient;
export interface ViewClientToServer {
  'snapshot.request': () => void;
}

/** Socket.IO handshake auth for every namespace. */
export interface HandshakeAuth {
  token: string;
  /** Shown in the audit log and on claimed question cards. */
  name?: string;
}
