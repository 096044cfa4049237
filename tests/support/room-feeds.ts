/**
 * Local live-room feeds for the source tests: a Bilibili danmaku server (its framing written here,
 * independently of the adapter's codec, so a symmetric mistake cannot hide) and an oba-live-tool
 * broadcast, both on 127.0.0.1; and a `RoomSink` that submits to a real hub's writer.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RoomSink, RoomState } from '../../server/sources/types.js';
import type { Hub } from '../../server/hub.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'sources');

export function bilibiliFixture(name: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'bilibili', `${name}.json`), 'utf8'));
}

export function obaFixtures(): Record<string, Record<string, any>> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'oba', 'messages.json'), 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Bilibili framing, written for the feed

/** A packet: 16-byte big-endian header (length, 16, protover, op, seq 1), then the body. */
export function biliPacket(op: number, body: Buffer | string, protover = 1): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const h = Buffer.alloc(16);
  h.writeUInt32BE(16 + b.length, 0);
  h.writeUInt16BE(16, 4);
  h.writeUInt16BE(protover, 6);
  h.writeUInt32BE(op, 8);
  h.writeUInt32BE(1, 12);
  return Buffer.concat([h, b]);
}

/** Commands as one frame: plain (one op 5 packet each), or several packets nested in one zlib/brotli packet. */
export function biliCommands(commands: unknown[], compress: 'none' | 'zlib' | 'brotli'): Buffer {
  const inner = Buffer.concat(commands.map((c) => biliPacket(5, JSON.stringify(c), 0)));
  if (compress === 'none') return inner;
  if (compress === 'zlib') return biliPacket(5, zlib.deflateSync(inner), 2);
  // Quality 5: what a live server can afford per frame (11, the default, takes ~0.2 s a frame here).
  return biliPacket(5, zlib.brotliCompressSync(inner, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }), 3);
}

/** Minimal protobuf writer for the INTERACT_WORD_V2 fields (varints and strings). */
export function interactWordV2Pb(fields: { uid: bigint | number; uname: string; msg_type: number; timestamp: number; trigger_time: bigint | number }): string {
  const out: number[] = [];
  const varint = (v: bigint): void => {
    let n = v;
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n) byte |= 0x80;
      out.push(byte);
    } while (n);
  };
  const key = (field: number, wire: number): void => varint(BigInt((field << 3) | wire));
  key(1, 0);
  varint(BigInt(fields.uid));
  const name = Buffer.from(fields.uname);
  key(2, 2);
  varint(BigInt(name.length));
  out.push(...name);
  key(5, 0);
  varint(BigInt(fields.msg_type));
  key(7, 0);
  varint(BigInt(fields.timestamp));
  key(15, 0);
  varint(BigInt(fields.trigger_time));
  return Buffer.from(out).toString('base64');
}

export interface BilibiliFeed {
  port: number;
  url: string;
  /** Login packets received (parsed JSON), one per connection. */
  auths: Record<string, unknown>[];
  heartbeats: number;
  /** Connections accepted so far. */
  connections: number;
  /** Sends a raw frame (binary) to every logged-in client. */
  send(frame: Buffer | string, binary?: boolean): void;
  sendCommands(commands: unknown[], compress?: 'none' | 'zlib' | 'brotli'): void;
  /** Resolves once a client has logged in (`count` logins in all). */
  loggedIn(count?: number): Promise<void>;
  /** Kills the feed: every client socket torn down, the port closed. */
  kill(): Promise<void>;
}

