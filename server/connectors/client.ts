/**
 * The connector helper: what a platform integration (or the built-in simulator) uses to hand events
 * to a LiveDeck hub over the `/ingest` Socket.IO namespace.
 *
 * Delivery is at-least-once. Events are queued, cut into batches of at most `batchSize`, and each
 * batch stays pending until the hub acknowledges it — which the hub does only after the batch is
 * committed to disk. A batch whose ack times out, whose ack carries `error` (nothing was stored), or
 * that was in flight when the socket dropped is sent again, in order, with exponential backoff.
 * The hub stores each (platform, id) once, so a resend that turns out to be a duplicate is harmless.
 * Records the hub refuses as invalid are reported, never resent: sending them again cannot help.
 *
 * @example
 * const connector = createConnector({ url: 'http://127.0.0.1:5170', token: process.env.LIVEDECK_TOKEN_INGEST! });
 * connector.send({ type: 'comment', platform: 'douyin', id: msg.msgId, ts: msg.ts, userId, nick, text });
 * await connector.flush(); // everything sent so far is on the hub's disk
 * connector.close();
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClaimAck, DealClaim, IngestAck, IngestClientToServer, IngestServerToClient, LiveEvent, MallClientToServer, MallServerToClient } from '../protocol/index.js';

/** Where the connector reports what a person running it should know. */
export interface ConnectorLogger {
  info?(message: string): void;
  warn(message: string): void;
}

/** One record the hub refused, with the event as it was sent. */
export interface RejectedEvent {
  event: LiveEvent;
  code: string;
  error: string;
}

