/**
 * `livedeck studio` in-process for browser tests: its own fresh database in a temp folder, 127.0.0.1
 * on a free port, simulator on or off, restartable on the same port and database (a hub restart as
 * the screens see it). Also a real `/ingest` connector for driving events, and URL helpers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { startStudio, type RunningStudio } from '../../server/cli/studio.js';
import type { Hub } from '../../server/hub.js';
import type { IngestAck, IngestClientToServer, IngestServerToClient, LiveEvent } from '../../server/protocol/index.js';

export interface StudioOptions {
  /** Run the demo audience (default false: tests drive events through /ingest). */
  simulate?: boolean;
  seed?: number;
  simRate?: number;
}

export interface TestStudio {
  readonly hub: Hub;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly dbFile: string;
  readonly tokens: { ingest: string; operator: string; viewer: string };
  /** The page URL for a route, with a token (operator by default) and the e2e probe switched on. */
  pageUrl(route: string, token?: string): string;
  /** Stops the hub, then starts it again on the same port and database. */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Stops the hub (and simulator) and removes the temp folder. */
  stop(): Promise<void>;
}

export async function startTestStudio(options: StudioOptions = {}): Promise<TestStudio> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-e2e-'));
  const dbFile = path.join(dir, 'studio.db');
  const launch = (port: number) => startStudio({ dbFile, port, host: '127.0.0.1', simulate: options.simulate ?? false, seed: options.seed ?? 7, simRate: options.simRate, log: () => undefined });
  let running: RunningStudio = await launch(0);
  const port = Number(new URL(running.url).port);
  let stopped = false;
  return {
    get hub() {
      return running.hub;
    },
    url: running.url,
    port,
    dbFile,
    get tokens() {
      return running.hub.tokens;
    },
    pageUrl(route, token) {
      return `${running.url}/?token=${encodeURIComponent(token ?? running.hub.tokens.operator)}&e2e=1#${route}`;
    },
    async restart({ downMs = 0 } = {}) {
      await running.stop();
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      running = await launch(port);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type IngestSocket = Socket<IngestServerToClient, IngestClientToServer>;

/** A real connector on `/ingest`; `send` resolves with the hub's ack after the batch is committed. */
export async function connectIngest(studio: TestStudio): Promise<{ send: (events: LiveEvent[]) => Promise<IngestAck>; close: () => void }> {
  const socket: IngestSocket = io(`${studio.url}/ingest`, { auth: { token: studio.tokens.ingest }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    async send(events) {
      const ack = await socket.timeout(5000).emitWithAck('batch', events);
      if (ack.error || ack.rejected.length) throw new Error(`ingest refused: ${JSON.stringify(ack.error ?? ack.rejected)}`);
      return ack;
    },
    close: () => void socket.close(),
  };
}

let eventSeq = 0;
/** A fresh event id, unique in this test process. */
export const eid = (prefix = 'e'): string => `${prefix}-${process.pid}-${++eventSeq}`;

/** Polls `check` until it stops throwing (or returns a truthy value), for state that settles on a tick. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 8000, intervalMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== false) return value;
      throw new Error('condition is false');
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
