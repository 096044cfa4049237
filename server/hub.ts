/**
 * `createHub` wires a whole hub on one SQLite file: the store and its one writer, the live model, the
 * HTTP routes and the four Socket.IO namespaces (server/sockets/), and the services on the hub's beat —
 * the pusher (live/pusher.ts) and the deals service (deals/service.ts) — started here, stopped in
 * `close`. What each part does lives in its module. Tests build hubs the same way on port 0.
 */
import crypto from 'node:crypto';
import { dispatch, RecordRefused, type HubContext } from './control/index.js';
import { createModeration } from './control/moderation.js';
import { republishPlan } from './control/runsheet.js';
import { createClaimDesks, createDealsService } from './deals/index.js';
import { createTokenKeeper, loadTokens, type Tokens } from './http/auth.js';
import { createAuthLimiter } from './http/guard.js';
import { createHubHttpServer } from './http/server.js';
import { createHttpHandler } from './http/routes.js';
import { createWriter } from './ingest/index.js';
import { createJobPool } from './jobs/index.js';
import { createLiveModel, createPusher } from './live/index.js';
import { createObsLink, obsConfigFromEnv } from './obs/index.js';
import type { ConnectorCommand, LiveEvent } from './protocol/index.js';
import { createLateRewarm } from './recap/rewarm.js';
import { createRecapRunner } from './recap/runner.js';
import { createRelayPull, stableHubId } from './relay/index.js';
import { bindControl, bindIngest, bindMall, bindView, createSocketServer } from './sockets/index.js';
import { createSources } from './sources/index.js';
import { startCheckpointer } from './store/checkpointer.js';
import { createRepository, openDb, watchOutsideWrites } from './store/index.js';
import { MAX_CONNECTIONS_PER_ADDRESS, MAX_REQUESTS_PER_ADDRESS, studioFloorRatioFromEnv, type HubOptions } from './hub-options.js';

export type { HubOptions } from './hub-options.js';
export { MAX_CONNECTIONS_PER_ADDRESS, MAX_REQUESTS_PER_ADDRESS } from './hub-options.js';

export type Hub = Awaited<ReturnType<typeof createHub>>;