export interface ConnectorOptions {
  /** The hub's base URL (`http://127.0.0.1:5170`); `/ingest` is appended unless already there. */
  url: string;
  /** The hub's `ingest` role token. */
  token: string;
  /**
   * The platform this connector speaks for. Informational (used in log lines); every event still
   * carries its own `platform`, which the caller sets.
   */
  platform?: string;
  /** Most events in one batch (default 500). */
  batchSize?: number;
  /** How long a partly filled batch waits for more events before it is sent (default 50 ms). */
  flushMs?: number;
  /** Batches in flight at once, awaiting their ack (default 4). */
  maxInFlight?: number;
  /** How long to wait for an ack before sending the batch again (default 10 s). */
  ackTimeoutMs?: number;
  /** First retry delay after a failure; doubles on each further failure (default 100 ms). */
  retryBaseMs?: number;
  /** Longest retry delay (default 2 s). */
  retryMaxMs?: number;
  /** A disconnection at least this long is reported through `onGap` (default 5 s). */
  gapMinMs?: number;
  /** Clock for gap timestamps, epoch ms (default Date.now). */
  clock?: () => number;
  /**
   * Ask the hub for its catalog as a `catalog.set` command, on every (re)connection and after every
   * change (a demo audience shops from it). Default false: a platform's connector has its own shop.
   */
  followCatalog?: boolean;
  /** A command from the hub (`deal.start`, `deal.end`, `product.pin`, `coupon.drop`, `catalog.set`). */
  onCommand?: (command: Parameters<IngestServerToClient['command']>[0]) => void;
  /** Records the hub refused as invalid; they are dropped, not resent. */
  onRejected?: (rejected: RejectedEvent[]) => void;
  /**
   * The connection to the hub was down from `fromTs` to `toTs` (epoch ms) and is back. Called once
   * per reconnection that followed at least `gapMinMs` of disconnection, so the caller can record a
   * `stream.gap` event if its own upstream was affected too.
   */
  onGap?: (fromTs: number, toTs: number) => void;
  /** Connection state changes, for a status light. */
  onStatus?: (status: ConnectorStatus) => void;
  /** Where warnings go (default: console.warn, prefixed). Pass `{ warn() {} }` to silence. */
  logger?: ConnectorLogger;
  /** Extra socket.io-client options (transports, proxies, …); `auth` is always `{ token }`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export type ConnectorStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** Counters since the connector was created, in events unless named otherwise. */
export interface ConnectorStats {
  /** Events emitted to the hub at least once. */
  sent: number;
  /** Events in batches the hub acknowledged (accepted + duplicates + rejected). */
  acked: number;
  /** Events the hub stored for the first time. */
  accepted: number;
  /** Events the hub already had (resends and replays). */
  duplicates: number;
  /** Events the hub refused as invalid. */
  rejected: number;
  /** Events queued or sent but not yet acknowledged. */
  pending: number;
  /** Batches sent again after a timeout, an error ack or a disconnection. */
  resends: number;
}

export interface Connector {
  /**
   * Queues one event for the hub. The caller gives `platform`, a source `id` unique within that
   * platform, and `ts`; the connector assigns nothing and does not validate (the hub does).
   */
  send(event: LiveEvent): void;
  /** Queues several events, in order. */
  sendMany(events: readonly LiveEvent[]): void;
  /**
   * Resolves once every event queued before this call is acknowledged by the hub (stored, known, or
   * refused as invalid). Waits across disconnections. With `timeoutMs`, rejects if that takes longer;
   * rejects if the connector is closed first.
   */
  flush(timeoutMs?: number): Promise<void>;
  /** Disconnects and stops retrying. Unacknowledged events are dropped: call `flush()` first. */
  close(): void;
  stats(): ConnectorStats;
  /** True while the socket is connected to the hub. */
  readonly connected: boolean;
}

interface Batch {
  /** Sequence number of its first event; events are numbered in `send` order. */
  start: number;
  events: LiveEvent[];
  state: 'waiting' | 'inflight' | 'acked';
  /** Bumped at each emission, so an ack for an older emission is recognised. */
  attempt: number;
  timer?: ReturnType<typeof setTimeout>;
}

interface FlushWaiter {
  target: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** `http://host:port` → `http://host:port/ingest`; leaves a URL that already names `/ingest` alone. */
function namespaceUrl(url: string, ns: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith(ns) ? trimmed : `${trimmed}${ns}`;
}

const defaultLogger: ConnectorLogger = { warn: (m) => console.warn(`[livedeck connector] ${m}`) };

/**
 * Connects to a hub's `/ingest` namespace and delivers events at least once. Reconnection is
 * Socket.IO's own; this layer adds batching, acknowledgement tracking and resends.
 */
export function createConnector(options: ConnectorOptions): Connector {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const flushMs = Math.max(0, options.flushMs ?? 50);
  const maxInFlight = Math.max(1, options.maxInFlight ?? 4);
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const retryBaseMs = options.retryBaseMs ?? 100;
  const retryMaxMs = options.retryMaxMs ?? 2_000;
  const gapMinMs = options.gapMinMs ?? 5_000;
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? defaultLogger;
  const label = options.platform ? ` (${options.platform})` : '';

  const socket: Socket<IngestServerToClient, IngestClientToServer> = io(namespaceUrl(options.url, '/ingest'), {
    reconnectionDelay: 200,
    reconnectionDelayMax: retryMaxMs,
    transports: ['websocket'],
    ...options.socketOptions,
    auth: { token: options.token },
  });

  /** Events not yet cut into a batch. */
  let queue: LiveEvent[] = [];
  /** Sequence number of queue[0]. */
  let queueStart = 0;
  /** Sent-or-waiting batches in send order; acked ones are trimmed from the front. */
  const batches: Batch[] = [];
  const waiters: FlushWaiter[] = [];
  const counters = { sent: 0, acked: 0, accepted: 0, duplicates: 0, rejected: 0, resends: 0 };

  let closed = false;
  let everConnected = false;
  let disconnectedAt: number | null = null;
  /** Consecutive failures; sets the backoff and resets on the next good ack. */
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  const status = (s: ConnectorStatus) => options.onStatus?.(s);
  status('connecting');

  socket.on('connect', () => {
    const now = clock();
    if (everConnected && disconnectedAt !== null && now - disconnectedAt >= gapMinMs) {
      try {
        options.onGap?.(disconnectedAt, now);
      } catch (err) {
        logger.warn(`onGap failed: ${(err as Error).message}`);
      }
    }
    everConnected = true;
    disconnectedAt = null;
    if (options.followCatalog) socket.emit('catalog.follow');
    status('connected');
    pump();
  });

  socket.on('disconnect', (reason) => {
    disconnectedAt ??= clock();
    status('disconnected');
    // What was in flight may or may not have reached the hub; send it again after reconnecting.
    for (const b of batches) if (b.state === 'inflight') fail(b, `disconnected (${reason})`, false);
    // Socket.IO does not reconnect by itself after the server closed the socket on purpose.
    if (reason === 'io server disconnect' && !closed) scheduleReconnect();
  });

  socket.on('connect_error', (err) => {
    if (everConnected) disconnectedAt ??= clock();
    // A refusal by the hub's middleware (bad token) is not retried by Socket.IO; tokens can be
    // rotated on a running hub, so keep knocking, slowly, and say why.
    if (!socket.active && !closed) {
      logger.warn(`the hub refused the connection${label}: ${err.message}; retrying in ${retryMaxMs} ms`);
      scheduleReconnect();
    }
  });

  socket.on('command', (command) => {
    try {
      options.onCommand?.(command);
    } catch (err) {
      logger.warn(`onCommand failed for ${command?.type}: ${(err as Error).message}`);
    }
  });

  function scheduleReconnect(): void {
    if (reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (!closed && !socket.connected) socket.connect();
    }, retryMaxMs);
  }

