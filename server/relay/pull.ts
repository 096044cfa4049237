/**
 * The hub's side of the relay (`livedeck studio --relay URL`): connects out to the relay's `/relay`
 * namespace, hands every delivery to the hub's one webhook entry (`ReceiveHook`, the same function
 * `POST /hooks/:sourceId` calls) in the relay's order, and acknowledges each once that entry has
 * answered — stored, or refused for good (a 401 forgery or a 404 unknown source is final: sending it
 * again cannot help, so it is logged and acknowledged). An answer of 5xx means the hub cannot take that
 * source's deliveries now (a shop switched off, a store failing): that one and the source's later ones
 * are not acknowledged, and the relay holds the source back for a pause that doubles each time,
 * while the other sources' deliveries keep coming.
 * Dedupe across redelivery is the hub inbox's (by the platform's delivery id); the pull also skips
 * sequence numbers it already acknowledged to this relay.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { relayBatchSchema, relayLiveRequestSchema, type RelayAck, type RelayAnswer, type RelayClientToServer, type RelayServerToClient } from '../protocol/index.js';
import type { HookRequest, ReceiveHook } from '../sources/types.js';

/** The relay link as `/health` shows it. `waiting`: not connected (yet, or again after a drop), retrying. */
export type RelayState = 'connected' | 'waiting' | 'error' | 'closed';

export interface RelayStatus {
  state: RelayState;
  /** The relay's address (no token). */
  url: string;
  /** Since when in this state (epoch ms). */
  since: number;
  /** Why it is `error` or was last dropped; never a secret. */
  lastError: string | null;
  /** Deliveries handed to the hub and acknowledged since start. */
  received: number;
  /** Of those, refused by the hub for good (forged, unknown source). */
  refused: number;
  /** The relay's outbox when it last said (on connection). */
  waitingAtRelay: number | null;
}

export interface RelayPullOptions {
  /** The relay's base URL (`https://relay.example.com`); `/relay` is appended. */
  url: string;
  /** `LIVEDECK_TOKEN_RELAY`, the same on both sides. */
  token: string;
  /**
   * Who this hub is, the same across its restarts (the hub derives it from its machine and database
   * file): a restarted hub takes over the relay at once, another hub with the same token is refused.
   * Default: new for each pull.
   */
  hubId?: string;
  /** The hub's webhook entry. */
  receive: ReceiveHook;
  now?: () => number;
  /** First reconnection delay, doubling to `retryMaxMs` (defaults 500 ms and 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  logger?: { info?(message: string): void; warn(message: string): void };
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface RelayPull {
  status(): RelayStatus;
  close(): Promise<void>;
}

const short = (s: string, n = 200) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, n);

/** The relay's address for people: origin and path, never credentials or a query. */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * A hub's id for the relay, the same on every start of a hub on this machine and database file, so a
 * restarted hub takes the relay over; a hub without a file gets `fallback`'s.
 */
export function stableHubId(dbFile: string | null, fallback: string): string {
  return crypto
    .createHash('sha256')
    .update(`${os.hostname()}\n${dbFile ? path.resolve(dbFile) : fallback}`)
    .digest('hex')
    .slice(0, 16);
}

export function createRelayPull(options: RelayPullOptions): RelayPull {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? { info: (m: string) => console.log(`[relay] ${m}`), warn: (m: string) => console.warn(`[relay] ${m}`) };
  const base = options.url.replace(/\/+$/, '');
  const retryBaseMs = options.retryBaseMs ?? 500;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const status: RelayStatus = { state: 'waiting', url: shownUrl(base), since: now(), lastError: null, received: 0, refused: 0, waitingAtRelay: null };
  const setState = (state: RelayState, error?: string | null) => {
    if (status.state !== state) status.since = now();
    status.state = state;
    if (error !== undefined) status.lastError = error;
  };

  // Sequence numbers acknowledged to this relay database (seqs are per relay id), the latest few
  // thousand: a relay that comes back from before its deletes sends them again.
  const acked = rememberedSeqs(20_000);
  /** Consecutive 5xx answers per source, for its pause. */
  const sourceFailures = new Map<string, number>();
  let failures = 0;
  const backoff = () => Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(failures, 16));
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();

  const socket: Socket<RelayServerToClient, RelayClientToServer> = io(`${base}/relay`, {
    auth: { token: options.token, hubId: options.hubId ?? crypto.randomBytes(8).toString('hex') },
    transports: ['websocket'],
    reconnectionDelay: retryBaseMs,
    reconnectionDelayMax: retryMaxMs,
    ...options.socketOptions,
  });

  /** Reconnects later where socket.io will not by itself (the relay refused or replaced this connection). */
  const reconnectLater = () => {
    clearTimeout(retry);
    if (closed) return;
    retry = setTimeout(() => !closed && socket.connect(), backoff());
    retry.unref();
    failures++;
  };