/** A danmaku server: answers the login (op 8, code `authCode`) and heartbeats (op 3). */
export async function startBilibiliFeed(options: { port?: number; authCode?: number } = {}): Promise<BilibiliFeed> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0, maxPayload: 64 * 1024 * 1024 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const clients = new Set<WebSocket>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const feed: BilibiliFeed = {
    port: (wss.address() as AddressInfo).port,
    url: '',
    auths: [],
    heartbeats: 0,
    connections: 0,
    send(frame, binary = true) {
      for (const c of clients) c.send(frame, { binary });
    },
    sendCommands(commands, compress = 'zlib') {
      feed.send(biliCommands(commands, compress));
    },
    loggedIn(count = 1) {
      if (feed.auths.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async kill() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  feed.url = `ws://127.0.0.1:${feed.port}/sub`;
  wss.on('connection', (ws) => {
    feed.connections++;
    ws.on('message', (data: Buffer) => {
      const op = data.readUInt32BE(8);
      const body = data.subarray(data.readUInt16BE(4), data.readUInt32BE(0));
      if (op === 7) {
        feed.auths.push(JSON.parse(body.toString()));
        ws.send(biliPacket(8, JSON.stringify({ code: options.authCode ?? 0 }), 1));
        if ((options.authCode ?? 0) === 0) clients.add(ws);
        for (const w of waiters.filter((w) => feed.auths.length >= w.count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      } else if (op === 2) {
        feed.heartbeats++;
        const popularity = Buffer.alloc(4);
        popularity.writeUInt32BE(1);
        ws.send(biliPacket(3, popularity, 1));
      }
    });
    ws.on('close', () => clients.delete(ws));
  });
  return feed;
}

// ---------------------------------------------------------------------------------------------
// oba-live-tool

export interface ObaFeed {
  port: number;
  url: string;
  connections: number;
  /** Clients connected now. */
  readonly open: number;
  sendJson(message: unknown): void;
  sendRaw(data: Buffer | string, binary?: boolean): void;
  connected(count?: number): Promise<void>;
  kill(): Promise<void>;
}

/** oba-live-tool's broadcast: a plain WebSocket server that sends JSON text to every client. */
export async function startObaFeed(options: { port?: number } = {}): Promise<ObaFeed> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: options.port ?? 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const waiters: { count: number; resolve: () => void }[] = [];
  const feed: ObaFeed = {
    port: (wss.address() as AddressInfo).port,
    url: '',
    connections: 0,
    get open() {
      return wss.clients.size;
    },
    sendJson(message) {
      for (const c of wss.clients) c.send(JSON.stringify(message));
    },
    sendRaw(data, binary = false) {
      for (const c of wss.clients) c.send(data, { binary });
    },
    connected(count = 1) {
      if (feed.connections >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async kill() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  feed.url = `ws://127.0.0.1:${feed.port}`;
  wss.on('connection', () => {
    feed.connections++;
    for (const w of waiters.filter((w) => feed.connections >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return feed;
}

// ---------------------------------------------------------------------------------------------
// The sink

export interface RecordingSink extends RoomSink {
  states: { state: RoomState; reason?: string }[];
  warnings: { code: string; message: string }[];
  /** Sizes of the batches submitted, in order. */
  batches: number[];
  /** Most submissions in flight at once. */
  maxInFlight: number;
  accepted: number;
  duplicates: number;
}

/**
 * A sink as the sources runtime makes one: records go to the hub's writer (the ingest path, validated
 * and deduplicated), prices and skus from the catalog. `skuFor` takes a product id equal to a catalog
 * sku, or one listed in `productIds`.
 */
export function hubSink(test: { hub: Hub }, options: { productIds?: Record<string, string>; onAirSku?: () => string | undefined; submitDelayMs?: number } = {}): RecordingSink {
  const { hub } = test;
  let inFlight = 0;
  const sink: RecordingSink = {
    states: [],
    warnings: [],
    batches: [],
    maxInFlight: 0,
    accepted: 0,
    duplicates: 0,
    async submit(records) {
      inFlight++;
      sink.maxInFlight = Math.max(sink.maxInFlight, inFlight);
      sink.batches.push(records.length);
      try {
        if (options.submitDelayMs) await new Promise((r) => setTimeout(r, options.submitDelayMs));
        const ack = await hub.ctx.writer.submit(records);
        sink.accepted += ack.accepted;
        sink.duplicates += ack.duplicates;
        return ack;
      } finally {
        inFlight--;
      }
    },
    state(state, reason) {
      sink.states.push({ state, reason });
    },
    warn(code, message) {
      sink.warnings.push({ code, message });
    },
    now: () => Date.now(),
    skuFor({ productId, sku }) {
      const catalog = hub.ctx.repo.catalog();
      const wanted = (productId && options.productIds?.[productId]) ?? productId ?? sku;
      return catalog.find((p) => p.sku === wanted)?.sku;
    },
    priceFor(sku) {
      const p = hub.ctx.repo.catalog().find((c) => c.sku === sku);
      return p ? (p.livePriceFen ?? p.listPriceFen) : undefined;
    },
    onAirSku: options.onAirSku,
  };
  return sink;
}
