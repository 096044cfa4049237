/**
 * The one writer. Batches from every connector are validated where they arrive, then queued and
 * committed together on the next turn of the event loop (group commit): one transaction, one fsync,
 * many acks. An ack is only ever answered after its events are committed.
 */
import { parseEvent, type IngestAck, type LiveEvent } from '../protocol/index.js';
import type { OrderChange } from '../rules/orders.js';
import type { Repository } from '../store/index.js';

export interface WriterDeps {
  repo: Repository;
  now: () => number;
  /**
   * Called after each commit with the events that were new, per session, and what each new order
   * event did to its order (so the live model counts an order once without remembering it). A session
   * here may be an ended one: an order's later events go to the show of its first event.
   */
  onCommitted: (sessionId: number, events: LiveEvent[], orderChanges: ReadonlyMap<LiveEvent, OrderChange>) => void;
  /** Called when a commit fails (disk full, read-only) and when writing works again. */
  onStoreHealth?: (error: Error | null) => void;
  /** Title of a session opened because events arrived while none was live. */
  autoTitle?: (now: number) => string;
}

/** Events of the audience: only these open a show when none is live (DESIGN §3). */
const audienceTypes: ReadonlySet<LiveEvent['type']> = new Set(['viewer.snapshot', 'viewer.enter', 'viewer.leave', 'comment', 'order', 'product.click', 'interaction']);

/** Largest number of records one batch may carry. */
export const MAX_BATCH_RECORDS = 50_000;

interface Pending {
  events: LiveEvent[];
  sessionId: number | null;
  rejected: IngestAck['rejected'];
  resolve: (ack: IngestAck) => void;
}

export type Writer = ReturnType<typeof createWriter>;

export function createWriter(deps: WriterDeps) {
  const { repo } = deps;
  let queue: Pending[] = [];
  let scheduled = false;
  let failing = false;

  /**
   * The session for an event with no earlier trace (an order's later events go to the order's own
   * session: the store routes them). The live show; with none live, an audience event opens one —
   * nothing is dropped — while the control room's own events and stream gaps join the latest show
   * rather than open a show nobody watches. An audience event from before the latest show ended (the
   * stream's tail, still on its way at 下播) joins that show instead of opening a new one.
   */
  function sessionFor(e: LiveEvent): number {
    const live = repo.liveSession();
    if (live) return live.id;
    const latest = repo.latestSession();
    if (latest && !audienceTypes.has(e.type)) return latest.id;
    if (latest && latest.endedAt !== null && e.ts >= latest.startedAt && e.ts <= latest.endedAt) return latest.id;
    const now = deps.now();
    const title = deps.autoTitle?.(now) ?? `Auto session ${new Date(now).toISOString().slice(0, 16).replace('T', ' ')}`;
    return repo.createSession(title, Math.min(now, e.ts), { auto: true });
  }

  function flush(): void {
    scheduled = false;
    const group = queue;
    queue = [];
    const results: { accepted: number; duplicates: number }[] = [];
    const fresh = new Map<number, LiveEvent[]>();
    const orderChanges = new Map<LiveEvent, OrderChange>();
    try {
      repo.transaction(() => {
        for (const p of group) {
          let accepted = 0;
          let duplicates = 0;
          // The batch's own session (a replay's), else where its events belong, asked once a batch per kind.
          let audienceSession = p.sessionId;
          let otherSession = p.sessionId;
          const pick = (e: LiveEvent): number => (audienceTypes.has(e.type) ? (audienceSession ??= sessionFor(e)) : (otherSession ??= sessionFor(e)));
          for (const e of p.events) {
            const sessionId = repo.storeEvent(pick, e, orderChanges);
            if (sessionId === null) {
              duplicates++;
              continue;
            }
            accepted++;
            let list = fresh.get(sessionId);
            if (!list) fresh.set(sessionId, (list = []));
            list.push(e);
          }
          results.push({ accepted, duplicates });
        }
      });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      failing = true;
      deps.onStoreHealth?.(error);
      const message = `Nothing was stored: the database refused the write (${error.message}). Resend this batch.`;
      for (const p of group) p.resolve({ accepted: 0, duplicates: 0, rejected: p.rejected, error: { code: 'store_unavailable', message } });
      return;
    }
    if (failing) {
      failing = false;
      deps.onStoreHealth?.(null);
    }
    for (const [sessionId, events] of fresh) if (events.length) deps.onCommitted(sessionId, events, orderChanges);
    group.forEach((p, i) => p.resolve({ ...results[i], rejected: p.rejected }));
  }

  function enqueue(events: LiveEvent[], rejected: IngestAck['rejected'], sessionId: number | null): Promise<IngestAck> {
    return new Promise((resolve) => {
      queue.push({ events, rejected, sessionId, resolve });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }

  return {
    /**
     * Validates untrusted records and commits the good ones. Bad records come back with their index
     * and reason and are never stored; their good neighbours are.
     */
    submit(records: unknown, options: { sessionId?: number } = {}): Promise<IngestAck> {
      if (!Array.isArray(records)) {
        return Promise.resolve({
          accepted: 0,
          duplicates: 0,
          rejected: [],
          error: { code: 'not_array', message: 'a batch must be a JSON array of event records' },
        });
      }
      if (records.length > MAX_BATCH_RECORDS) {
        return Promise.resolve({
          accepted: 0,
          duplicates: 0,
          rejected: [],
          error: { code: 'too_large', message: `a batch carries at most ${MAX_BATCH_RECORDS} records, got ${records.length}; split it` },
        });
      }
      const events: LiveEvent[] = [];
      const rejected: IngestAck['rejected'] = [];
      for (let i = 0; i < records.length; i++) {
        const r = parseEvent(records[i]);
        if (r.ok) events.push(r.event);
        else rejected.push({ index: i, error: r.error.message, code: r.error.code });
      }
      return enqueue(events, rejected, options.sessionId ?? null);
    },
    /** Commits events the hub itself produced (already valid), e.g. `item.live`. */
    record(events: LiveEvent[], options: { sessionId?: number } = {}): Promise<IngestAck> {
      return enqueue(events, [], options.sessionId ?? null);
    },
    /** Whether the last commit failed. */
    get failing(): boolean {
      return failing;
    },
  };
}
