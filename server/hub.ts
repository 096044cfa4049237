/**
 * `createHub` builds a whole hub on one SQLite file: HTTP routes, the four Socket.IO namespaces, the
 * writer, the live model and the tick that pushes it to screens. Tests build hubs the same way on port 0.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace } from 'socket.io';
import { dispatch, type HubContext } from './control/index.js';
import { couponClaimable, createClaimDesk, createDealsService } from './deals/index.js';
import { loadTokens, newToken, roleOf, saveTokens, type Role, type Tokens } from './http/auth.js';
import { createHttpHandler } from './http/routes.js';
import { createJobPool } from './jobs/index.js';
import { createRecapRunner } from './recap/runner.js';
import { startCheckpointer } from './store/checkpointer.js';
import { createAddressCaps, createAuthLimiter, createHostAllowlist, sameOrigin } from './http/guard.js';
import { lanAddresses } from './http/lan.js';
import { createWriter, watchOversized } from './ingest/index.js';
import { createLiveModel } from './live/index.js';
import { createModeration } from './control/moderation.js';
import { createObsLink, obsConfigFromEnv, type ObsConfig } from './obs/index.js';
import {
  controlActions,
  couponClaimSchema,
  dealClaimSchema,
  dealClaimsSchema,
  MAX_CLAIMS_PER_MESSAGE,
  MAX_SOCKET_MESSAGE_BYTES,
  SOCKET_ENGINE_MAX_BYTES,
  type ConnectorCommand,
  type ControlClientToServer,
  type ControlServerToClient,
  type HandshakeAuth,
  type IngestClientToServer,
  type IngestServerToClient,
  type LiveEvent,
  type MallClientToServer,
  type MallServerToClient,
  type ViewClientToServer,
  type ViewServerToClient,
} from './protocol/index.js';
import { createRepository, openDb, type Db, type RecapCacheLimits } from './store/index.js';
import { createSources } from './sources/index.js';
import { createRelayPull } from './relay/index.js';
import type { ReceiveHook } from './sources/types.js';


/** How long after an ended show's last late event its recaps are computed again in the background. */
const LATE_REWARM_MS = 10_000;

export interface HubOptions {
  /** The studio's SQLite file (or an open database). */
  db: string | Db;
  /** Clock, epoch ms; tests may pass their own. */
  now?: () => number;
  /** Role tokens; by default from the environment or generated beside the database. */
  tokens?: Tokens;
  /** The built renderer to serve, or null. */
  staticDir?: string | null;
  /**
   * How often the hub looks for changes to push (ms; at most 250). A tick goes out only when
   * something changed (else once a second), so screens get at most 1000 / tickMs pushes a second
   * whatever the event rate, and an event reaches them within about this long. Default 25 (or
   * LIVEDECK_TICK_MS): the wait for the next tick is most of an event's way to a screen.
   */
  tickMs?: number;
  /** OBS to drive at start; by default from LIVEDECK_OBS_URL / LIVEDECK_OBS_PASSWORD, null for none. */
  obs?: ObsConfig | null;
  /**
   * Start the recap worker shortly after start-up rather than at the first recap (the studio does;
   * tests with many short-lived hubs do not want a worker each).
   */
  prepareRecaps?: boolean;
  /**
   * Host names the hub answers to besides loopback, the address it listens on and its LAN addresses
   * (a reverse proxy's name); default from LIVEDECK_ALLOWED_HOSTS (comma-separated).
   */
  allowedHosts?: string[];
  /**
   * The studio's default brand floor as a fraction of list price, for products without their own
   * 品牌底价; null (the default) is none. Default from LIVEDECK_FLOOR_RATIO (e.g. 0.3).
   */
  floorRatio?: number | null;
  /**
   * Take webhook deliveries from a public `livedeck relay` (DESIGN §11): its URL and relay token.
   * `receive` is the webhook entry deliveries go to (by default the hub's own, as `POST /hooks/:sourceId`).
   */
  relay?: { url: string; token: string; receive?: ReceiveHook };
  /** Per-address caps and the body deadline (defaults below and `BODY_TIMEOUT_MS`); tests shrink them. */
  limits?: {
    connectionsPerAddress?: number;
    requestsPerAddress?: number;
    bodyTimeoutMs?: number;
    /** Bytes of kept recaps per show and in total (see `putCachedRecap`). */
    recapCache?: RecapCacheLimits;
    /** Heap of the recap worker, MB (see `createRecapRunner`). */
    recapHeapMb?: number;
    /** First wait before a shop delivery whose mapping may work later is tried again (see server/sources/inbox.ts). */
    sourceRetryBaseMs?: number;
  };
  /** What shop adapters use to ask an order-detail API (抖店, 微信小店); tests answer locally. */
  sourcesFetch?: typeof fetch;
}

