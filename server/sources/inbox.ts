/**
 * The webhook inbox (DESIGN §11): a verified delivery is written raw before the platform hears 2xx
 * (platforms retry anything else), deduplicated by the platform's delivery id, then mapped to events
 * through the ordinary ingest path (`writer.submit`: validation, (platform, id) dedupe, forward-only
 * orders). A delivery that cannot be mapped stays with its error: tried again with backoff when the
 * adapter says trying again may work, else kept as `failed` until `replay`. Nothing is dropped.
 *
 * Stores are group-committed like the writer's batches: every delivery that arrived in one turn of
 * the event loop goes to disk in one transaction, one fsync, then each gets its answer.
 */
import type { IngestAck } from '../protocol/index.js';
import type { Db } from '../store/index.js';
import { hookAdapters } from './kinds.js';
import type { Registry } from './registry.js';
import { countEvents, emptyCounters, type SourceCounters } from './status.js';
import type { HookAnswer, HookRequest, MapContext, MapResult, StoredDelivery } from './types.js';

/** Deliveries mapped per round (one ingest batch, one state-update transaction). */
const MAP_BATCH = 500;
/** How long after a store the mapping starts (see `schedulePump`). */
const PUMP_DELAY_MS = 25;
/** First wait before a `retry: true` failure is tried again; doubles per attempt up to {@link RETRY_MAX_MS}. */
export const RETRY_BASE_MS = 2000;
export const RETRY_MAX_MS = 5 * 60_000;

const json = (status: number, body: unknown): HookAnswer => ({ status, body: JSON.stringify(body), contentType: 'application/json; charset=utf-8' });
const refusal = (status: number, code: string, message: string): HookAnswer => json(status, { ok: false, error: { code, message } });

export interface InboxDeps {
  db: Db;
  registry: Registry;
  /** The ordinary ingest path. */
  submit: (records: unknown[]) => Promise<IngestAck>;
  now: () => number;
  /** Counters per source id, shared with the status lights. */
  counters: (sourceId: string) => SourceCounters;
  /** What mappers may use, per source (the catalog match knows the source's platform). */
  mapContext: (sourceId: string) => MapContext;
  /** Told when something a light shows changed. */
  onChange: () => void;
  retryBaseMs?: number;
}

interface QueuedStore {
  sourceId: string;
  deliveryId: string;
  topic: string;
  payload: string;
  receivedAt: number;
  resolve: (stored: 'new' | 'duplicate' | Error) => void;
}

interface DeliveryRow {
  seq: number;
  source_id: string;
  delivery_id: string;
  topic: string;
  payload: string;
  received_at: number;
  attempts: number;
}

type Outcome = { seq: number; sourceId: string; state: 'mapped' } | { seq: number; sourceId: string; state: 'pending' | 'failed'; attempts: number; nextTryAt: number; code: string; message: string };

export type Inbox = ReturnType<typeof createInbox>;

/** Queues every stored delivery of a source to be mapped again (a hub maps them within a second); how many. */
export function queueReplay(db: Db, sourceId: string): number {
  return db.prepare("UPDATE source_deliveries SET state = 'pending', attempts = 0, next_try_at = 0, error_code = NULL, error_message = NULL WHERE source_id = ?").run(sourceId).changes;
}

