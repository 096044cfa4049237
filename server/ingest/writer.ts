/**
 * The one writer. Batches from every connector are validated where they arrive, then queued and
 * committed together on the next turn of the event loop (group commit): one transaction, one fsync,
 * many acks. An ack is only ever answered after its events are committed.
 */
import { controlEventTypes, describeTs, MAX_PLATFORMS_PER_SESSION, parseEvent, SHOW_LEAD_MS, tsInWindow, type IngestAck, type LiveEvent, type RecordError } from '../protocol/index.js';
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
  /** Each event's index in the batch as sent, for refusals decided at commit time. */
  indexes: number[];
  /** From an ingest door (a connector, a shop): held to the show's time and platform bounds. */
  untrusted: boolean;
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
    // A connector's backlog may start the show a little early, never weeks back (bounds.ts).
    return repo.createSession(title, Math.max(Math.min(now, e.ts), now - SHOW_LEAD_MS), { auto: true });
  }

  // Platforms each show has heard from, loaded once a show; bounded by MAX_PLATFORMS_PER_SESSION each.
  let platformsBySession = new Map<number, Set<string>>();
  function platformsOf(sessionId: number): Set<string> {
    let set = platformsBySession.get(sessionId);
    if (!set) platformsBySession.set(sessionId, (set = new Set(repo.platformsOfSession(sessionId))));
    return set;
  }

  /**
   * Why an ingested event may not join `sessionId`, or null: it is stamped long before the show it
   * would join started, or it brings one platform too many to that show.
   */
  let sessionsSeen = new Map<number, ReturnType<Repository['session']>>();
  function refuseForSession(e: LiveEvent, sessionId: number): RecordError | null {
    let session = sessionsSeen.get(sessionId);
    if (session === undefined) sessionsSeen.set(sessionId, (session = repo.session(sessionId)));
    // A gap reaches back to its start: it may not reach further back than an event may.
    const earliest = e.type === 'stream.gap' ? Math.min(e.ts, e.fromTs) : e.ts;
    if (session && session.endedAt === null && earliest < session.startedAt - SHOW_LEAD_MS) {
      const minutes = Math.round((session.startedAt - earliest) / 60_000);
      const field = earliest === e.ts ? 'ts' : 'fromTs';
      return { code: 'bad_ts', message: `${e.type}.${field}: is ${minutes} minutes before the live show started; at most ${SHOW_LEAD_MS / 60_000} minutes before it is taken` };
    }
    const platforms = platformsOf(sessionId);
    if (!platforms.has(e.platform)) {
      const heard = platforms.size - (platforms.has('studio') ? 1 : 0);
      if (heard >= MAX_PLATFORMS_PER_SESSION) {
        return { code: 'too_many_platforms', message: `platform ${JSON.stringify(e.platform)}: this show already hears from ${heard} platforms, the most one show takes; send under one of them` };
      }
      platforms.add(e.platform);
    }
    return null;
  }

  function flush(): void {
    scheduled = false;
    const group = queue;
    queue = [];
    sessionsSeen = new Map();
    const results: { accepted: number; duplicates: number; refused: IngestAck['rejected'] }[] = [];
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
          const refused: IngestAck['rejected'] = [];
          for (let i = 0; i < p.events.length; i++) {
            const e = p.events[i];
            let target: number | ((e: LiveEvent) => number) = pick;
            if (p.untrusted) {
              // An order's later events go to the show of its first event, already bounded then.
              const own = e.type === 'order' ? repo.sessionOfOrder(e.platform, e.orderId) : null;
              if (own === null) {
                target = pick(e);
                const why = refuseForSession(e, target);
                if (why) {
                  // A connector resending what was stored before (at-least-once) hears "duplicate", not "refused".
                  if (repo.sessionOfEvent(e.platform, e.id) !== null) duplicates++;
                  else refused.push({ index: p.indexes[i], error: why.message, code: why.code });
                  continue;
                }
              }
            }
            const sessionId = repo.storeEvent(target, e, orderChanges);
            if (sessionId === null) {
              duplicates++;
              continue;
            }
            accepted++;
            let list = fresh.get(sessionId);
            if (!list) fresh.set(sessionId, (list = []));
            list.push(e);
          }
          results.push({ accepted, duplicates, refused });
        }
      });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      // What was counted for the failed transaction was not stored.
      platformsBySession = new Map();
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
    group.forEach((p, i) => {
      const { accepted, duplicates, refused } = results[i];
      const rejected = refused.length ? [...p.rejected, ...refused].sort((a, b) => a.index - b.index) : p.rejected;
      p.resolve({ accepted, duplicates, rejected });
    });
  }

  function enqueue(events: LiveEvent[], indexes: number[], untrusted: boolean, rejected: IngestAck['rejected'], sessionId: number | null): Promise<IngestAck> {
    return new Promise((resolve) => {
      queue.push({ events, indexes, untrusted, rejected, sessionId, resolve });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }

  return {
    /**
     * Validates untrusted records and commits the good ones: the ingest doors (`/ingest`, `POST
     * /api/ingest`). Bad records come back with their index, reason and code and are never stored;
     * their good neighbours are. Besides each record's fields, an ingest door takes only the audience's
     * and the shops' events (`forbidden_type` for the control room's own), stamped within the hub's
     * window (`bad_ts`), and a show hears from a bounded number of platforms (`too_many_platforms`).
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
      const indexes: number[] = [];
      const rejected: IngestAck['rejected'] = [];
      const now = deps.now();
      for (let i = 0; i < records.length; i++) {
        const r = parseEvent(records[i]);
        const why = r.ok ? refuseAtDoor(r.event, now) : r.error;
        if (why) rejected.push({ index: i, error: why.message, code: why.code });
        else if (r.ok) {
          events.push(r.event);
          indexes.push(i);
        }
      }
      return enqueue(events, indexes, true, rejected, options.sessionId ?? null);
    },
    /** Commits events the hub itself produced (already valid), e.g. `item.live`, or an operator's replay. */
    record(events: LiveEvent[], options: { sessionId?: number } = {}): Promise<IngestAck> {
      return enqueue(
        events,
        events.map((_, i) => i),
        false,
        [],
        options.sessionId ?? null,
      );
    },
    /** Whether the last commit failed. */
    get failing(): boolean {
      return failing;
    },
  };
}

/**
 * Why an ingest door refuses a valid record, or null. Only the hub's own handlers write what the
 * control room did (an item on air, a deal, a coupon): a connector that could would sell a ¥0.01 deal
 * through the mall. Every time a record carries is within the hub's window (bounds.ts).
 */
export function refuseAtDoor(e: LiveEvent, now: number): RecordError | null {
  if (controlEventTypes.has(e.type)) {
    return { code: 'forbidden_type', message: `type ${JSON.stringify(e.type)} is written by the control room itself; an ingest token sends the audience's and the shops' events only` };
  }
  if (!tsInWindow(e.ts, now)) return { code: 'bad_ts', message: `${e.type}.ts: ${describeTs(e.ts, now)}` };
  if (e.type === 'stream.gap') {
    if (!tsInWindow(e.fromTs, now)) return { code: 'bad_ts', message: `stream.gap.fromTs: ${describeTs(e.fromTs, now)}` };
    if (!tsInWindow(e.toTs, now)) return { code: 'bad_ts', message: `stream.gap.toTs: ${describeTs(e.toTs, now)}` };
    if (e.toTs < e.fromTs) return { code: 'bad_ts', message: 'stream.gap.toTs: must not be before fromTs' };
  }
  return null;
}