/** Open connections one address may hold (screens, connectors and tests on one machine stay far under). */
export const MAX_CONNECTIONS_PER_ADDRESS = 512;
/** HTTP requests one address may have in progress at once. */
export const MAX_REQUESTS_PER_ADDRESS = 64;

/** How often the hub looks for changes another process made to its database file. */
export const OUTSIDE_WRITES_POLL_MS = 1000;

export type Hub = Awaited<ReturnType<typeof createHub>>;

/** LIVEDECK_FLOOR_RATIO as a fraction in (0, 1], or null when unset or not one (no studio floor). */
function studioFloorRatioFromEnv(): number | null {
  const ratio = Number(process.env.LIVEDECK_FLOOR_RATIO);
  return process.env.LIVEDECK_FLOOR_RATIO && ratio > 0 && ratio <= 1 ? ratio : null;
}

export function createHub(options: HubOptions) {
  const now = options.now ?? Date.now;
  const dbFile = typeof options.db === 'string' ? options.db : null;
  const db = typeof options.db === 'string' ? openDb(options.db) : options.db;
  const repo = createRepository(db, { recapCache: options.limits?.recapCache });
  // WAL checkpoints in a thread of their own, not inside a batch's commit.
  const checkpointer = dbFile ? startCheckpointer(db, dbFile) : null;
  const loaded = options.tokens ? { tokens: options.tokens, file: null } : loadTokens(dbFile);
  let tokens = loaded.tokens;
  const startedAt = now();
  const runId = crypto.randomBytes(4).toString('hex');
  let eventCounter = 0;

  // Each order event's change comes from the orders table, so the model keeps no order of its own.
  const live = createLiveModel({ ordersFromStore: true, now });
  live.setCatalog(repo.catalog());
  live.setRunsheet(repo.runsheet());

  const writer = createWriter({
    repo,
    now,
    onCommitted(sessionId, events, orderChanges) {
      if (live.session?.id === sessionId) {
        for (const e of events) live.apply(e, orderChanges.get(e));
        return;
      }
      if (repo.session(sessionId)?.endedAt != null) {
        // Late events of an ended show (an order's payment or refund, DESIGN §3): its kept recaps are
        // stale, the live show is not touched.
        lateEvents(sessionId);
        return;
      }
      reloadLive();
    },
    onStoreHealth(error) {
      live.setAlarm(error ? `数据库写入失败，已暂停确认 / Database write failed; acknowledgements paused: ${error.message}` : null);
      pushTick(true);
    },
    autoTitle: (t) => `自动场次 ${new Date(t).toLocaleString('zh-CN', { hour12: false })}`,
  });

  const obs = createObsLink({
    onStatus: (s) => live.setObs(s.configured ? { connected: s.connected, scene: s.currentScene } : null),
  });
  const obsAtStart = options.obs === undefined ? obsConfigFromEnv() : options.obs;
  if (obsAtStart) void obs.configure(obsAtStart);

  const claims = createClaimDesk({ repo, now, deal: (id) => live.deal(id), onGranted: (id, total) => live.setClaimed(id, total) });
  // Coupons are claimed the same way, one a claim, on their own desk and tallies.
  const couponClaims = createClaimDesk({
    repo,
    now,
    kind: 'coupon',
    deal: (id) => couponClaimable(live.coupon(id)),
    onGranted: (id, total) => live.setCouponClaimed(id, total),
  });

  /** Rebuilds the live model from the stored events of the live session (and the mall's grants). */
  function reloadLive(): void {
    const session = repo.liveSession();
    live.reset(session, session ? repo.eventsOfSession(session.id) : [], session ? repo.commentStates(session.id) : []);
    for (const d of live.deals()) live.setClaimed(d.dealId, claims.granted(d.dealId));
    for (const c of live.coupons()) live.setCouponClaimed(c.couponId, couponClaims.granted(c.couponId));
  }
  reloadLive();

  // Node's own request timers stay at their defaults: shorter ones also cut the idle connections a
  // browser opens ahead of use, and its next request then fails. Slow bodies are bounded where they
  // are read (`readBytes`), bodies nobody reads close their connection, and each address is capped.
  const httpServer = http.createServer();
  let listeningHost: string | null = null;
  const hostAllowed = createHostAllowlist(
    () => listeningHost,
    () => lanAddresses(),
    options.allowedHosts ?? (process.env.LIVEDECK_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
  );
  const caps = createAddressCaps(options.limits?.connectionsPerAddress ?? MAX_CONNECTIONS_PER_ADDRESS, options.limits?.requestsPerAddress ?? MAX_REQUESTS_PER_ADDRESS);
  httpServer.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '?';
    if (!caps.connectionOpened(address)) return void socket.destroy();
    socket.once('close', () => caps.connectionClosed(address));
  });
  const io = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_ENGINE_MAX_BYTES,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // Browsers may only connect from the hub's own pages (programs send no Origin), under a name the
    // hub answers to (no DNS rebinding).
    allowRequest: (req, callback) => callback(null, sameOrigin(req) && hostAllowed(req.headers.host)),
  });
  const limiter = createAuthLimiter(now);
  const ingestNs: Namespace<IngestClientToServer, IngestServerToClient> = io.of('/ingest');
  const controlNs: Namespace<ControlClientToServer, ControlServerToClient> = io.of('/control');
  const viewNs: Namespace<ViewClientToServer, ViewServerToClient> = io.of('/view');
  const mallNs: Namespace<MallClientToServer, MallServerToClient> = io.of('/mall');

  const ctx: HubContext = {
    repo,
    writer,
    live,
    now,
    command: (cmd: ConnectorCommand) => ingestNs.emit('command', cmd),
    async record(events: LiveEvent[]) {
      const ack = await writer.record(events);
      if (ack.error) throw new Error(ack.error.message);
    },
    reloadLive,
    rotateToken(role) {
      tokens = { ...tokens, [role]: newToken() };
      if (loaded.file) saveTokens(loaded.file, tokens);
      for (const ns of [ingestNs, controlNs, viewNs, mallNs] as Namespace<any, any>[]) {
        for (const socket of ns.sockets.values()) if (socket.data.role === role) socket.disconnect(true);
      }
      return tokens[role];
    },
    newEventId: (prefix) => `${prefix}-${runId}-${++eventCounter}`,
    obs,
    floorRatio: options.floorRatio !== undefined ? options.floorRatio : studioFloorRatioFromEnv(),
    moderation: createModeration(repo),
  };
  /** A snapshot with the moderation state, which lives beside the live model. */
  const snapshotNow = () => ({ ...live.snapshot(now()), moderation: ctx.moderation.state() });
  let moderationSent = ctx.moderation.version;
  live.setFloorRatio(ctx.floorRatio);

  // Shops and live rooms (DESIGN §11): their deliveries go through the same writer as any connector's.
  const sources = createSources({
    db,
    now,
    submit: (records) => writer.submit(records),
    catalog: () => live.catalog,
    onAirSku: () => live.current()?.sku,
    publish: (statuses) => live.setSources(statuses),
    fetch: options.sourcesFetch,
    retryBaseMs: options.limits?.sourceRetryBaseMs,
  });
  ctx.sources = sources;

  function guard(ns: Namespace<any, any>, roles: Role[]): void {
    ns.use((socket, next) => {
      const address = socket.handshake.address;
      const auth = socket.handshake.auth as Partial<HandshakeAuth>;
      const role = roleOf(auth?.token, tokens);
      if (!role) {
        // Only a wrong token waits out the address's failures: a valid one is never locked out by others.
        if (limiter.blocked(address)) return next(new Error('rate_limited: too many failed attempts; wait a minute'));
        limiter.failed(address);
        return next(new Error('unauthorized: a valid token is required'));
      }
      if (!roles.includes(role)) return next(new Error('forbidden: this token cannot open this channel'));
      socket.data.role = role;
      socket.data.actor = typeof auth.name === 'string' && auth.name.trim() ? auth.name.trim().slice(0, 40) : role;
      next();
    });
  }
  guard(ingestNs, ['ingest']);
  guard(controlNs, ['operator']);
  guard(viewNs, ['viewer', 'operator']);
  guard(mallNs, ['ingest']);

  mallNs.on('connection', (socket) => {
    socket.on('deal.claim', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const p = dealClaimSchema.safeParse(payload);
      if (!p.success) return ack({ granted: false, reason: 'invalid' });
      claims.take(p.data, ack);
    });
    socket.on('deal.claims', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const p = dealClaimsSchema.safeParse(payload);
      if (!p.success) return ack({ answers: [], error: { code: 'invalid', message: `deal.claims takes an array of 1–${MAX_CLAIMS_PER_MESSAGE} claims {dealId, userId, qty}` } });
      claims.claimMany(
        p.data.map((item) => {
          const c = dealClaimSchema.safeParse(item);
          return c.success ? c.data : null;
        }),
        (answers) => ack({ answers }),
      );
    });
    socket.on('coupon.claim', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const p = couponClaimSchema.safeParse(payload);
      if (!p.success) return ack({ granted: false, reason: 'invalid' });
      void couponClaims.claim({ dealId: p.data.couponId, userId: p.data.userId, qty: 1 }).then(ack);
    });
  });

  const oversized = watchOversized(io, '/ingest', 'batch', MAX_SOCKET_MESSAGE_BYTES);
  ingestNs.on('connection', (socket) => {
    socket.on('batch', (records, ack) => {
      const tooLarge = oversized.take(socket);
      if (typeof ack !== 'function') return;
      if (tooLarge) {
        const message = `a batch message is at most ${MAX_SOCKET_MESSAGE_BYTES / 1024 / 1024} MiB; nothing was stored: split it and send the parts`;
        return ack({ accepted: 0, duplicates: 0, rejected: [], error: { code: 'too_large', message } });
      }
      void writer.submit(records).then(ack);
    });
  });

  controlNs.on('connection', (socket) => {
    socket.emit('snapshot', snapshotNow());
    socket.on('snapshot.request', () => socket.emit('snapshot', snapshotNow()));
    for (const action of controlActions) {
      socket.on(action, (payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : typeof payload === 'function' ? (payload as (r: unknown) => void) : null;
        const body = typeof payload === 'function' ? {} : payload;
        void dispatch(action, body, ctx, { actor: socket.data.actor as string }).then((result) => {
          reply?.(result);
          pushTick();
        });
      });
    }
  });

  viewNs.on('connection', (socket) => {
    socket.emit('snapshot', snapshotNow());
    socket.on('snapshot.request', () => socket.emit('snapshot', snapshotNow()));
    // /view is read-only: an action sent here (a viewer's tablet pressing a key it may not) is answered
    // with a code, never left waiting in silence until the sender's timeout.
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (event === 'snapshot.request' || typeof ack !== 'function') return;
      const known = (controlActions as readonly string[]).includes(event);
      (ack as (r: unknown) => void)({
        ok: false,
        error: known
          ? { code: 'forbidden', message: `“${event}” is an operator action: a ${String(socket.data.role)} screen on /view only watches. Use the operator token on /control.` }
          : { code: 'unknown_action', message: `No action “${event.slice(0, 60)}”.` },
      });
    });
  });

  let lastPush = 0;
  /** Pushes what changed to every screen; at least once a second so clocks keep moving. */
  function pushTick(force = false): void {
    const t = now();
    const moderationChanged = ctx.moderation.version !== moderationSent;
    moderationSent = ctx.moderation.version;
    if (live.takeReset()) {
      live.tick(t, true);
      const snap = { ...live.snapshot(t), moderation: ctx.moderation.state() };
      controlNs.emit('snapshot', snap);
      viewNs.emit('snapshot', snap);
      lastPush = t;
      return;
    }
    const plain = live.tick(t, force || moderationChanged || t - lastPush >= 1000);
    if (!plain) return;
    const tick = moderationChanged ? { ...plain, moderation: ctx.moderation.state() } : plain;
    lastPush = t;
    controlNs.emit('tick', tick);
    viewNs.emit('tick', tick);
  }
  const tickMs = Math.min(options.tickMs ?? Number(process.env.LIVEDECK_TICK_MS ?? 25), 250);
  const timer = setInterval(() => pushTick(), tickMs);
  timer.unref();
  // Auto-fire and the ends of deals and coupons (time, sold out), on the same beat as the pushes.
  const deals = createDealsService(ctx, { everyMs: tickMs });
  deals.start();

  const recaps = createRecapRunner({ repo, dbFile, now, maxHeapMb: options.limits?.recapHeapMb });
  // An ended show's late events drop its kept recaps at once and warm them again once they stop coming.
  const rewarm = new Map<number, NodeJS.Timeout>();
  function lateEvents(sessionId: number): void {
    repo.dropKeptRecaps(sessionId);
    clearTimeout(rewarm.get(sessionId));
    const timer = setTimeout(() => {
      rewarm.delete(sessionId);
      if (!closed) void recaps.warm(sessionId);
    }, LATE_REWARM_MS);
    timer.unref();
    rewarm.set(sessionId, timer);
  }
  // The recap is ready by the time the team sits down to it: computed off-thread as the show ends.
  ctx.sessionEnded = (sessionId) => void recaps.warm(sessionId);
  // Spreadsheets and exports: in worker threads with a heap limit and a deadline (see server/jobs).
  const jobs = createJobPool();
  // The workers start once the hub is up and idle, not on the path to /health.
  const prepareRecaps = options.prepareRecaps
    ? setTimeout(() => {
        recaps.prepare();
        jobs.prepare();
      }, 1500)
    : undefined;
  prepareRecaps?.unref();
  // Deliveries from the relay go to the one webhook entry `POST /hooks/:sourceId` uses.
  // The same on every start of this hub on this machine and file, so a restarted hub takes the relay over.
  const hubId = crypto.createHash('sha256').update(`${os.hostname()}\n${dbFile ? path.resolve(dbFile) : runId}`).digest('hex').slice(0, 16);
  const relayPull = options.relay ? createRelayPull({ url: options.relay.url, token: options.relay.token, hubId, now, receive: options.relay.receive ?? sources.receive }) : null;

  httpServer.on('request', createHttpHandler({ ctx, relayStatus: relayPull ? () => relayPull.status() : undefined, tokens: () => tokens, staticDir: options.staticDir ?? null, startedAt, limiter, recaps, jobs, address: () => httpServer.address(), hostAllowed, caps, bodyTimeoutMs: options.limits?.bodyTimeoutMs }));

  // Another process may change the catalog or run-sheet in this file (`livedeck runsheet import` from a
  // shell while the studio runs). SQLite's data_version moves only for other connections' commits, so
  // watching costs one pragma a second; the screens get the change on the next tick.
  let dataVersion = db.pragma('data_version', { simple: true });
  const outsideWrites = setInterval(() => {
    if (closed || !db.open) return;
    const version = db.pragma('data_version', { simple: true });
    if (version === dataVersion) return;
    dataVersion = version;
    const catalog = repo.catalog();
    const runsheet = repo.runsheet();
    if (JSON.stringify(catalog) !== JSON.stringify(live.catalog)) live.setCatalog(catalog);
    if (JSON.stringify(runsheet) !== JSON.stringify(live.runsheet)) live.setRunsheet(runsheet);
    sources.reload();
  }, OUTSIDE_WRITES_POLL_MS);
  outsideWrites.unref();

  let closed = false;
  return {
    ctx,
    io,
    httpServer,
    db,
    /** Shops and live rooms; `sources.receive` is the webhook door the relay pull calls too. */
    sources,
    get tokens(): Tokens {
      return tokens;
    },
    /** Tallies the mall's claim desks hold in memory: one per deal or coupon that exists (or existed). */
    get claimTallies(): number {
      return claims.tallies + couponClaims.tallies;
    },
    /** The link to a public relay (`--relay`), or null. */
    relay: relayPull,
    /** Where generated tokens are kept, if they were generated. */
    tokenFile: loaded.file,
    setTokens(next: Tokens): void {
      tokens = next;
    },
    /** Starts listening; port 0 picks a free one. Binds 127.0.0.1 unless told otherwise. */
    listen(port = 0, host = '127.0.0.1'): Promise<{ port: number; host: string; url: string }> {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          listeningHost = host;
          const addr = httpServer.address() as AddressInfo;
          const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ port: addr.port, host, url: `http://${shown}:${addr.port}` });
        });
      });
    },
    /** Stops the timers, the OBS link, the sockets, the server and closes the database. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      clearInterval(outsideWrites);
      await deals.stop();
      clearTimeout(prepareRecaps);
      await relayPull?.close();
      for (const t of rewarm.values()) clearTimeout(t);
      await sources.close();
      await recaps.close();
      await jobs.close();
      await obs.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections?.();
      await checkpointer?.close();
      if (typeof options.db === 'string') db.close();
    },
  };
}
