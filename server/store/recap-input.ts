/**
 * The recap's input, kept beside the events (table `recap_input`): per session, chunks of the fields
 * of its events that the recap reads, column by column, as one JSON text a chunk. It is written with
 * the events in the same transaction, and derived from them (`backfillRecapInput` rebuilds it).
 *
 * Why: a cold recap of a 4-hour show otherwise reads and parses a million JSON bodies, and handing
 * SQLite values to JS one by one costs more than the whole scan. Here a chunk is one string, its
 * numbers small integers, and a field only stored for the types that have it.
 */
import { orderStatuses, type LiveEvent } from '../protocol/index.js';
import type { Db } from './db.js';
import { storedEvent } from './event-body.js';

/**
 * Codes of the event types whose recap fields are columns (the index is the code). Code 0 is every
 * other type — the control room's own events and stream gaps, rare — kept whole in `event`. The codes
 * are stored: append, never reorder.
 */
const columnTypes = [null, 'viewer.snapshot', 'viewer.enter', 'viewer.leave', 'comment', 'order', 'product.click', 'interaction'] as const;
const SNAPSHOT = 1;
const ENTER = 2;
const LEAVE = 3;
const ORDER = 5;
const CLICK = 6;
const codeOfType = new Map<string, number>(columnTypes.flatMap((t, i) => (t ? [[t, i] as const] : [])));
const codeOfStatus = new Map<string, number>(orderStatuses.map((s, i) => [s, i]));

/**
 * One chunk, events in stored order. `kind`, `platform` and `dts` have a row per event; every other
 * array has one entry per event that has the field, in row order: `id` for orders and viewer
 * snapshots (the recap breaks ties by it), `userId` for enters, leaves, orders and clicks, `sku` for
 * orders and clicks, the order fields for orders, `online` for snapshots. Comments and interactions
 * are only their platform and ts: that is all the recap reads of them.
 *
 * `userId`, `sku`, `orderId` and `dealId` are indexes into `strings`, where each value is written
 * once: a buyer's id is parsed once per chunk, not once per event, and the recap's maps then meet the
 * same string again and again (its hash kept) instead of a fresh copy each time.
 */
export interface RecapInputChunk {
  platforms: string[];
  /** Index into `platforms`. */
  platform: number[];
  kind: number[];
  /** ts of the first event, then each event's ts minus the one before it. */
  dts: number[];
  id: string[];
  strings: string[];
  userId: number[];
  sku: number[];
  orderId: number[];
  /** −1: the order is not a deal's. */
  dealId: number[];
  qty: number[];
  amountFen: number[];
  /** Index into `orderStatuses`. */
  status: number[];
  /**
   * Each order event's `refundFen` (0: none), one entry per order like `qty`; absent when no order
   * event of the chunk carried one (and in every chunk written before partial refunds existed).
   */
  refundFen?: number[];
  online: number[];
  event: LiveEvent[];
}

/** A chunk as schema 5 wrote it, the coded fields inline (upgraded by `codeLegacyChunk`). */
export interface LegacyRecapInputChunk extends Omit<RecapInputChunk, 'strings' | 'userId' | 'sku' | 'orderId' | 'dealId'> {
  userId: string[];
  sku: string[];
  orderId: string[];
  dealId: (string | null)[];
}

/** Events in a chunk at most when a finished show's chunks are merged (see `mergeRecapInput`). */
export const MERGED_CHUNK = 1 << 21;

function emptyChunk(): RecapInputChunk {
  return { platforms: [], platform: [], kind: [], dts: [], id: [], strings: [], userId: [], sku: [], orderId: [], dealId: [], qty: [], amountFen: [], status: [], online: [], event: [] };
}

/** Assigns each distinct string its index in `list`. */
function dictionary(list: string[] = []) {
  const index = new Map<string, number>(list.map((v, i) => [v, i]));
  return {
    list,
    code(value: string): number {
      let i = index.get(value);
      if (i === undefined) {
        index.set(value, (i = list.length));
        list.push(value);
      }
      return i;
    },
  };
}

