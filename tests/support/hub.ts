/** A real hub on a fresh SQLite file on 127.0.0.1 port 0, and real Socket.IO clients for it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { createHub, type Hub } from '../../server/hub.js';
import type { Tokens } from '../../server/http/auth.js';

export const TEST_TOKENS: Tokens = { ingest: 'ingest-secret', operator: 'operator-secret', viewer: 'viewer-secret' };

export function tempDbFile(name = 'hub'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `livedeck-${name}-`));
  return path.join(dir, 'studio.db');
}

export interface TestHub {
  hub: Hub;
  url: string;
  port: number;
  dbFile: string;
  stop: () => Promise<void>;
}

export async function startTestHub(options: { dbFile?: string; port?: number; now?: () => number; tokens?: Tokens; floorRatio?: number | null } = {}): Promise<TestHub> {
  const dbFile = options.dbFile ?? tempDbFile();
  const hub = createHub({ db: dbFile, tokens: options.tokens ?? TEST_TOKENS, now: options.now, floorRatio: options.floorRatio ?? null });
  const { url, port } = await hub.listen(options.port ?? 0);
  return { hub, url, port, dbFile, stop: () => hub.close() };
}

const open: Socket[] = [];

/** Connects to a namespace and waits until connected (or rejects with the server's reason). */
export function connect(url: string, ns: '/ingest' | '/control' | '/view' | '/mall', token: string, name?: string): Promise<Socket> {
  const socket = io(`${url}${ns}`, { auth: { token, name }, transports: ['websocket'], reconnection: false, forceNew: true });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/** Closes every client opened by `connect`. */
export function closeClients(): void {
  while (open.length) open.pop()!.close();
}

/** Resolves with the next `event` the socket receives. */
export function next<T>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (v: T) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

/** Waits until `check` passes, polling; for state that settles on the next tick. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
