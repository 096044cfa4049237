/**
 * What every live room shares: the loop that keeps one connection to the room (backoff capped at
 * 30 s, reset once a connection is up), the `stream.gap` that marks an outage when it comes back,
 * the light on the 数据源 panel, and the batcher that hands records to the ingest path — one batch in
 * flight at a time, awaiting its ack before the next, reading paused while too much waits, so a flood
 * is slowed by the hub's own pace and nothing acknowledged is ever dropped.
 */
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import type { RoomHandle, RoomSink, SourceConfig } from '../types.js';

export type RoomRecord = Record<string, unknown>;

/** A stable id from the parts of a message (for messages the platform gave no id): 22 base64url chars. */
export function stableId(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

/** An event id built from a platform's own id, kept within the 128 characters an id may have. */
export function idFrom(prefix: string, platformId: string): string {
  const id = `${prefix}:${platformId}`;
  return id.length <= 128 ? id : `${prefix}:h:${stableId(platformId)}`;
}

/** Text cut to `max` characters without splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('').slice(0, max);
}

/** A platform's time for a message when it is within ten minutes of ours, else ours (a skewed or forged clock). */
export function plausibleTs(ts: unknown, now: number): number {
  return typeof ts === 'number' && Number.isFinite(ts) && Math.abs(ts - now) <= 10 * 60_000 ? Math.round(ts) : now;
}

// ---------------------------------------------------------------------------------------------
// Batching with backpressure

export interface BatcherOptions {
  /** Most records one submission carries (default 500). */
  maxBatch?: number;
  /** How long a partly filled batch waits for more (default 200 ms). */
  delayMs?: number;
  /** Records waiting or in flight at which reading from the room pauses (default 5000) … */
  highWater?: number;
  /** … and at which it resumes (default 1000). */
  lowWater?: number;
  /** Told when reading should pause (true) or may resume (false). */
  onPressure?: (paused: boolean) => void;
}

export interface Batcher {
  push(record: RoomRecord): void;
  /** Records waiting or in flight. */
  readonly backlog: number;
  /** Resolves once everything pushed so far is acknowledged (or the batcher is closed). */
  drain(timeoutMs?: number): Promise<void>;
  close(): void;
}

export function createBatcher(sink: RoomSink, options: BatcherOptions = {}): Batcher {
  const maxBatch = options.maxBatch ?? 500;
  const delayMs = options.delayMs ?? 200;
  const highWater = options.highWater ?? 5000;
  const lowWater = options.lowWater ?? 1000;
  let queue: RoomRecord[] = [];
  let inFlight = 0;
  let pumping = false;
  let timer: NodeJS.Timeout | null = null;
  let paused = false;
  let closed = false;
  let idle: (() => void)[] = [];

  function setPaused(next: boolean): void {
    if (next === paused) return;
    paused = next;
    options.onPressure?.(next);
  }

  function schedule(): void {
    if (pumping || closed) return;
    if (queue.length >= maxBatch) {
      if (timer) clearTimeout(timer);
      timer = null;
      void pump();
    } else if (!timer && queue.length) {
      timer = setTimeout(() => {
        timer = null;
        void pump();
      }, delayMs);
    }
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      let retryMs = 250;
      while (queue.length && !closed) {
        const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
        queue = batch === queue ? [] : queue.slice(maxBatch);
        inFlight = batch.length;
        for (;;) {
          let ack: Awaited<ReturnType<RoomSink['submit']>> & { error?: { code?: string; message?: string } };
          try {
            ack = await sink.submit(batch);
          } catch (err) {
            ack = { accepted: 0, duplicates: 0, rejected: [], error: { code: 'submit_failed', message: err instanceof Error ? err.message : String(err) } };
          }
          if (ack.error) {
            // Nothing of this batch was stored: keep it and try again (the store may be full or locked).
            sink.warn(ack.error.code ?? 'submit_failed', `the hub did not store a batch of ${batch.length} records (${ack.error.message ?? 'no reason'}); retrying in ${retryMs} ms`);
            if (closed) break;
            await sleep(retryMs);
            retryMs = Math.min(retryMs * 2, 10_000);
            continue;
          }
          retryMs = 250;
          reportRejected(sink, batch, ack.rejected);
          break;
        }
        inFlight = 0;
        if (paused && queue.length <= lowWater) setPaused(false);
        // What came in while a batch was in flight has waited long enough: it goes next, short or not.
      }
    } finally {
      inFlight = 0;
      pumping = false;
    }
    if (!queue.length || closed) {
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    } else schedule();
  }

  return {
    push(record) {
      if (closed) return;
      queue.push(record);
      if (queue.length + inFlight >= highWater) setPaused(true);
      schedule();
    },
    get backlog() {
      return queue.length + inFlight;
    },
    drain(timeoutMs = 5000) {
      if (!queue.length && !pumping) return Promise.resolve();
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      void pump();
      return new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        idle.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    },
  };
}

