/**
 * `npm run bench -- ingest`: acknowledged events/s at max rate (batches of 500 over Socket.IO and
 * 5,000-line NDJSON posts, durable: WAL + synchronous=FULL, ack after commit), ack latency at a paced
 * 10,000 events/s, and the hub's RSS. The hub runs in its own process.
 */
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { IngestAck } from '../../server/protocol/index.js';
import { BENCH_TOKENS, batchMaker, makeEvent, percentile, report, rssMb, startBenchHub } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 6);

function connectIngest(url: string): Promise<Socket> {
  const s = io(`${url}/ingest`, { auth: { token: BENCH_TOKENS.ingest }, transports: ['websocket'], forceNew: true });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

async function maxRateSocket(url: string, sockets = 4, inFlight = 3, batchSize = 500) {
  const clients = await Promise.all(Array.from({ length: sockets }, () => connectIngest(url)));
  let acked = 0;
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    clients.flatMap((s, c) =>
      Array.from({ length: inFlight }, async (_, f) => {
        const nextBatch = batchMaker(`max-${Date.now()}-${c}-${f}`, batchSize);
        while (Date.now() < until) {
          const batch = nextBatch(Date.now());
          const ack: IngestAck = await s.timeout(30_000).emitWithAck('batch', batch);
          if (ack.error || ack.rejected.length) throw new Error(JSON.stringify(ack).slice(0, 300));
          acked += ack.accepted;
        }
      }),
    ),
  );
  const rate = acked / ((Date.now() - started) / 1000);
  clients.forEach((s) => s.close());
  return rate;
}

async function maxRateHttp(url: string, posters = 2, lines = 5000) {
  let acked = 0;
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  const runId = `http-${Date.now()}`;
  await Promise.all(
    Array.from({ length: posters }, async () => {
      while (Date.now() < until) {
        const now = Date.now();
        const body = Array.from({ length: lines }, () => JSON.stringify(makeEvent(runId, now))).join('\n');
        const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_TOKENS.ingest}` }, body });
        const ack = (await res.json()) as { accepted: number };
        acked += ack.accepted;
      }
    }),
  );
  return acked / ((Date.now() - started) / 1000);
}

/** Sends `rate` events/s in batches every 10 ms and records each batch's ack latency. */
async function paced(url: string, rate: number) {
  const s = await connectIngest(url);
  const perTick = Math.round(rate / 100);
  const latencies: number[] = [];
  const runId = `paced-${rate}-${Date.now()}`;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < seconds * 100; i++) {
    const due = started + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = Date.now();
    const batch = Array.from({ length: perTick }, () => makeEvent(runId, now));
    const sent = performance.now();
    pending.push(
      s
        .timeout(30_000)
        .emitWithAck('batch', batch)
        .then(() => void latencies.push(performance.now() - sent)),
    );
  }
  await Promise.all(pending);
  s.close();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const reference = fileURLToPath(new URL('./reference-hub.ts', import.meta.url));

/** Max-rate Socket.IO throughput of a fresh server process. */
async function measure(script?: string): Promise<number> {
  const server = await startBenchHub(script);
  try {
    return await maxRateSocket(server.url);
  } finally {
    await server.stop();
  }
}

// A B A B: the reference pipeline and LiveDeck alternate, so drift on the machine hits both.
const rounds: { reference: number; hub: number }[] = [];
for (let i = 0; i < 2; i++) rounds.push({ reference: await measure(reference), hub: await measure() });
const best = (k: 'reference' | 'hub') => Math.max(...rounds.map((r) => r[k]));

const hub = await startBenchHub();
try {
  const httpRate = await maxRateHttp(hub.url);
  const at10k = await paced(hub.url, 10_000);
  const at50k = await paced(hub.url, 50_000);
  report('ingest', {
    'reference max, events/s (A B A B best)': Math.round(best('reference')),
    'socket max, events/s (acked)': Math.round(best('hub')),
    'ratio to reference': Number((best('hub') / best('reference')).toFixed(2)),
    'http ndjson max, events/s (acked)': Math.round(httpRate),
    'ack p50 at 10k/s, ms': Number(at10k.p50.toFixed(2)),
    'ack p99 at 10k/s, ms': Number(at10k.p99.toFixed(2)),
    'ack p50 at 50k/s, ms': Number(at50k.p50.toFixed(2)),
    'ack p99 at 50k/s, ms': Number(at50k.p99.toFixed(2)),
    'hub rss, MB': Math.round(rssMb(hub.pid)),
  });
} finally {
  await hub.stop();
}
