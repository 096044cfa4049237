/**
 * `npm run bench -- claims`: flash-deal claims through `/mall` against a hub in its own process —
 * claims/s at max rate and latency p50/p99, and whether exactly the stock was granted.
 * Target: ≥ 20,000 claims/s with p99 ≤ 20 ms, exact.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClaimAck } from '../../server/protocol/index.js';
import { BENCH_TOKENS, percentile, report, startBenchHub } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const stock = 100_000;
const hub = await startBenchHub();
const control = (action: string, body: unknown) =>
  fetch(`${hub.url}/api/control/${action}`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_TOKENS.operator}` }, body: JSON.stringify(body) }).then((r) => r.json());
try {
  await control('catalog.upsert', { sku: 'BENCH', title: '压测商品', listPriceFen: 10_000 });
  const { dealId } = await control('deal.fire', { sku: 'BENCH', priceFen: 5000, stock, perUserLimit: 2, durationSec: 3600 });
  const sockets: Socket[] = await Promise.all(
    Array.from({ length: 8 }, () => {
      const s = io(`${hub.url}/mall`, { auth: { token: BENCH_TOKENS.ingest }, transports: ['websocket'] });
      return new Promise<Socket>((resolve) => s.once('connect', () => resolve(s)));
    }),
  );
  const latencies: number[] = [];
  let granted = 0;
  let asked = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  // 8 connections × 32 claims in flight each: a shop's backend fanning out many buyers at once.
  await Promise.all(
    sockets.flatMap((s, c) =>
      Array.from({ length: 32 }, async (_, k) => {
        let n = 0;
        while (performance.now() < until) {
          const userId = `u-${c}-${k}-${n++}`;
          const t = performance.now();
          // No per-claim timer: a shop backend keeps one for the whole request, not per packet.
          const ack: ClaimAck = await s.emitWithAck('deal.claim', { dealId, userId, qty: 1 });
          latencies.push(performance.now() - t);
          asked++;
          if (ack.granted) granted += ack.qty ?? 1;
        }
      }),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  // Then drain the rest of the stock, to see it end exactly at the stock.
  let more = true;
  let extra = 0;
  while (more) {
    const acks: ClaimAck[] = await Promise.all(Array.from({ length: 2000 }, (_, i) => sockets[i % 8].timeout(10_000).emitWithAck('deal.claim', { dealId, userId: `drain-${extra}-${i}`, qty: 2 })));
    extra++;
    for (const a of acks) if (a.granted) granted += a.qty ?? 0;
    more = acks.some((a) => a.granted);
  }
  sockets.forEach((s) => s.close());
  latencies.sort((a, b) => a - b);
  report('claims', {
    'claims/s (answered)': Math.round(asked / elapsed),
    'claim p50, ms': Number(percentile(latencies, 50).toFixed(2)),
    'claim p99, ms': Number(percentile(latencies, 99).toFixed(2)),
    stock,
    'units granted in all': granted,
    exact: granted === stock ? 'yes' : 'NO',
  });
} finally {
  await hub.stop();
}