/** Events in a chunk when older events are backfilled. */
const BACKFILL_CHUNK = 8192;

/** The recap input of events, as one chunk. */
export function encodeRecapInput(events: readonly LiveEvent[]): RecapInputChunk {
  const c = emptyChunk();
  const platforms = dictionary(c.platforms);
  const strings = dictionary(c.strings);
  let lastTs = 0;
  for (const e of events) {
    const kind = codeOfType.get(e.type) ?? 0;
    c.platform.push(platforms.code(e.platform));
    c.kind.push(kind);
    c.dts.push(e.ts - lastTs);
    lastTs = e.ts;
    switch (e.type) {
      case 'viewer.snapshot':
        c.id.push(e.id);
        c.online.push(e.online);
        break;
      case 'viewer.enter':
      case 'viewer.leave':
        c.userId.push(strings.code(e.userId));
        break;
      case 'product.click':
        c.userId.push(strings.code(e.userId));
        c.sku.push(strings.code(e.sku));
        break;
      case 'order':
        c.id.push(e.id);
        c.userId.push(strings.code(e.userId));
        c.sku.push(strings.code(e.sku));
        c.orderId.push(strings.code(e.orderId));
        c.dealId.push(e.dealId === undefined ? -1 : strings.code(e.dealId));
        c.qty.push(e.qty);
        c.amountFen.push(e.amountFen);
        c.status.push(codeOfStatus.get(e.status)!);
        if (e.refundFen) (c.refundFen ??= new Array<number>(c.qty.length - 1).fill(0)).push(e.refundFen);
        else c.refundFen?.push(0);
        break;
      case 'comment':
      case 'interaction':
        break;
      default:
        c.event.push(e);
    }
  }
  return c;
}

/** A schema-5 chunk in today's form (a chunk already in it is returned as it is). */
export function codeLegacyChunk(chunk: LegacyRecapInputChunk | RecapInputChunk): RecapInputChunk {
  if ('strings' in chunk) return chunk;
  const strings = dictionary();
  return {
    ...chunk,
    strings: strings.list,
    userId: chunk.userId.map(strings.code),
    sku: chunk.sku.map(strings.code),
    orderId: chunk.orderId.map(strings.code),
    dealId: chunk.dealId.map((d) => (d === null ? -1 : strings.code(d))),
  };
}

/**
 * Chunks joined into as few as hold them (`MERGED_CHUNK` events each), rows in the same order, each
 * string once per merged chunk. A finished show's few thousand per-commit chunks are merged so its
 * later recaps parse each buyer's id once for the whole show.
 */
export function mergeRecapInput(chunks: readonly RecapInputChunk[], limit = MERGED_CHUNK): RecapInputChunk[] {
  const merged: RecapInputChunk[] = [];
  let m: RecapInputChunk | null = null;
  let platforms = dictionary();
  let strings = dictionary();
  let lastTs = 0;
  for (const c of chunks) {
    if (m === null || (m.kind.length > 0 && m.kind.length + c.kind.length > limit)) {
      m = emptyChunk();
      merged.push(m);
      platforms = dictionary(m.platforms);
      strings = dictionary(m.strings);
      lastTs = 0;
    }
    const platformCode = c.platforms.map(platforms.code);
    const stringCode = c.strings.map(strings.code);
    const target = m;
    let ts = 0;
    c.kind.forEach((kind, j) => {
      ts += c.dts[j];
      target.kind.push(kind);
      target.platform.push(platformCode[c.platform[j]]);
      target.dts.push(ts - lastTs);
      lastTs = ts;
    });
    // One push at a time: a chunk merged before holds a whole show, too many for push(...spread).
    for (const id of c.id) target.id.push(id);
    for (const u of c.userId) target.userId.push(stringCode[u]);
    for (const k of c.sku) target.sku.push(stringCode[k]);
    for (const o of c.orderId) target.orderId.push(stringCode[o]);
    // Orders already in the merged chunk (dealId is pushed just below, one per order).
    const ordersBefore = target.dealId.length;
    if (c.refundFen) {
      target.refundFen ??= new Array<number>(ordersBefore).fill(0);
      for (const r of c.refundFen) target.refundFen.push(r);
    } else if (target.refundFen) for (let k = 0; k < c.dealId.length; k++) target.refundFen.push(0);
    for (const d of c.dealId) target.dealId.push(d < 0 ? -1 : stringCode[d]);
    for (const q of c.qty) target.qty.push(q);
    for (const a of c.amountFen) target.amountFen.push(a);
    for (const st of c.status) target.status.push(st);
    for (const o of c.online) target.online.push(o);
    for (const e of c.event) target.event.push(e);
  }
  return merged;
}