export function createHub(options: HubOptions) {
  const now = options.now ?? Date.now;
  const dbFile = typeof options.db === 'string' ? options.db : null;
  const db = typeof options.db === 'string' ? openDb(options.db) : options.db;
  const repo = createRepository(db, { recapCache: options.limits?.recapCache });
  // WAL checkpoints in a thread of their own, not inside a batch's commit.
  const checkpointer = dbFile ? startCheckpointer(db, dbFile) : null;
  const loaded = options.tokens ? { tokens: options.tokens, file: null } : loadTokens(dbFile);
  const tokens = createTokenKeeper(loaded.tokens, loaded.file);
  const startedAt = now();
  const runId = crypto.randomBytes(4).toString('hex');
  let eventCounter = 0;
  let closed = false;

  // Each order event's change comes from the orders table, so the model keeps no order of its own.
  const live = createLiveModel({ ordersFromStore: true, now });
  live.setCatalog(repo.catalog());
  live.setRunsheet(repo.runsheet());
  const recaps = createRecapRunner({ repo, dbFile, now, maxHeapMb: options.limits?.recapHeapMb });
  const rewarm = createLateRewarm({ dropKept: (id) => repo.dropKeptRecaps(id), warm: (id) => void recaps.warm(id) });

  const writer = createWriter({
    repo,
    now,
    onCommitted(sessionId, events, orderChanges) {
      if (live.session?.id === sessionId) for (const e of events) live.apply(e, orderChanges.get(e));
      // An ended show's late events (DESIGN §3) leave the live show alone; any other session is new.
      else if (repo.session(sessionId)?.endedAt != null) rewarm.late(sessionId);
      else reloadLive();
    },
    onStoreHealth(error) {
      live.setAlarm(error ? `数据库写入失败，已暂停确认 / Database write failed; acknowledgements paused: ${error.message}` : null);
      pusher.push(true);
    },
    autoTitle: (t) => `自动场次 ${new Date(t).toLocaleString('zh-CN', { hour12: false })}`,
  });

  const obs = createObsLink({ onStatus: (s) => live.setObs(s.configured ? { connected: s.connected, scene: s.currentScene } : null) });
  const obsAtStart = options.obs === undefined ? obsConfigFromEnv() : options.obs;
  if (obsAtStart) void obs.configure(obsAtStart);

  const desks = createClaimDesks({ repo, now, live });

  /** Rebuilds the live model from the stored events of the live session (and the mall's grants). */
  function reloadLive(): void {
    const session = repo.liveSession();
    live.reset(session, session ? repo.eventsOfSession(session.id) : [], session ? repo.commentStates(session.id) : []);
    desks.restore();
  }
  reloadLive();

  const web = createHubHttpServer({
    allowedHosts:
      options.allowedHosts ??
      (process.env.LIVEDECK_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    connectionsPerAddress: options.limits?.connectionsPerAddress ?? MAX_CONNECTIONS_PER_ADDRESS,
    requestsPerAddress: options.limits?.requestsPerAddress ?? MAX_REQUESTS_PER_ADDRESS,
  });
  const { server: httpServer, hostAllowed, caps } = web;
  const limiter = createAuthLimiter(now);
  const sockets = createSocketServer(httpServer, { tokens: tokens.current, limiter, hostAllowed });
  // A rotated token's old sessions end at once, on every namespace.
  tokens.onRotate(sockets.disconnectRole);

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

  const floorRatio = options.floorRatio !== undefined ? options.floorRatio : studioFloorRatioFromEnv();
  const ctx: HubContext = {
    repo,
    writer,
    live,
    now,
    command: (cmd: ConnectorCommand) => sockets.ingest.emit('command', cmd),
    async record(events: LiveEvent[]) {
      const ack = await writer.record(events);
      if (ack.error) throw new RecordRefused(ack.error);
    },
    reloadLive,
    rotateToken: (role) => tokens.rotate(role),
    newEventId: (prefix) => `${prefix}-${runId}-${++eventCounter}`,
    obs,
    floorRatio,
    moderation: createModeration(repo),
    sources,
    // The recap is ready by the time the team sits down to it: computed off-thread as the show ends.
    sessionEnded: (sessionId) => void recaps.warm(sessionId),
  };
  live.setFloorRatio(floorRatio);

  const pusher = createPusher({
    live,
    now,
    moderation: ctx.moderation,
    send: {
      snapshot: (s) => (sockets.control.emit('snapshot', s), sockets.view.emit('snapshot', s), ingest.catalogChanged(s.catalog)),
      tick: (t) => (sockets.control.emit('tick', t), sockets.view.emit('tick', t), t.catalog && ingest.catalogChanged(t.catalog)),
    },
  });
  const ingest = bindIngest(sockets.io, sockets.ingest, { writer, catalog: () => live.catalog });
  bindMall(sockets.mall, desks);
  bindControl(sockets.control, { snapshot: pusher.snapshot, dispatch: (action, body, actor) => dispatch(action, body, ctx, { actor }), acted: () => pusher.push() });
  bindView(sockets.view, { snapshot: pusher.snapshot });

  const tickMs = Math.min(options.tickMs ?? Number(process.env.LIVEDECK_TICK_MS ?? 25), 250);
  pusher.start(tickMs);
  // Auto-fire and the ends of deals and coupons (time, sold out), on the same beat as the pushes.
  const deals = createDealsService(ctx, { everyMs: tickMs });
  deals.start();

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
  const relayPull = options.relay
    ? createRelayPull({ url: options.relay.url, token: options.relay.token, hubId: stableHubId(dbFile, runId), now, receive: options.relay.receive ?? sources.receive })
    : null;

  httpServer.on(
    'request',
    createHttpHandler({
      ctx,
      relayStatus: relayPull ? () => relayPull.status() : undefined,
      tokens: tokens.current,
      staticDir: options.staticDir ?? null,
      startedAt,
      limiter,
      recaps,
      jobs,
      address: () => httpServer.address(),
      hostAllowed,
      caps,
      bodyTimeoutMs: options.limits?.bodyTimeoutMs,
    }),
  );

  // A shell's `livedeck runsheet import` (another connection) changes the catalog or run-sheet, or a
  // shop: the screens get the change on the next tick.
  const outsideWrites = watchOutsideWrites(db, () => (republishPlan(ctx), sources.reload()));

  return {
    ctx,
    io: sockets.io,
    httpServer,
    db,
    /** Shops and live rooms; `sources.receive` is the webhook door the relay pull calls too. */
    sources,
    get tokens(): Tokens {
      return tokens.current();
    },
    /** Tallies the mall's claim desks hold in memory: one per deal or coupon that exists (or existed). */
    get claimTallies(): number {
      return desks.tallies;
    },
    /** The link to a public relay (`--relay`), or null. */
    relay: relayPull,
    /** Where generated tokens are kept, if they were generated. */
    tokenFile: loaded.file,
    setTokens: tokens.set,
    /** Starts listening; port 0 picks a free one. Binds 127.0.0.1 unless told otherwise. */
    listen: web.listen,
    /** Stops the timers, the OBS link, the sockets, the server and closes the database. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      pusher.stop();
      outsideWrites.stop();
      clearTimeout(prepareRecaps);
      await deals.stop();
      await relayPull?.close();
      rewarm.stop();
      await sources.close();
      await recaps.close();
      await jobs.close();
      await obs.close();
      await new Promise<void>((resolve) => sockets.io.close(() => resolve()));
      httpServer.closeAllConnections?.();
      await checkpointer?.close();
      if (typeof options.db === 'string') db.close();
    },
  };
}