export function createInbox(deps: InboxDeps) {
  const { db, now } = deps;
  const retryBase = deps.retryBaseMs ?? RETRY_BASE_MS;
  const s = {
    insert: db.prepare('INSERT OR IGNORE INTO source_deliveries (source_id, delivery_id, topic, payload, received_at) VALUES (?, ?, ?, ?, ?)'),
    due: db.prepare("SELECT seq, source_id, delivery_id, topic, payload, received_at, attempts FROM source_deliveries WHERE state = 'pending' AND next_try_at <= ? ORDER BY seq LIMIT ?"),
    mapped: db.prepare("UPDATE source_deliveries SET state = 'mapped', attempts = attempts + 1, error_code = NULL, error_message = NULL WHERE seq = ?"),
    unmapped: db.prepare('UPDATE source_deliveries SET state = ?, attempts = ?, next_try_at = ?, error_code = ?, error_message = ? WHERE seq = ?'),
    counters: db.prepare('UPDATE sources SET events = ?, duplicates = ?, bad_signatures = ?, last_event_at = ?, last_delivery_at = ?, last_error = ? WHERE id = ?'),
  };

  /** Sources whose kept counters changed since the last write. */
  const dirty = new Set<string>();
  function writeCounters(): void {
    for (const id of dirty) {
      const c = deps.counters(id);
      s.counters.run(c.events, c.duplicates, c.badSignatures, c.lastEventAt, c.lastDeliveryAt, c.lastError, id);
    }
    dirty.clear();
  }

  let queue: QueuedStore[] = [];
  let scheduled = false;
  function flushStores(): void {
    scheduled = false;
    const group = queue;
    queue = [];
    const results: ('new' | 'duplicate')[] = [];
    try {
      db.transaction(() => {
        for (const q of group) results.push(s.insert.run(q.sourceId, q.deliveryId, q.topic, q.payload, q.receivedAt).changes === 1 ? 'new' : 'duplicate');
        for (const [i, q] of group.entries()) {
          const c = deps.counters(q.sourceId);
          c.lastDeliveryAt = q.receivedAt;
          if (results[i] === 'duplicate') c.duplicates++;
          else {
            c.deliveries++;
            c.waiting++;
          }
          dirty.add(q.sourceId);
        }
        writeCounters();
      })();
    } catch (err) {
      for (const q of group) q.resolve(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    group.forEach((q, i) => q.resolve(results[i]));
    deps.onChange();
    schedulePump();
  }

  // Mapping waits a moment after a store so that a stream of deliveries is mapped in batches (one
  // ingest commit for many), while their answers, which wait on stores only, are never held up.
  let pumpTimer: NodeJS.Timeout | null = null;
  function schedulePump(): void {
    if (pumpTimer || closed) return;
    pumpTimer = setTimeout(() => {
      pumpTimer = null;
      void pump();
    }, PUMP_DELAY_MS);
  }

  function store(entry: Omit<QueuedStore, 'resolve'>): Promise<'new' | 'duplicate' | Error> {
    // A hub closing takes nothing more: the platform hears 503 and sends it again.
    if (closed) return Promise.resolve(new Error('closing'));
    return new Promise((resolve) => {
      queue.push({ ...entry, resolve });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushStores);
      }
    });
  }

  /** Maps one stored delivery; an adapter that throws is a coded failure, never a lost delivery. */
  async function mapOne(row: DeliveryRow): Promise<MapResult> {
    const source = deps.registry.get(row.source_id);
    if (!source) return { ok: false, code: 'no_source', message: 'the source was removed', retry: false };
    const adapter = hookAdapters[source.kind as keyof typeof hookAdapters];
    if (!adapter) return { ok: false, code: 'unsupported_kind', message: `no ${source.kind} adapter in this LiveDeck`, retry: false };
    const delivery: StoredDelivery = { sourceId: row.source_id, deliveryId: row.delivery_id, topic: row.topic, payload: row.payload, receivedAt: row.received_at, attempts: row.attempts };
    try {
      return await adapter.map(delivery, source, deps.mapContext(source.id));
    } catch (err) {
      return { ok: false, code: 'map_crashed', message: `the ${source.kind} mapper failed: ${(err as Error).message}`.slice(0, 300), retry: false };
    }
  }

  let pumping: Promise<void> | null = null;
  let again = false;
  let closed = false;
  /** Maps what is due, a batch at a time, until nothing is. One pump runs at a time. */
  function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = pumpRounds().finally(() => (pumping = null));
    return pumping;
  }
  async function pumpRounds(): Promise<void> {
    try {
      for (;;) {
        again = false;
        if (closed) return;
        const rows = s.due.all(now(), MAP_BATCH) as DeliveryRow[];
        if (rows.length === 0) break;
        await mapRows(rows);
        if (rows.length < MAP_BATCH && !again) break;
      }
    } catch {
      // The file could not be read (closing, disk trouble): what is pending stays pending for the next round.
    }
  }

  async function mapRows(rows: DeliveryRow[]): Promise<void> {
    const results = await Promise.all(rows.map(mapOne));
    // One submit per delivery, all in one turn: the writer commits them as one transaction and
    // answers each with its own counts and refusals.
    const empty: IngestAck = { accepted: 0, duplicates: 0, rejected: [] };
    const acks = await Promise.all(results.map((r) => (r.ok && r.records.length ? deps.submit(r.records) : Promise.resolve(empty))));
    if (!db.open) return;
    const t = now();
    const retryAt = (attempts: number) => t + Math.min(retryBase * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);
    const accepted = new Map<string, number>();
    const outcomes: Outcome[] = rows.map((row, i) => {
      const r = results[i];
      const ack = acks[i];
      const attempts = row.attempts + 1;
      const base = { seq: row.seq, sourceId: row.source_id };
      if (!r.ok) return { ...base, state: r.retry ? 'pending' : 'failed', attempts, nextTryAt: r.retry ? retryAt(attempts) : 0, code: r.code, message: r.message };
      // The store refused the write (disk full): the delivery waits its turn again.
      if (ack.error) return { ...base, state: 'pending', attempts, nextTryAt: retryAt(attempts), code: ack.error.code, message: ack.error.message };
      accepted.set(row.source_id, (accepted.get(row.source_id) ?? 0) + ack.accepted);
      const refused = ack.rejected[0];
      if (refused) return { ...base, state: 'failed', attempts, nextTryAt: 0, code: refused.code ?? 'rejected', message: `event ${refused.index + 1}: ${refused.error}` };
      return { ...base, state: 'mapped' };
    });
    try {
      db.transaction(() => {
        for (const o of outcomes) {
          const c = deps.counters(o.sourceId);
          c.waiting = Math.max(0, c.waiting - 1);
          if (o.state === 'mapped') {
            s.mapped.run(o.seq);
            c.lastMappingFailed = false;
          } else {
            s.unmapped.run(o.state, o.attempts, o.nextTryAt, o.code, o.message, o.seq);
            if (o.state === 'failed') c.failed++;
            else c.waiting++;
            c.lastMappingFailed = o.state === 'pending';
            c.lastError = `${o.code}: ${o.message}`.slice(0, 300);
          }
          dirty.add(o.sourceId);
        }
        for (const [id, n] of accepted) countEvents(deps.counters(id), n, t);
        writeCounters();
      })();
    } catch {
      // The outcomes were not written: the deliveries are still pending and are mapped again (the
      // events they gave are deduplicated by (platform, id)).
    }
    deps.onChange();
  }

  // Retries come due with time, and another process (`livedeck sources replay`) may queue deliveries.
  const timer = setInterval(() => void pump(), 1000);
  timer.unref();
  // Bad signatures are counted in memory as they come and written once a second (a flood costs no fsyncs).
  const countersTimer = setInterval(() => {
    if (dirty.size === 0 || closed) return;
    try {
      db.transaction(writeCounters)();
    } catch {
      // written with the next store or mapping
    }
  }, 1000);
  countersTimer.unref();

  return {
    /**
     * The door (see `ReceiveHook`): verify before parsing; forged → 401 counted, nothing stored;
     * a delivery stored before its answer; a redelivery answered the same and counted once.
     */
    async receive(sourceId: string, req: HookRequest): Promise<HookAnswer> {
      const source = deps.registry.get(sourceId);
      if (!source) return refusal(404, 'not_found', `No source “${sourceId.slice(0, 40)}” on this hub.`);
      const adapter = hookAdapters[source.kind as keyof typeof hookAdapters];
      if (!adapter) return refusal(404, 'not_a_webhook', `Source “${sourceId}” is a ${source.kind} source, which LiveDeck connects to; nothing is posted to it.`);
      if (!source.enabled) return refusal(503, 'disabled', `Source “${sourceId}” is switched off in LiveDeck; switch it on and the platform's retries arrive.`);
      let verdict;
      try {
        verdict = adapter.verify(req, source);
      } catch {
        verdict = { kind: 'forged', reason: 'unreadable request' } as const;
      }
      if (verdict.kind === 'answer') return verdict.answer;
      const c = deps.counters(sourceId);
      if (verdict.kind === 'forged') {
        c.badSignatures++;
        c.lastBadAt = now();
        c.lastError = `bad_signature: ${verdict.reason}`.slice(0, 300);
        dirty.add(sourceId);
        deps.onChange();
        return refusal(401, 'bad_signature', 'The signature does not match this source’s secret; nothing was stored.');
      }
      const stored = await store({ sourceId, deliveryId: verdict.deliveryId, topic: verdict.topic, payload: verdict.payload, receivedAt: req.receivedAt ?? now() });
      // Not on disk: the platform must send it again.
      if (stored instanceof Error) return refusal(503, 'store_unavailable', 'The hub could not store this delivery; send it again.');
      return verdict.answer;
    },
    /** Queues every stored delivery of a source to be mapped again; how many. */
    replay(sourceId: string): number {
      const n = queueReplay(db, sourceId);
      const c = deps.counters(sourceId);
      c.waiting = n;
      c.failed = 0;
      c.lastMappingFailed = false;
      c.lastError = null;
      dirty.add(sourceId);
      void pump();
      deps.onChange();
      return n;
    },
    pump,
    async close(): Promise<void> {
      closed = true;
      clearInterval(timer);
      if (pumpTimer) clearTimeout(pumpTimer);
      clearInterval(countersTimer);
      if (queue.length) flushStores();
      // A mapping round under way finishes (its events are committed, its outcomes written) first.
      await pumping;
      try {
        if (dirty.size && db.open) db.transaction(writeCounters)();
      } catch {
        // closing: the counters are approximate figures, the deliveries are what is kept
      }
    },
  };
}

export { emptyCounters };
