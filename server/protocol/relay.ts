/**
 * The relay's `/relay` namespace (DESIGN §11): a public `livedeck relay` keeps the webhook deliveries
 * platforms push to it, and a studio hub on a LAN connects out to it and takes them. The relay sends;
 * the hub acknowledges what it has stored, and only then does the relay forget it.
 */
import { z } from 'zod';

/** Largest webhook body the hub or the relay takes (a platform's order push is a few KiB). */
export const MAX_HOOK_BODY_BYTES = 1024 * 1024;

/** One delivery as the relay kept it: the request exactly as the platform sent it, and when. */
export interface RelayDelivery {
  /** The relay's sequence number: increasing, never reused by one relay database. */
  seq: number;
  sourceId: string;
  method: 'GET' | 'POST';
  /** Lower-cased names, first value of each. */
  headers: Record<string, string>;
  /** Decoded, first value of each. */
  query: Record<string, string>;
  /** The raw body bytes. */
  body: Uint8Array;
  /** When the relay answered the platform (epoch ms). */
  receivedAt: number;
}

/** A request only the hub can answer (a platform's GET URL check), passed through while the platform waits. */
export type RelayLiveRequest = Omit<RelayDelivery, 'seq'>;

/** What the hub answered; for a live request, what the platform gets. */
export interface RelayAnswer {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * The hub's acknowledgement of a batch. `seqs`: stored by the hub (or refused for good, as a 401
 * or 404 is), so the relay deletes them; everything else in the batch is sent again. `paused`: per
 * source id, how long (ms) to hold its deliveries back — the hub could not take that source's now (a
 * shop switched off, a 5xx) — while the other sources' keep coming. `retryInMs`: hold everything
 * back (the hub cannot take anything). `answers`: per source, what the hub answers a stored
 * delivery, so the relay answers the platform the same way.
 */
export interface RelayAck {
  seqs: number[];
  paused?: Record<string, number>;
  retryInMs?: number;
  answers?: Record<string, RelayAnswer>;
}

/**
 * A batch as it travels: the deliveries without their bodies, and the bodies end to end in one binary
 * attachment (`bodyBytes` each, in order). Socket.IO's parser takes at most 10 binary attachments a
 * message, so a body per attachment would cap a batch at 10.
 */
export interface RelayBatch {
  relayId: string;
  deliveries: (Omit<RelayDelivery, 'body'> & { bodyBytes: number })[];
  bodies: Uint8Array;
}

export interface RelayServerToClient {
  /** Sent on connection: which relay database this is (sequence numbers are per relay id) and its outbox. */
  hello: (hello: { relayId: string; waiting: number }) => void;
  /** A batch in `seq` order; the next one follows the ack. */
  deliveries: (batch: RelayBatch, ack: (ack: RelayAck) => void) => void;
  request: (request: RelayLiveRequest, answer: (answer: RelayAnswer) => void) => void;
}

// The hub sends nothing unasked: it only acknowledges.
export type RelayClientToServer = Record<string, never>;

const stringRecord = z.record(z.string(), z.string());
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes');

const requestFields = {
  sourceId: z.string().min(1).max(64),
  method: z.enum(['GET', 'POST']),
  headers: stringRecord,
  query: stringRecord,
  receivedAt: z.number().int().nonnegative(),
};

/** A batch as it reaches the hub, checked before anything is done with it (the bodies must add up). */
export const relayBatchSchema = z
  .object({
    relayId: z.string().min(1).max(64),
    deliveries: z.array(z.object({ seq: z.number().int().positive(), bodyBytes: z.number().int().nonnegative(), ...requestFields })).max(10_000),
    bodies: bytes,
  })
  .refine((b) => b.deliveries.reduce((n, d) => n + d.bodyBytes, 0) === b.bodies.byteLength, 'the bodies do not add up to the deliveries');

export const relayLiveRequestSchema = z.object({ ...requestFields, body: bytes });

export const relayAnswerSchema = z.object({ status: z.number().int().min(100).max(599), body: z.string().max(64 * 1024), contentType: z.string().max(200).optional() });

/** A hub's ack as the relay checks it. */
export const relayAckSchema = z.object({
  seqs: z.array(z.number().int().positive()).max(10_000),
  paused: z.record(z.string().max(64), z.number().nonnegative()).optional(),
  retryInMs: z.number().nonnegative().optional(),
  answers: z.record(z.string().max(64), relayAnswerSchema).optional(),
});