  function inFlight(): number {
    let n = 0;
    for (const b of batches) if (b.state === 'inflight') n++;
    return n;
  }

  /** Emits what may be emitted now: first batches waiting for a resend, in order, then new ones. */
  function pump(): void {
    if (closed || !socket.connected || retryTimer) return;
    let slots = maxInFlight - inFlight();
    for (const b of batches) {
      if (slots <= 0) return;
      if (b.state === 'waiting') {
        emit(b, true);
        slots--;
      }
    }
    while (slots > 0 && queue.length > 0) {
      const events = queue.length <= batchSize ? queue : queue.slice(0, batchSize);
      queue = queue.length <= batchSize ? [] : queue.slice(batchSize);
      const batch: Batch = { start: queueStart, events, state: 'waiting', attempt: 0 };
      queueStart += events.length;
      batches.push(batch);
      counters.sent += events.length;
      emit(batch, false);
      slots--;
    }
  }

  function emit(b: Batch, resend: boolean): void {
    if (resend) counters.resends++;
    const attempt = ++b.attempt;
    b.state = 'inflight';
    socket.timeout(ackTimeoutMs).emit('batch', b.events, (err: Error | null, ack: IngestAck) => {
      if (b.state === 'acked') return;
      if (err) {
        // A timeout or a disconnection of this very emission; an older one's error is old news.
        if (attempt === b.attempt && b.state === 'inflight') fail(b, err.message, true);
        return;
      }
      // Any emission's good ack settles the batch, even a late one: the hub has it.
      if (ack && !ack.error) settle(b, ack);
      else if (attempt === b.attempt && b.state === 'inflight') fail(b, ack?.error ? `${ack.error.code}: ${ack.error.message}` : 'empty ack', true);
    });
  }

  function fail(b: Batch, why: string, backoff: boolean): void {
    b.state = 'waiting';
    if (!backoff) return;
    failures++;
    const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (failures - 1));
    if (failures === 1 || failures % 10 === 0) logger.warn(`batch of ${b.events.length}${label} not acknowledged (${why}); resending in ${delay} ms`);
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      pump();
    }, delay);
  }

  function settle(b: Batch, ack: IngestAck): void {
    b.state = 'acked';
    failures = 0;
    counters.acked += b.events.length;
    counters.accepted += ack.accepted ?? 0;
    counters.duplicates += ack.duplicates ?? 0;
    const rejected = Array.isArray(ack.rejected) ? ack.rejected : [];
    counters.rejected += rejected.length;
    if (rejected.length > 0) {
      const detail = rejected.map((r) => ({ event: b.events[r.index], code: r.code, error: r.error }));
      if (options.onRejected) {
        try {
          options.onRejected(detail);
        } catch (err) {
          logger.warn(`onRejected failed: ${(err as Error).message}`);
        }
      } else {
        logger.warn(`the hub refused ${rejected.length} event(s)${label}, e.g. ${detail[0].error}`);
      }
    }
    while (batches.length > 0 && batches[0].state === 'acked') batches.shift();
    wakeWaiters();
    pump();
  }

  /** Sequence number of the oldest event not yet acknowledged. */
  function lowestUnacked(): number {
    for (const b of batches) if (b.state !== 'acked') return b.start;
    return queueStart;
  }

  function wakeWaiters(): void {
    const low = lowestUnacked();
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (low >= w.target) {
        waiters.splice(i, 1);
        if (w.timer) clearTimeout(w.timer);
        w.resolve();
      }
    }
  }

  function enqueue(event: LiveEvent): void {
    if (closed) throw new Error('connector is closed');
    queue.push(event);
  }

  function schedule(): void {
    if (queue.length >= batchSize) {
      pump();
      return;
    }
    flushTimer ??= setTimeout(() => {
      flushTimer = null;
      pump();
    }, flushMs);
  }

  return {
    send(event) {
      enqueue(event);
      schedule();
    },
    sendMany(events) {
      for (const e of events) enqueue(e);
      schedule();
    },
    flush(timeoutMs) {
      if (closed) return Promise.reject(new Error('connector is closed'));
      const target = queueStart + queue.length;
      if (lowestUnacked() >= target) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter: FlushWaiter = { target, resolve, reject };
        if (timeoutMs !== undefined) {
          waiter.timer = setTimeout(() => {
            const i = waiters.indexOf(waiter);
            if (i >= 0) waiters.splice(i, 1);
            reject(new Error(`flush timed out after ${timeoutMs} ms with ${target - lowestUnacked()} event(s) unacknowledged`));
          }, timeoutMs);
        }
        waiters.push(waiter);
        pump();
      });
    },
    close() {
      if (closed) return;
      closed = true;
      for (const t of [retryTimer, flushTimer, reconnectTimer]) if (t) clearTimeout(t);
      socket.close();
      status('closed');
      for (const w of waiters.splice(0)) {
        if (w.timer) clearTimeout(w.timer);
        w.reject(new Error('connector closed before everything was acknowledged'));
      }
    },
    stats() {
      let unacked = queue.length;
      for (const b of batches) if (b.state !== 'acked') unacked += b.events.length;
      return { ...counters, pending: unacked };
    },
    get connected() {
      return socket.connected;
    },
  };
}