/**
 * What merging a session's recap input would write: the merged chunks as JSON text and the seqs of
 * the chunks they replace (for `Repository.replaceRecapInput`); null when there is nothing to merge.
 */
export function plannedMerge(rows: readonly { seq: number; chunk: RecapInputChunk }[], limit = MERGED_CHUNK): { seqs: number[]; bodies: string[] } | null {
  if (rows.length < 2) return null;
  const merged = mergeRecapInput(
    rows.map((r) => r.chunk),
    limit,
  );
  if (merged.length >= rows.length) return null;
  return { seqs: rows.map((r) => r.seq), bodies: merged.map((c) => JSON.stringify(c)) };
}

/**
 * The events of chunks, in ts order (ties in stored order), carrying the fields the recap reads.
 *
 * For speed, every event of a columnar type is the same object, refilled for each row and only good
 * until the next one is taken: `computeRecap` copies what it keeps. Nothing else may be given this.
 */
export function* recapInputEvents(chunks: readonly RecapInputChunk[]): Generator<LiveEvent> {
  const rows = spread(chunks);
  // Out of time order when connectors' clocks differ, batches are resent or a shuffled recording
  // was replayed; a show stored strictly in time order needs no sort.
  const order = inTsOrder(rows.ts) ? null : tsOrder(rows.ts);
  const e = { type: '', platform: '', id: '', ts: 0, userId: '', sku: '', orderId: '', dealId: undefined as string | undefined, qty: 0, amountFen: 0, status: '', refundFen: 0, online: 0 };
  for (let k = 0; k < rows.n; k++) {
    const i = order === null ? k : order[k];
    const kind = rows.kind[i];
    if (kind === 0) {
      yield rows.event[i];
      continue;
    }
    e.type = columnTypes[kind]!;
    e.platform = rows.platform[i];
    e.ts = rows.ts[i];
    e.id = rows.id[i];
    e.userId = rows.userId[i];
    e.sku = rows.sku[i];
    if (kind === ORDER) {
      e.orderId = rows.orderId[i];
      e.dealId = rows.dealId[i];
      e.qty = rows.qty[i];
      e.amountFen = rows.amountFen[i];
      e.status = orderStatuses[rows.status[i]];
      e.refundFen = rows.refundFen[i];
    } else if (kind === SNAPSHOT) {
      e.online = rows.online[i];
    }
    // Every columnar type's fields in one shape; the recap reads those of `type`.
    yield e as unknown as LiveEvent;
  }
}

/** The chunks' events as one row each, numbers in typed arrays: no object per event. */
interface Rows {
  n: number;
  kind: Uint8Array;
  platform: string[];
  ts: Float64Array;
  id: string[];
  userId: string[];
  sku: string[];
  orderId: string[];
  dealId: (string | undefined)[];
  qty: Float64Array;
  amountFen: Float64Array;
  status: Uint8Array;
  refundFen: Float64Array;
  online: Float64Array;
  event: LiveEvent[];
}

