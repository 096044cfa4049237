/** Shared pieces of the benchmarks: a hub in a child process, percentiles, RSS, event makers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { CHILD_TOKENS, startChildHub } from '../support/child-hub.js';

export const BENCH_TOKENS = CHILD_TOKENS;

/** A hub (or the reference pipeline, given its script) in its own process on a fresh database. */
export async function startBenchHub(script?: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-bench-'));
  const dbFile = path.join(dir, 'bench.db');
  const hub = await startChildHub(dbFile, 0, script);
  return {
    ...hub,
    dbFile,
    stop: async () => {
      await hub.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    /** Stops the hub but leaves the database to be read; `removeDb` deletes it. */
    stopKeepingDb: () => hub.stop(),
    removeDb: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Resident set size of a process, in MB (Linux). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

let counter = 0;
const platforms = ['douyin', 'channels', 'taobao'];
/** A realistic mix: mostly comments and viewer traffic, some clicks and orders. */
export function makeEvent(runId: string, ts: number) {
  const n = counter++;
  const platform = platforms[n % 3];
  const id = `${runId}-${n}`;
  const r = n % 20;
  const userId = `u${n % 5000}`;
  if (r < 8) return { type: 'comment', platform, id, ts, userId, nick: '观众', text: n % 5 === 0 ? '这个多少钱？' : '主播好美' };
  if (r < 12) return { type: 'viewer.enter', platform, id, ts, userId };
  if (r < 14) return { type: 'viewer.leave', platform, id, ts, userId };
  if (r < 16) return { type: 'product.click', platform, id, ts, userId, sku: 'SKU-1' };
  if (r < 17) return { type: 'viewer.snapshot', platform, id, ts, online: 1000 + (n % 500) };
  return { type: 'order', platform, id, ts, orderId: `o${n}`, userId, sku: 'SKU-1', qty: 1, amountFen: 12990, status: r === 19 ? 'created' : 'paid' };
}

/** Prints a small table and one JSON line. */
export function report(name: string, rows: Record<string, string | number>): void {
  console.log(`\n${name}`);
  for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(34)} ${typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : v}`);
  console.log(JSON.stringify({ bench: name, ...rows }));
}

/**
 * A generator of batches that costs the sender little: `batchSize` event shapes made once, then each
 * batch is a shallow copy with fresh ids and ts, so the benchmark measures the hub, not the client.
 */
export function batchMaker(runId: string, batchSize: number) {
  const shapes = Array.from({ length: batchSize }, () => makeEvent(runId, 0) as Record<string, unknown>);
  let round = 0;
  return (ts: number) => {
    const r = round++;
    return shapes.map((e, i) => {
      const copy: Record<string, unknown> = { ...e, id: `${runId}-${r}-${i}`, ts };
      if (copy.type === 'order') copy.orderId = `${runId}-o${r}-${i}`;
      return copy;
    });
  };
}

/** A connected Socket.IO client for one of the hub's namespaces (websocket only, like connectors). */
export function connectNs(url: string, ns: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(`${url}${ns}`, { auth: { token }, transports: ['websocket'] });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}