/** Refusals of one batch, one warning per code (a flood of bad records is one line, not thousands). */
function reportRejected(sink: RoomSink, batch: RoomRecord[], rejected: { index: number; code?: string; error: string }[]): void {
  if (!rejected.length) return;
  const byCode = new Map<string, { n: number; example: string }>();
  for (const r of rejected) {
    const code = r.code ?? 'rejected';
    const seen = byCode.get(code);
    if (seen) seen.n++;
    else byCode.set(code, { n: 1, example: `${String(batch[r.index]?.type ?? 'record')}: ${r.error}` });
  }
  for (const [code, { n, example }] of byCode) sink.warn(code, `the hub refused ${n} record${n === 1 ? '' : 's'} (e.g. ${example.slice(0, 200)})`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// The connection loop

/** One open connection to a room, as the loop sees it. */
export interface RoomConnection {
  /** Resolves with a reason when the connection has ended, whoever ended it. */
  closed: Promise<string>;
  close(): void;
  /** Stop reading (the socket's buffers fill, then TCP slows the sender) and start again. */
  pause(): void;
  resume(): void;
}

/** What the loop hands a connect attempt. */
export interface LinkHooks {
  batcher: Batcher;
  /** Aborted when the room is stopped: a lookup or a handshake under way gives up at once. */
  signal: AbortSignal;
  /** The room answered (authenticated, first message): reset the backoff, light green, mark the gap. */
  up(): void;
  /** A failure retrying will not fix soon (refused login, no such room): the light turns red. */
  fatal(reason: string): void;
}

export interface LinkSpec {
  source: SourceConfig;
  sink: RoomSink;
  connect(hooks: LinkHooks): Promise<RoomConnection>;
  /** The platforms an outage is a gap of (a feed may carry several). */
  gapPlatforms(): string[];
  /** First and largest wait between attempts (defaults 1 s and 30 s). */
  backoff?: { firstMs?: number; maxMs?: number };
  batcher?: BatcherOptions;
}

/**
 * Keeps one connection to a room open until `stop()`. While a connection is up its records flow
 * through one batcher; when it drops, the loop waits (1 s, 2 s, 4 s … capped, with a little jitter)
 * and connects again, and on the first good answer submits one `stream.gap` per platform of the feed,
 * from the moment the room was lost to the moment it was back.
 */
export function runRoomLink(spec: LinkSpec): RoomHandle {
  const { sink, source } = spec;
  const firstMs = spec.backoff?.firstMs ?? 1000;
  const maxMs = spec.backoff?.maxMs ?? 30_000;
  let current: RoomConnection | null = null;
  let stopped = false;
  let wake: (() => void) | null = null;
  const abort = new AbortController();
  const batcher = createBatcher(sink, {
    ...spec.batcher,
    onPressure(paused) {
      if (paused) current?.pause();
      else current?.resume();
      spec.batcher?.onPressure?.(paused);
    },
  });

  const loop = (async () => {
    let attempt = 0;
    let lostAt: number | null = null;
    let fatalReason: string | null = null;
    sink.state('connecting');
    while (!stopped) {
      let wasUp = false;
      fatalReason = null;
      let reason: string;
      const hooks: LinkHooks = {
        batcher,
        signal: abort.signal,
        up() {
          if (wasUp || stopped) return;
          wasUp = true;
          attempt = 0;
          sink.state('connected');
          if (lostAt !== null) {
            const toTs = sink.now();
            const fromTs = Math.min(lostAt, toTs);
            for (const platform of spec.gapPlatforms()) {
              batcher.push({ type: 'stream.gap', platform, id: `gap:${source.id}:${fromTs}`, ts: toTs, fromTs, toTs });
            }
            lostAt = null;
          }
        },
        fatal(why) {
          fatalReason = why;
        },
      };
      try {
        current = await spec.connect(hooks);
        if (stopped) current.close();
        reason = await current.closed;
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
      current = null;
      if (stopped) break;
      if (wasUp) lostAt = sink.now();
      const waitMs = Math.min(maxMs, firstMs * 2 ** Math.min(attempt, 16)) * (0.85 + Math.random() * 0.3);
      attempt++;
      if (fatalReason !== null) sink.state('error', fatalReason);
      else sink.state('reconnecting', `${reason}; trying again in ${Math.round(waitMs / 100) / 10} s`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  })();

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      current?.close();
      (wake as (() => void) | null)?.();
      await loop;
      await batcher.drain();
      batcher.close();
      sink.state('stopped');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// WebSocket

/** Largest WebSocket message taken whole (a 10 MB message is read and skipped); past it ws ends the connection (1009). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface SocketEvents {
  onMessage(data: Buffer, isBinary: boolean): void;
  /** Called once the socket is open, before any message. */
  onOpen?(ws: WebSocket): void;
}

/**
 * Opens a WebSocket and wraps it as a `RoomConnection`. Rejects when it does not open within
 * `openTimeoutMs`; after that, every ending (close, error, our own `close()`) resolves `closed`.
 */
export function openSocket(
  url: string,
  events: SocketEvents,
  options: { headers?: Record<string, string>; openTimeoutMs?: number; sink: RoomSink; signal?: AbortSignal },
): Promise<RoomConnection & { ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new Error('stopped'));
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, { maxPayload: MAX_MESSAGE_BYTES, headers: options.headers, handshakeTimeout: options.openTimeoutMs ?? 10_000, perMessageDeflate: false });
    } catch (err) {
      reject(new Error(`cannot connect to ${safeUrl(url)}: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    let opened = false;
    let ended = false;
    let endWith: (reason: string) => void = () => {};
    const closed = new Promise<string>((r) => (endWith = r));
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      if (opened) endWith(reason);
      else reject(new Error(reason));
    };
    ws.on('open', () => {
      opened = true;
      events.onOpen?.(ws);
      resolve({
        ws,
        closed,
        close: () => {
          if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
          end('stopped');
        },
        pause: () => ws.pause(),
        resume: () => ws.resume(),
      });
    });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      events.onMessage(buf, isBinary);
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        options.sink.warn('too_large', `a message over ${MAX_MESSAGE_BYTES} bytes; the connection is reopened`);
        end('a message was too large');
        return;
      }
      end(`cannot reach ${safeUrl(url)}: ${err.message}`);
    });
    ws.on('close', (code: number) => end(`the room closed the connection (${code})`));
    options.signal?.addEventListener(
      'abort',
      () => {
        if (!opened) {
          ws.terminate();
          end('stopped');
        }
      },
      { once: true },
    );
  });
}

/** A URL as it may be shown: no query string or credentials (a key or token may ride there). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the configured address';
  }
}