function spread(chunks: readonly RecapInputChunk[]): Rows {
  let n = 0;
  for (const c of chunks) n += c.kind.length;
  const r: Rows = {
    n,
    kind: new Uint8Array(n),
    platform: new Array<string>(n),
    ts: new Float64Array(n),
    id: new Array<string>(n).fill(''),
    userId: new Array<string>(n).fill(''),
    sku: new Array<string>(n).fill(''),
    orderId: new Array<string>(n).fill(''),
    dealId: new Array<string | undefined>(n).fill(undefined),
    qty: new Float64Array(n),
    amountFen: new Float64Array(n),
    status: new Uint8Array(n),
    refundFen: new Float64Array(n),
    online: new Float64Array(n),
    event: new Array<LiveEvent>(n),
  };
  let i = 0;
  for (const c of chunks) {
    const strings = c.strings;
    const refundFen = c.refundFen;
    let ts = 0;
    let iId = 0;
    let iUser = 0;
    let iSku = 0;
    let iOrder = 0;
    let iOnline = 0;
    let iEvent = 0;
    for (let j = 0; j < c.kind.length; j++, i++) {
      const kind = c.kind[j];
      ts += c.dts[j];
      r.kind[i] = kind;
      r.platform[i] = c.platforms[c.platform[j]];
      r.ts[i] = ts;
      switch (kind) {
        case 0:
          r.event[i] = c.event[iEvent++];
          break;
        case SNAPSHOT:
          r.id[i] = c.id[iId++];
          r.online[i] = c.online[iOnline++];
          break;
        case ENTER:
        case LEAVE:
          r.userId[i] = strings[c.userId[iUser++]];
          break;
        case CLICK:
          r.userId[i] = strings[c.userId[iUser++]];
          r.sku[i] = strings[c.sku[iSku++]];
          break;
        case ORDER: {
          r.id[i] = c.id[iId++];
          r.userId[i] = strings[c.userId[iUser++]];
          r.sku[i] = strings[c.sku[iSku++]];
          r.orderId[i] = strings[c.orderId[iOrder]];
          const deal = c.dealId[iOrder];
          r.dealId[i] = deal < 0 ? undefined : strings[deal];
          r.qty[i] = c.qty[iOrder];
          r.amountFen[i] = c.amountFen[iOrder];
          r.status[i] = c.status[iOrder];
          if (refundFen) r.refundFen[i] = refundFen[iOrder];
          iOrder++;
          break;
        }
        default:
          break;
      }
    }
  }
  return r;
}

function inTsOrder(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (ts[i] < ts[i - 1]) return false;
  return true;
}

/**
 * Row numbers sorted by ts, ties in row order. Each row becomes one exact double,
 * (ts − min) × n + row, so the typed array's own numeric sort does it without a comparator call per
 * step; a span too long for that falls back to a comparator.
 */
function tsOrder(ts: Float64Array): ArrayLike<number> {
  const n = ts.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (ts[i] < min) min = ts[i];
    if (ts[i] > max) max = ts[i];
  }
  if ((max - min + 1) * n > Number.MAX_SAFE_INTEGER) {
    return Array.from({ length: n }, (_, i) => i).sort((a, b) => ts[a] - ts[b] || a - b);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (ts[i] - min) * n + i;
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i] % n;
  return order;
}

/** Writes the recap input of every stored event, in stored order (for files from before it existed). */
export function backfillRecapInput(db: Db): void {
  const insert = db.prepare('INSERT INTO recap_input (session_id, body) VALUES (?, ?)');
  // Read a page at a time: the connection cannot write while a statement is still iterating.
  const page = db.prepare('SELECT seq, session_id, type, platform, id, ts, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?').raw();
  let sessionId = -1;
  let events: LiveEvent[] = [];
  const flush = () => {
    if (events.length) insert.run(sessionId, JSON.stringify(encodeRecapInput(events)));
    events = [];
  };
  for (let after = 0; ;) {
    const rows = page.all(after, BACKFILL_CHUNK) as [number, number, string, string, string, number, string][];
    if (rows.length === 0) break;
    for (const [seq, session, type, platform, id, ts, body] of rows) {
      if (session !== sessionId || events.length === BACKFILL_CHUNK) {
        flush();
        sessionId = session;
      }
      events.push(storedEvent(type, platform, id, ts, body));
      after = seq;
    }
  }
  flush();
}
