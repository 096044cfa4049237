/**
 * Sources' front door on the hub (DESIGN §11): the registry, the webhook inbox, the live-room
 * runtime and the lights, as one service. `receive` is the one `ReceiveHook`: the HTTP route
 * `POST|GET /hooks/:sourceId` and the relay pull both call it.
 */
import type { IngestAck, Product, SourceStatus } from '../protocol/index.js';
import { normaliseSku } from '../rules/index.js';
import type { Db } from '../store/index.js';
import { createInbox } from './inbox.js';
import { createRegistry, isHookKind, type SourceAddInput, type SourceUpdateInput } from './registry.js';
import { createRoomRuntime } from './runtime.js';
import { countersFromDb, countEvents, emptyCounters, refreshDeliveryCounts, statusOf, type SourceCounters } from './status.js';
import type { MapContext, ReceiveHook, RoomSink, SourceConfig } from './types.js';

export { createRegistry, settingsOf, needsOf, mayOf, isHookKind, cliFlags, type Registry } from './registry.js';
export { countersFromDb, statusOf } from './status.js';

export interface SourcesDeps {
  db: Db;
  now: () => number;
  /** The ordinary ingest path (validated, deduped, forward-only). */
  submit: (records: unknown[]) => Promise<IngestAck>;
  /** The catalog as the hub holds it now. */
  catalog: () => readonly Product[];
  /** The sku on air now (a live room's "going to buy" clicks count for it), if any. */
  onAirSku?: () => string | undefined;
  /** Where the lights go (the live model's snapshot). */
  publish: (statuses: SourceStatus[]) => void;
  /** For order-detail APIs (抖店, 微信小店); tests answer locally. */
  fetch?: typeof fetch;
  retryBaseMs?: number;
}

/** The catalog sku of a shop line: our sku itself, else the product's platform ids (DESIGN §11). */
export function catalogMatcher(catalog: () => readonly Product[]) {
  let seen: readonly Product[] | null = null;
  let skus = new Set<string>();
  let byShopId = new Map<string, string>();
  const key = (platform: string, productId: string, variantId: string | undefined) => `${platform}\u0000${productId}\u0000${variantId ?? ''}`;
  function index(): void {
    const now = catalog();
    if (now === seen) return;
    seen = now;
    skus = new Set(now.map((p) => p.sku));
    byShopId = new Map();
    for (const p of now) for (const id of p.shopIds ?? []) byShopId.set(key(id.platform, id.productId, id.variantId), p.sku);
  }
  return (platform: string): MapContext['skuFor'] =>
    (line) => {
      index();
      if (line.sku) {
        const sku = normaliseSku(line.sku);
        if (skus.has(sku)) return sku;
      }
      if (!line.productId) return undefined;
      const whose = line.platform ?? platform;
      return byShopId.get(key(whose, line.productId, line.variantId)) ?? byShopId.get(key(whose, line.productId, undefined));
    };
}

export type Sources = ReturnType<typeof createSources>;

export function createSources(deps: SourcesDeps) {
  const { db, now } = deps;
  let closed = false;
  const registry = createRegistry(db, now);
  const counters = countersFromDb(db, now());
  const countersOf = (id: string): SourceCounters => {
    let c = counters.get(id);
    if (!c) counters.set(id, (c = emptyCounters()));
    return c;
  };
  const skuFor = catalogMatcher(deps.catalog);
  const fetchImpl = deps.fetch ?? fetch;

  let publishQueued = false;
  function statuses(): SourceStatus[] {
    const t = now();
    return registry.list().map((s) => statusOf(s, countersOf(s.id), t));
  }
  /** The lights go out with the next tick; many changes in one turn cost one recount. */
  function changed(): void {
    if (publishQueued) return;
    publishQueued = true;
    setImmediate(() => {
      publishQueued = false;
      if (!closed) deps.publish(statuses());
    });
  }

  const inbox = createInbox({
    db,
    registry,
    submit: deps.submit,
    now,
    counters: countersOf,
    mapContext: (sourceId) => ({ now, fetch: fetchImpl, skuFor: skuFor(registry.get(sourceId)?.platform ?? sourceId) }),
    onChange: changed,
    retryBaseMs: deps.retryBaseMs,
  });

  function sinkFor(source: SourceConfig): RoomSink {
    const c = () => countersOf(source.id);
    return {
      async submit(records) {
        const ack = await deps.submit(records);
        countEvents(c(), ack.accepted, now());
        if (ack.error) c().lastError = `${ack.error.code}: ${ack.error.message}`.slice(0, 300);
        changed();
        return ack;
      },
      state(state, reason) {
        c().room = state;
        if (reason) c().lastError = reason.slice(0, 300);
        else if (state === 'connected') c().lastError = null;
        changed();
      },
      warn(code, message) {
        c().lastError = `${code}: ${message}`.slice(0, 300);
        changed();
      },
      now,
      onAirSku: deps.onAirSku,
      skuFor: skuFor(source.platform),
      priceFor(sku) {
        const p = deps.catalog().find((x) => x.sku === sku);
        return p ? (p.livePriceFen ?? p.listPriceFen) : undefined;
      },
    };
  }
  const runtime = createRoomRuntime({
    registry,
    sinkFor,
    onStopped(id) {
      const c = counters.get(id);
      if (c) c.room = null;
      changed();
    },
  });
  let syncing: Promise<void> = Promise.resolve();
  const syncRooms = (): Promise<void> => (syncing = syncing.then(() => runtime.sync()));
  void syncRooms();

  // events1m falls as the minute passes with nothing new: the lights are recounted every second.
  const timer = setInterval(changed, 1000);
  timer.unref();
  changed();

  const receive: ReceiveHook = (sourceId, req) => inbox.receive(sourceId, req);

  return {
    registry,
    inbox,
    runtime,
    receive,
    statuses,
    async add(input: SourceAddInput) {
      const r = registry.add(input);
      if (r.ok) {
        counters.set(r.config.id, emptyCounters());
        await syncRooms();
        changed();
      }
      return r;
    },
    async update(input: SourceUpdateInput) {
      const r = registry.update(input);
      if (r.ok) {
        await syncRooms();
        changed();
      }
      return r;
    },
    async remove(id: string) {
      const r = registry.remove(id);
      if (r.ok) {
        await syncRooms();
        counters.delete(id);
        changed();
      }
      return r;
    },
    /** Queues a webhook source's stored deliveries to be mapped again; how many, or null for no such source. */
    replay(id: string): number | null {
      const source = registry.get(id);
      if (!source) return null;
      return isHookKind(source.kind) ? inbox.replay(id) : 0;
    },
    /** Another process changed the file (`livedeck sources add` from a shell): read it again. */
    reload(): void {
      registry.reload();
      const fresh = countersFromDb(db, now());
      for (const [id, c] of fresh) {
        const kept = counters.get(id);
        // What only this process knows (a room's connection, the per-second ring, a bad signature's time) stays.
        if (kept) {
          kept.deliveries = c.deliveries;
          kept.waiting = c.waiting;
          kept.failed = c.failed;
        } else counters.set(id, c);
      }
      for (const id of [...counters.keys()]) if (!fresh.has(id)) counters.delete(id);
      refreshDeliveryCounts(db, counters);
      void syncRooms();
      void inbox.pump();
      changed();
    },
    async close(): Promise<void> {
      closed = true;
      clearInterval(timer);
      await syncing;
      await runtime.close();
      await inbox.close();
    },
  };
}