export interface MallClaimerOptions {
  /** The hub's base URL; `/mall` is appended unless already there. */
  url: string;
  /** A token the hub accepts on `/mall`. */
  token: string;
  /** How long to wait for the hub's answer before treating the claim as refused (default 5 s). */
  timeoutMs?: number;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/** A mall backend's line to the hub's flash-sale stock: `claim` asks for units of a live deal. */
export interface MallClaimer {
  /**
   * Asks the hub for `qty` units of `dealId` for `userId`. Never rejects: when the hub cannot be
   * reached or does not answer in time the answer is `{ granted: false, reason: 'unavailable' }`,
   * which a shop shows as "try again".
   */
  claim(request: DealClaim): Promise<ClaimAck>;
  /** Asks the hub for one dropped coupon for `userId`; never rejects, as `claim`. */
  claimCoupon(request: { couponId: string; userId: string }): Promise<ClaimAck>;
  close(): void;
  /** True while the socket is connected to the hub. */
  readonly connected: boolean;
}

/**
 * Connects to a hub's `/mall` namespace (`deal.claim`, `coupon.claim`). The simulator's `mall` platform takes
 * `claim` from here so its buyers go through the same stock authority as a real mini-program.
 */
export function createMallClaimer(options: MallClaimerOptions): MallClaimer {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const socket: Socket<MallServerToClient, MallClientToServer> = io(namespaceUrl(options.url, '/mall'), {
    reconnectionDelay: 200,
    reconnectionDelayMax: 2_000,
    transports: ['websocket'],
    ...options.socketOptions,
    auth: { token: options.token },
  });
  return {
    claim(request) {
      // A claim is not resent blindly: an unanswered one may have been granted, and the buyer
      // asking again is the honest retry.
      if (!socket.connected) return Promise.resolve({ granted: false, reason: 'unavailable' });
      return new Promise<ClaimAck>((resolve) => {
        socket.timeout(timeoutMs).emit('deal.claim', request, (err: Error | null, ack: ClaimAck) => {
          resolve(err || !ack ? { granted: false, reason: 'unavailable' } : ack);
        });
      });
    },
    claimCoupon(request) {
      if (!socket.connected) return Promise.resolve({ granted: false, reason: 'unavailable' });
      return new Promise<ClaimAck>((resolve) => {
        socket.timeout(timeoutMs).emit('coupon.claim', request, (err: Error | null, ack: ClaimAck) => {
          resolve(err || !ack ? { granted: false, reason: 'unavailable' } : ack);
        });
      });
    },
    close: () => void socket.close(),
    get connected() {
      return socket.connected;
    },
  };
}
