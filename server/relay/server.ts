/**
 * `livedeck relay` (DESIGN §11): the public half of a studio's webhooks. Platforms push to
 * `POST /hooks/:sourceId` here, on a small VM behind HTTPS; each delivery is kept in the relay's
 * outbox and answered 200 at once (the relay holds no platform secret, so it verifies nothing and
 * caps everything instead). The studio's hub connects out to the `/relay` namespace with the relay
 * token, takes the deliveries in order and acknowledges what it stored; only then are they deleted.
 * A platform's GET URL check needs the hub's secret to answer, so it is passed to the hub live.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace, type Socket } from 'socket.io';
import { tokenMatches } from '../http/auth.js';
import { createAuthLimiter } from '../http/guard.js';
import { readBytes } from '../http/routes.js';
import {
  MAX_HOOK_BODY_BYTES,
  relayAckSchema,
  relayAnswerSchema,
  type RelayAnswer,
  type RelayBatch,
  type RelayClientToServer,
  type RelayLiveRequest,
  type RelayServerToClient,
} from '../protocol/index.js';
import { DEFAULT_OUTBOX_LIMITS, openOutbox, OutboxError, type OutboxLimits } from './outbox.js';

export interface RelayLimits extends OutboxLimits {
  /** Webhook requests one client address may make per second, sustained… */
  ratePerSec: number;
  /** …and in one burst. */
  burst: number;
  /** Webhook requests in progress at once, all addresses together (past it: 503). */
  maxInProgress: number;
  /** Most deliveries, and bytes, in one batch to the hub (a batch has at least one). */
  batchCount: number;
  batchBytes: number;
  /** How long the hub may take to acknowledge a batch before its connection is dropped and the batch resent. */
  ackTimeoutMs: number;
  /** How long a platform's live request (a GET URL check) waits for the hub (WeChat gives up after 5 s). */
  forwardTimeoutMs: number;
  /** How long a body may take to arrive. */
  bodyTimeoutMs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  ...DEFAULT_OUTBOX_LIMITS,
  ratePerSec: 200,
  burst: 1000,
  maxInProgress: 512,
  batchCount: 256,
  batchBytes: 4 * 1024 * 1024,
  ackTimeoutMs: 60_000,
  forwardTimeoutMs: 4_000,
  bodyTimeoutMs: 20_000,
};

export interface RelayOptions {
  /** The outbox's SQLite file. */
  db: string;
  /** The relay token the studio's hub presents (`LIVEDECK_TOKEN_RELAY`). */
  token: string;
  now?: () => number;
  limits?: Partial<RelayLimits>;
  /**
   * Whose address the rate cap counts. `loopback` (default): the last `X-Forwarded-For` entry when the
   * request comes from this machine (Caddy or nginx on the VM), else the peer; `always`: the last entry
   * from any peer (a terminator elsewhere); `never`: the peer.
   */
  trustProxy?: 'loopback' | 'always' | 'never';
  /** Where the relay says what happened (hub connected, token refused); default console.log. */
  log?: (line: string) => void;
}

/** Source ids as the hub's registry allows them (DESIGN §11). */
const SOURCE_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** What the relay answers a kept delivery until the hub has said what it answers (`{"code":0,…}` satisfies 抖店 and 有赞; Shopify and WooCommerce read only the status). */
export const DEFAULT_DELIVERY_ANSWER: RelayAnswer = { status: 200, body: '{"code":0,"msg":"success"}', contentType: 'application/json' };

/** Headers that describe the hop, not the delivery: not kept. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
  'content-length',
  'host',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'forwarded',
  'via',
]);
const MAX_HEADERS = 64;
const MAX_HEADER_VALUE = 4096;

type HubSocket = Socket<RelayClientToServer, RelayServerToClient>;

const isLoopback = (a: string | undefined) => !!a && (a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.'));

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

/** A refusal: a code for programs and a sentence for people. */
function refuse(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  send(res, status, JSON.stringify({ ok: false, error: { code, message } }), 'application/json; charset=utf-8', extra);
}

