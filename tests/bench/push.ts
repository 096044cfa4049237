/**
 * `npm run bench -- push`: how long an event takes to reach a `/view` screen while the hub ingests
 * 10,000 events/s — a marked question is sent every 100 ms and timed until it shows in a tick.
 * Target: p99 ≤ 50 ms (the tick itself is ≤ 250 ms apart, so this measures time to the next tick too).
 */
import { io, type Socket } from 'socket.io-client';
import type { LiveTick } from '../../server/protocol/index.js';
import { BENCH_TOKENS, batchMaker, percentile, report, startBenchHub } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const hub = await startBenchHub();
const connect = (ns: string, token: string) =>
  new Promise<Socket>((resolve) => {
    const s = io(`${hub.url}${ns}`, { auth: { token }, transports: ['websocket'] });
    s.once('connect', () => resolve(s));
  });
try {
  const ingest = await connect('/ingest', BENCH_TOKENS.ingest);
  const view = await connect('/view', BENCH_TOKENS.viewer);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  view.on('tick', (t: LiveTick) => {
    const now = performance.now();
    for (const c of t.comments) {
      const at = sentAt.get(c.key);
      if (at !== undefined) {
        latencies.push(now - at);
        sentAt.delete(c.key);
      }
    }
  });
  const nextBatch = batchMaker(`push-${Date.now()}`, 100);
  const started = performance.now();
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    const due = started + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const batch: Record<string, unknown>[] = nextBatch(Date.now());
    if (i % 10 === 0) {
      const id = `mark-${i}`;
      batch.push({ type: 'comment', platform: 'bench', id, ts: Date.now(), userId: 'm', nick: 'm', text: '这个多少钱？' });
      sentAt.set(`bench:${id}`, performance.now());
    }
    ingest.emit('batch', batch, () => undefined);
  }
  await new Promise((r) => setTimeout(r, 1000));
  latencies.sort((a, b) => a - b);
  report('push', {
    'events/s offered': 10_000,
    'marked events seen': latencies.length,
    'event-to-screen p50, ms': Number(percentile(latencies, 50).toFixed(1)),
    'event-to-screen p99, ms': Number(percentile(latencies, 99).toFixed(1)),
  });
  ingest.close();
  view.close();
} finally {
  await hub.stop();
}
