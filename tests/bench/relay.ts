/**
 * `npm run bench -- relay`: webhook deliveries through `livedeck relay` into a receiving hub side,
 * each in its own process on its own SQLite file. Two figures: with the receiver connected, how many
 * deliveries a second the relay answers 200 (each on disk before its answer) and how long a platform
 * waits for that answer (p50/p99), and how soon they have all reached the receiver; then, with the
 * receiver away, how fast a backlog drains once it connects. BENCH_RELAY_N deliveries (default 20,000),
 * BENCH_RELAY_CONCURRENCY posts at once (default 32), bodies of 0.5–2 KB like an order push.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { here, RELAY_TOKEN, startChild, tempDir } from '../relay/support.js';
import { percentile, report } from './lib.js';

const N = Number(process.env.BENCH_RELAY_N ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_RELAY_CONCURRENCY ?? 32);
const env = { LIVEDECK_TOKEN_RELAY: RELAY_TOKEN, LIVEDECK_RELAY_TEST_LIMITS: JSON.stringify({ ratePerSec: 1e9, burst: 1e9 }) };
const dir = tempDir('bench-relay');

const receivedCount = (file: string): number => {
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
};

/** CPU time a process has used, ms (Linux): the relay's cost per delivery, whatever else loads the machine. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function waitFor(file: string, n: number): Promise<number> {
  for (;;) {
    if (receivedCount(file) >= n) return performance.now();
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Posts `count` deliveries (ids from `first`), `CONCURRENCY` at a time; returns answer times in ms. */
async function post(url: string, first: number, count: number): Promise<number[]> {
  const times: number[] = [];
  let next = first;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= first + count) return;
      const body = JSON.stringify({ id: i, line_items: [{ sku: `SKU-${i % 50}`, price: '129.90', quantity: 1 }], note: 'x'.repeat(400 + (i % 1500)) });
      const t = performance.now();
      const res = await fetch(`${url}/hooks/shop-${i % 4}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-shopify-webhook-id': `b-${i}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`delivery ${i}: ${res.status}`);
      times.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return times.sort((a, b) => a - b);
}

const relay = await startChild(path.join(here, 'relay-process.ts'), [path.join(dir, 'relay.db'), '0'], env);
const url = relay.info.url as string;
const receiverDb = path.join(dir, 'receiver.db');
let receiver = await startChild(path.join(here, 'receiver-process.ts'), [receiverDb, url], env);
try {
  // Live: the receiver connected while the platforms post.
  const cpuBefore = cpuMs(relay.pid);
  const started = performance.now();
  const times = await post(url, 0, N);
  const answeredMs = performance.now() - started;
  const allInMs = (await waitFor(receiverDb, N)) - started;
  const relayCpuPerDelivery = (cpuMs(relay.pid) - cpuBefore) / N;

  // Backlog: the studio was offline; it connects and takes everything waiting.
  await receiver.stop();
  await post(url, N, N);
  const reconnected = performance.now();
  receiver = await startChild(path.join(here, 'receiver-process.ts'), [receiverDb, url], env);
  const drainMs = (await waitFor(receiverDb, 2 * N)) - reconnected;

  report('relay', {
    deliveries: N,
    'concurrent posts': CONCURRENCY,
    'answered 200 per second': Math.round(N / (answeredMs / 1000)),
    'answer time p50, ms': Number(percentile(times, 50).toFixed(2)),
    'answer time p99, ms': Number(percentile(times, 99).toFixed(2)),
    'all at the receiver per second': Math.round(N / (allInMs / 1000)),
    'backlog drained per second': Math.round(N / (drainMs / 1000)),
    'relay CPU per delivery, ms': Number(relayCpuPerDelivery.toFixed(3)),
    'load average at the end': Number(os.loadavg()[0].toFixed(1)),
  });
} finally {
  await receiver.stop();
  await relay.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