/** A token bucket per address; full buckets are forgotten when the map grows. */
function createRateCap(now: () => number, perSec: number, burst: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (address: string): boolean => {
    const t = now();
    const b = buckets.get(address) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSec);
    b.at = t;
    if (buckets.size > 50_000) for (const [a, v] of buckets) if (v.tokens + ((t - v.at) / 1000) * perSec >= burst) buckets.delete(a);
    buckets.set(address, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}

/** The request's headers as a delivery keeps them: lower-cased, first value, hop headers left out, capped. */
function keptHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length && n < MAX_HEADERS; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (HOP_HEADERS.has(name) || name in out) continue;
    out[name] = req.rawHeaders[i + 1].slice(0, MAX_HEADER_VALUE);
    n++;
  }
  return out;
}

function firstValues(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (!(k in out)) out[k] = v;
  return out;
}

export type Relay = ReturnType<typeof createRelay>;

export function createRelay(options: RelayOptions) {
  const now = options.now ?? Date.now;
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...options.limits };
  const log = options.log ?? ((line: string) => console.log(line));
  const outbox = openOutbox(options.db, limits);
  const startedAt = now();
  const rateOk = createRateCap(now, limits.ratePerSec, limits.burst);
  const authLimiter = createAuthLimiter(now);
  const trust = options.trustProxy ?? 'loopback';
  let inProgress = 0;
  let lastFullLog = 0;

  const clientAddress = (req: IncomingMessage): string => {
    const peer = req.socket.remoteAddress ?? '?';
    const forwarded = req.headers['x-forwarded-for'];
    if (!forwarded || trust === 'never' || (trust === 'loopback' && !isLoopback(peer))) return peer;
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded).split(',');
    return list[list.length - 1].trim() || peer;
  };

  // The one hub taking deliveries: the newest connection (a hub restarted after kill -9 takes over at
  // once, without waiting for the relay to notice the old connection is dead).
  let hub: HubSocket | null = null;
  let hubSince = 0;
  /** The hub a batch is out to, awaiting its ack. */
  let inFlight: HubSocket | null = null;
  /** A pause of everything the hub asked for. */
  let pumpTimer: NodeJS.Timeout | undefined;
  /** Sources the hub could not take for now, until when; their deliveries wait, the others go. */
  const pausedUntil = new Map<string, number>();
  let wakeTimer: NodeJS.Timeout | undefined;
  let closed = false;

  /**
   * One timer for the earliest paused source, set from the pauses themselves each time they change or
   * are looked at: a timer that fires a millisecond before its pause ends (Node's clock and its timers
   * round apart) finds the source still paused and sets itself again, rather than leave it waiting
   * for a delivery from some other shop.
   */
  function wakeWhenPauseEnds(): void {
    clearTimeout(wakeTimer);
    wakeTimer = undefined;
    if (closed || !pausedUntil.size) return;
    wakeTimer = setTimeout(pump, Math.max(1, Math.min(...pausedUntil.values()) - now() + 1));
    wakeTimer.unref();
  }

  function pump(): void {
    clearTimeout(pumpTimer);
    pumpTimer = undefined;
    const socket = hub;
    if (closed || !socket || inFlight === socket) return;
    const t = now();
    for (const [sourceId, until] of pausedUntil) if (until <= t) pausedUntil.delete(sourceId);
    wakeWhenPauseEnds();
    const deliveries = outbox.oldest(limits.batchCount, limits.batchBytes, [...pausedUntil.keys()]);
    if (!deliveries.length) return;
    inFlight = socket;
    const batch: RelayBatch = {
      relayId: outbox.relayId,
      deliveries: deliveries.map(({ body, ...d }) => ({ ...d, bodyBytes: body.byteLength })),
      bodies: Buffer.concat(deliveries.map((d) => d.body)),
    };
    socket.timeout(limits.ackTimeoutMs).emit('deliveries', batch, (err: Error | null, raw: unknown) => {
      if (inFlight === socket) inFlight = null;
      if (closed) return;
      if (err) {
        // The hub is stuck or gone: drop it; it reconnects and gets the batch again from its oldest.
        log(`relay: the hub did not acknowledge ${deliveries.length} deliveries within ${limits.ackTimeoutMs / 1000} s; dropping its connection`);
        socket.disconnect(true);
        return;
      }
      const ack = relayAckSchema.safeParse(raw);
      if (!ack.success) {
        log('relay: the hub sent an acknowledgement the relay does not understand; dropping its connection');
        socket.disconnect(true);
        return;
      }
      // Any hub's ack means stored there, even one that was replaced meanwhile.
      const sent = new Set(deliveries.map((d) => d.seq));
      const removed = outbox.remove(ack.data.seqs.filter((s) => sent.has(s)));
      for (const [sourceId, answer] of Object.entries(ack.data.answers ?? {})) {
        if (answer.status >= 200 && answer.status < 300) outbox.setAnswer(sourceId, answer);
      }
      const paused = Object.entries(ack.data.paused ?? {});
      for (const [sourceId, ms] of paused) pausedUntil.set(sourceId, now() + Math.min(Math.max(ms, 100), 60_000));
      wakeWhenPauseEnds();
      // A hub that stored nothing and gave no pause would be asked again at once, forever.
      const pause = ack.data.retryInMs ?? (removed === 0 && paused.length === 0 ? 1000 : 0);
      if (pause > 0) {
        pumpTimer = setTimeout(pump, Math.min(pause, 60_000));
        pumpTimer.unref();
      } else setImmediate(pump);
    });
  }
  outbox.onStored = () => {
    if (!inFlight && !pumpTimer) pump();
  };

  /** A request only the hub can answer, passed to it while the platform waits. */
  function forward(request: RelayLiveRequest): Promise<RelayAnswer> {
    const socket = hub;
    if (!socket) {
      return Promise.resolve({ status: 503, body: 'No studio hub is connected to this relay. Start the studio hub with --relay and try again.' });
    }
    return new Promise((resolve) => {
      socket.timeout(limits.forwardTimeoutMs).emit('request', request, (err: Error | null, raw: unknown) => {
        if (err) return resolve({ status: 503, body: `The studio hub did not answer within ${limits.forwardTimeoutMs / 1000} s. Try again.` });
        const answer = relayAnswerSchema.safeParse(raw);
        resolve(answer.success ? answer.data : { status: 502, body: 'The studio hub gave an answer the relay does not understand.' });
      });
    });
  }

  async function hook(req: IncomingMessage, res: ServerResponse, url: URL, sourceId: string): Promise<void> {
    const method = req.method;
    // Refused before its body was read: the connection closes rather than carry the unread body.
    if (!req.complete) res.setHeader('connection', 'close');
    if (method !== 'POST' && method !== 'GET') return refuse(res, 405, 'method', 'Webhooks are POST (and GET for a URL check).', { allow: 'POST, GET' });
    if (!rateOk(clientAddress(req))) return refuse(res, 429, 'rate_limited', 'Too many requests from this address; slow down.', { 'retry-after': '1' });
    if (inProgress >= limits.maxInProgress) return refuse(res, 503, 'busy', 'The relay is busy; try again shortly.', { 'retry-after': '1' });
    res.removeHeader('connection');
    inProgress++;
    try {
      let body: Buffer;
      try {
        body = await readBytes(req, MAX_HOOK_BODY_BYTES, limits.bodyTimeoutMs);
      } catch (err) {
        const e = err as { status?: number; code?: string; message: string };
        if (!req.complete && e.code !== 'too_large') res.setHeader('connection', 'close');
        return refuse(res, e.status ?? 400, e.code ?? 'bad_body', e.status === 413 ? `A webhook body is at most ${MAX_HOOK_BODY_BYTES} bytes (1 MiB).` : e.message);
      }
      const request = { sourceId, method, headers: keptHeaders(req), query: firstValues(url.searchParams), body, receivedAt: now() } as const;
      if (method === 'GET') {
        const answer = await forward(request);
        return send(res, answer.status, answer.body, answer.contentType ?? 'text/plain; charset=utf-8');
      }
      try {
        await outbox.put(request);
      } catch (err) {
        if (err instanceof OutboxError && err.code === 'full') {
          if (now() - lastFullLog > 60_000) {
            lastFullLog = now();
            log(`relay: outbox full (${outbox.count} deliveries, ${outbox.bytes} bytes); answering 429 until the hub takes them`);
          }
          return refuse(res, 429, 'outbox_full', err.message, { 'retry-after': '60' });
        }
        return refuse(res, 503, 'store_failed', (err as Error).message);
      }
      const answer = outbox.answerFor(sourceId) ?? DEFAULT_DELIVERY_ANSWER;
      send(res, answer.status, answer.body, answer.contentType ?? 'text/plain; charset=utf-8');
    } finally {
      inProgress--;
    }
  }

  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    // Socket.IO answers its own paths.
    if (url.pathname.startsWith('/socket.io/')) return;
    if (url.pathname === '/health') {
      const oldest = outbox.oldestAt();
      return send(
        res,
        200,
        JSON.stringify({
          ok: true,
          hub: hub ? 'connected' : 'none',
          waiting: outbox.count,
          waitingBytes: outbox.bytes,
          oldestWaitingSec: oldest === null ? null : (now() - oldest) / 1000,
          uptimeSec: (now() - startedAt) / 1000,
        }),
        'application/json; charset=utf-8',
      );
    }
    const m = /^\/hooks\/([^/]+)$/.exec(url.pathname);
    if (!m || !SOURCE_ID.test(m[1])) {
      if (!req.complete) res.setHeader('connection', 'close');
      return refuse(res, 404, 'not_found', 'Not found. Platforms post to /hooks/<source id>.');
    }
    hook(req, res, url, m[1]).catch((err: Error) => refuse(res, 500, 'internal', `The relay failed: ${err.message}`));
  });

  const io = new Server<RelayClientToServer, RelayServerToClient>(httpServer, { serveClient: false, maxHttpBufferSize: 1024 * 1024, pingInterval: 10_000, pingTimeout: 8_000 });
  // Only `/relay` is served; the default namespace is closed to everyone.
  io.of('/').use((_socket, next) => next(new Error('not_found: connect to /relay')));
  const relayNs: Namespace<RelayClientToServer, RelayServerToClient> = io.of('/relay');
  relayNs.use((socket, next) => {
    const address = socket.handshake.address;
    const auth = socket.handshake.auth as { token?: unknown; hubId?: unknown } | undefined;
    if (tokenMatches(auth?.token, options.token)) {
      const hubId = typeof auth?.hubId === 'string' && auth.hubId ? auth.hubId.slice(0, 64) : 'unnamed';
      // The same hub again (restarted after a crash, its old connection not yet timed out) takes over;
      // another hub with the same token is refused while the first is connected, so two studios
      // sharing a token by mistake do not split a shop's orders between them.
      if (hub?.connected && hub.data.hubId !== hubId) {
        log(`relay: refused a second hub from ${address} while another is connected (same relay token, different hub)`);
        return next(new Error('relay_taken: another studio hub is connected to this relay with the same token; give each studio its own relay token'));
      }
      socket.data.hubId = hubId;
      return next();
    }
    if (authLimiter.blocked(address)) return next(new Error('rate_limited: too many failed attempts; wait a minute'));
    authLimiter.failed(address);
    log(`relay: refused a hub from ${address}: wrong relay token`);
    next(new Error('unauthorized: a valid relay token is required'));
  });
  relayNs.on('connection', (socket) => {
    const previous = hub;
    hub = socket;
    hubSince = now();
    inFlight = null;
    // A hub (re)connecting gets every source again, paused ones included.
    pausedUntil.clear();
    log(`relay: studio hub connected from ${socket.handshake.address}; ${outbox.count} deliveries waiting`);
    if (previous) {
      log('relay: a newer hub connection replaces the previous one');
      previous.disconnect(true);
    }
    socket.emit('hello', { relayId: outbox.relayId, waiting: outbox.count });
    socket.on('disconnect', (reason) => {
      if (hub !== socket) return;
      hub = null;
      inFlight = null;
      log(`relay: studio hub disconnected (${reason}); ${outbox.count} deliveries waiting`);
    });
    pump();
  });

  return {
    httpServer,
    io,
    outbox,
    /** Whether a hub is connected, since when. */
    get hub(): { connected: boolean; since: number | null } {
      return { connected: !!hub, since: hub ? hubSince : null };
    },
    listen(port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const addr = httpServer.address() as AddressInfo;
          const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ port: addr.port, url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${addr.port}` });
        });
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearTimeout(pumpTimer);
      clearTimeout(wakeTimer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections?.();
      outbox.close();
    },
  };
}
