/**
 * `npm run bench -- push`: how long an event takes to reach a `/view` screen while the hub ingests
 * 10,000 events/s — a marked paid order is sent every 100 ms and timed until a tick carries it.
 * Target: p99 ≤ 50 ms (the tick itself is ≤ 250 ms apart, so this measures time to the next tick too).
 */
import { MAX_LINE_FEN, type LiveTick } from '../../server/protocol/index.js';
import { BENCH_TOKENS, connectNs, batchMaker, percentile, report, startBenchHub } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const hub = await startBenchHub();
const connect = (ns: string, token: string) => connectNs(hub.url, ns, token);
try {
  const ingest = await connect('/ingest', BENCH_TOKENS.ingest);
  const view = await connect('/view', BENCH_TOKENS.viewer);
  // Marked paid orders of the largest line the hub takes (¥10,000,000; a larger one is refused at the
  // door, which left this bench seeing none since the money bounds came in), on a platform of their
  // own: the k-th has reached the screen once that platform's paid GMV passes k × that.
  const MARK_FEN = MAX_LINE_FEN;
  const sentAt: number[] = [];
  const latencies: number[] = [];
  view.on('tick', (t: LiveTick) => {
    const now = performance.now();
    while (latencies.length < sentAt.length && (t.byPlatform.mark?.paidGmvFen ?? 0) >= (latencies.length + 1) * MARK_FEN) latencies.push(now - sentAt[latencies.length]);
  });
  const nextBatch = batchMaker(`push-${Date.now()}`, 100);
  const started = performance.now();
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    const due = started + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const batch: Record<string, unknown>[] = nextBatch(Date.now());
    if (i % 10 === 0) {
      const n = sentAt.length;
      batch.push({ type: 'order', platform: 'mark', id: `mark-${n}`, ts: Date.now(), orderId: `mark-${n}`, userId: `m${n}`, sku: 'MARK', qty: 1, amountFen: MARK_FEN, status: 'paid' });
      sentAt.push(performance.now());
    }
    ingest.emit('batch', batch, () => undefined);
  }
  await new Promise((r) => setTimeout(r, 1000));
  latencies.sort((a, b) => a - b);
  report('push', {
    'events/s offered': 10_000,
    'marked events seen': latencies.length,
    'marked events sent': sentAt.length,
    'event-to-screen p50, ms': Number(percentile(latencies, 50).toFixed(1)),
    'event-to-screen p99, ms': Number(percentile(latencies, 99).toFixed(1)),
  });
  ingest.close();
  view.close();
} finally {
  await hub.stop();
}