  socket.on('connect', () => {
    failures = 0;
    setState('connected', null);
    logger.info?.(`connected to ${status.url}`);
  });
  socket.on('connect_error', (err) => {
    const taken = err.message.startsWith('relay_taken');
    const refused = taken || /^(unauthorized|rate_limited)/.test(err.message);
    const why = taken ? short(err.message) : `${short(err.message)} (check LIVEDECK_TOKEN_RELAY on both sides)`;
    setState(refused ? 'error' : 'waiting', refused ? `the relay refused this hub: ${why}` : `cannot reach the relay: ${short(err.message)}`);
    if (refused) logger.warn(status.lastError!);
    // Another hub holds the relay: ask again at the longest interval, not in a tight loop.
    if (taken) failures = 16;
    // socket.io retries a network failure itself, but not a refusal by the relay's middleware.
    if (!socket.active) reconnectLater();
  });
  socket.on('disconnect', (reason) => {
    if (closed) return;
    if (reason === 'io server disconnect') {
      // The relay closed it: another hub connected with the same token, or this one was too slow.
      setState('error', 'the relay closed this connection (this hub restarted elsewhere, or an acknowledgement was too slow)');
      logger.warn(status.lastError!);
      reconnectLater();
    } else setState('waiting', `disconnected: ${reason}`);
  });
  socket.on('hello', (hello) => {
    status.waitingAtRelay = typeof hello?.waiting === 'number' ? hello.waiting : null;
  });

  const toRequest = (d: { method: 'GET' | 'POST'; headers: Record<string, string>; query: Record<string, string>; body: Uint8Array; receivedAt: number }): HookRequest => ({
    method: d.method,
    headers: d.headers,
    query: d.query,
    body: Buffer.isBuffer(d.body) ? d.body : Buffer.from(d.body.buffer, d.body.byteOffset, d.body.byteLength),
    receivedAt: d.receivedAt,
  });

  const answerOf = async (sourceId: string, req: HookRequest): Promise<RelayAnswer> => {
    try {
      return await options.receive(sourceId, req);
    } catch (err) {
      return { status: 500, body: `the hub failed: ${(err as Error).message}` };
    }
  };

  socket.on('deliveries', (raw, ack) => {
    if (typeof ack !== 'function') return;
    const batch = relayBatchSchema.safeParse(raw);
    if (!batch.success) {
      logger.warn('the relay sent a batch this hub does not understand (a different LiveDeck version?); asking it to wait');
      return ack({ seqs: [], retryInMs: retryMaxMs });
    }
    // One batch at a time, in order, even when a batch resent after a reconnection arrives while the
    // previous connection's is still being stored.
    queue = queue.then(async () => {
      const { relayId } = batch.data;
      const reply: RelayAck = { seqs: [] };
      const answers: Record<string, RelayAnswer> = {};
      const bodies = Buffer.isBuffer(batch.data.bodies) ? batch.data.bodies : Buffer.from(batch.data.bodies.buffer, batch.data.bodies.byteOffset, batch.data.bodies.byteLength);
      let offset = 0;
      // A source the hub cannot take now (switched off, its store failing) waits at the relay, its
      // later deliveries with it (a source's order holds); the other sources' go on.
      const paused = new Map<string, number>();
      for (const { bodyBytes, ...d } of batch.data.deliveries) {
        // A copy: the receiver may keep it, and a slice would keep the whole batch in memory.
        const body = Buffer.from(bodies.subarray(offset, (offset += bodyBytes)));
        if (paused.has(d.sourceId)) continue;
        if (acked.has(relayId, d.seq)) {
          reply.seqs.push(d.seq);
          continue;
        }
        const answer = await answerOf(d.sourceId, toRequest({ ...d, body }));
        if (answer.status >= 500) {
          const n = (sourceFailures.get(d.sourceId) ?? 0) + 1;
          sourceFailures.set(d.sourceId, n);
          const waitMs = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(n - 1, 16));
          paused.set(d.sourceId, waitMs);
          setState(
            'error',
            `the hub could not take relay delivery #${d.seq} for source ${d.sourceId}: ${answer.status} ${short(answer.body)}; that source's deliveries wait at the relay, retried in ${Math.round(waitMs / 1000)} s`,
          );
          logger.warn(status.lastError!);
          continue;
        }
        sourceFailures.delete(d.sourceId);
        if (answer.status >= 400) {
          status.refused++;
          logger.warn(`relay delivery #${d.seq} for source ${d.sourceId} refused by the hub: ${answer.status} ${short(answer.body)}`);
        } else if (d.method === 'POST') answers[d.sourceId] = { status: answer.status, body: answer.body.slice(0, 4096), ...(answer.contentType ? { contentType: answer.contentType } : {}) };
        status.received++;
        reply.seqs.push(d.seq);
        acked.add(relayId, d.seq);
      }
      if (paused.size) reply.paused = Object.fromEntries(paused);
      else if (sourceFailures.size === 0 && status.state === 'error' && socket.connected) setState('connected', null);
      if (Object.keys(answers).length) reply.answers = answers;
      ack(reply);
    });
  });

  socket.on('request', (raw, answer) => {
    if (typeof answer !== 'function') return;
    const request = relayLiveRequestSchema.safeParse(raw);
    if (!request.success) return answer({ status: 400, body: 'The relay sent a request this hub does not understand.' });
    void answerOf(request.data.sourceId, toRequest(request.data)).then((a) => answer({ status: a.status, body: a.body, ...(a.contentType ? { contentType: a.contentType } : {}) }));
  });

  return {
    status: () => ({ ...status }),
    async close() {
      closed = true;
      clearTimeout(retry);
      socket.close();
      setState('closed');
    },
  };
}

/** The last `max` sequence numbers acknowledged to one relay id (a new relay id forgets the old). */
function rememberedSeqs(max: number) {
  let relayId: string | null = null;
  const seqs = new Set<number>();
  return {
    has: (id: string, seq: number) => id === relayId && seqs.has(seq),
    add(id: string, seq: number): void {
      if (id !== relayId) {
        relayId = id;
        seqs.clear();
      }
      seqs.add(seq);
      // Sets iterate in insertion order: the first is the oldest.
      if (seqs.size > max) seqs.delete(seqs.values().next().value!);
    },
  };
}
