/**
 * `npm run bench -- claims`: flash-deal claims through `/mall` against a hub in its own process —
 * claims/s at max rate and latency p50/p99, and whether exactly the stock was granted. Two ways of
 * sending the same 256 claims in flight (8 connections × 32): one `deal.claim` message per claim, and
 * `deal.claims` messages of CLAIMS_PER_MESSAGE claims each (as a shop backend fanning out a rush sends them).
 * Target: ≥ 20,000 claims/s with p99 ≤ 20 ms, exact.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClaimAck, ClaimsAck } from '../../server/protocol/index.js';
import { BENCH_TOKENS, percentile, report, startBenchHub } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const perMessage = Number(process.env.CLAIMS_PER_MESSAGE ?? 16);
// Larger than a 6-second rush can take, so every timed claim is a real grant (not a quick sold_out).
const stock = 1_000_000;
const connections = 8;
const inFlight = 32;
const hub = await startBenchHub();
const control = (action: string, body: unknown) =>
  fetch(`${hub.url}/api/control/${action}`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_TOKENS.operator}` }, body: JSON.stringify(body) }).then((r) => r.json());

type Claim = { dealId: string; userId: string; qty: number };

/** Runs one rush on a fresh deal: `send` claims one message's worth and returns its answers. */
async function rush(sku: string, claimsPerMessage: number, send: (s: Socket, claims: Claim[]) => Promise<ClaimAck[]>) {
  await control('catalog.upsert', { sku, title: '压测商品', listPriceFen: 10_000 });
  // A deal fires on a live show only: the first rush starts one, the second finds it live.
  await control('session.start', { title: '压测直播' });
  const { dealId } = await control('deal.fire', { sku, priceFen: 5000, stock, perUserLimit: 2, durationSec: 3600 });
  const sockets: Socket[] = await Promise.all(
    Array.from({ length: connections }, () => {
      const s = io(`${hub.url}/mall`, { auth: { token: BENCH_TOKENS.ingest }, transports: ['websocket'] });
      return new Promise<Socket>((resolve) => s.once('connect', () => resolve(s)));
    }),
  );
  const latencies: number[] = [];
  let granted = 0;
  let asked = 0;
  let refused = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  // 8 connections × 32 claims in flight each: a shop's backend fanning out many buyers at once.
  await Promise.all(
    sockets.flatMap((s, c) =>
      Array.from({ length: inFlight / claimsPerMessage }, async (_, k) => {
        let n = 0;
        while (performance.now() < until) {
          const claims = Array.from({ length: claimsPerMessage }, () => ({ dealId, userId: `u-${c}-${k}-${n++}`, qty: 1 }));
          const t = performance.now();
          // No per-claim timer: a shop backend keeps one for the whole request, not per packet.
          const acks = await send(s, claims);
          const ms = performance.now() - t;
          for (const ack of acks) {
            latencies.push(ms);
            asked++;
            if (ack.granted) granted += ack.qty ?? 1;
            else refused++;
          }
        }
      }),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  // Then drain the rest of the stock (in batches, for speed), to see it end exactly at the stock.
  let more = true;
  let extra = 0;
  while (more) {
    const replies: ClaimsAck[] = await Promise.all(
      sockets.map((s, c) =>
        s.timeout(30_000).emitWithAck(
          'deal.claims',
          Array.from({ length: 1000 }, (_, i) => ({ dealId, userId: `drain-${extra}-${c}-${i}`, qty: 2 })),
        ),
      ),
    );
    extra++;
    const acks = replies.flatMap((r) => r.answers);
    for (const a of acks) if (a.granted) granted += a.qty ?? 0;
    more = acks.some((a) => a.granted);
  }
  sockets.forEach((s) => s.close());
  latencies.sort((a, b) => a - b);
  return { rate: Math.round(asked / elapsed), refused, p50: Number(percentile(latencies, 50).toFixed(2)), p99: Number(percentile(latencies, 99).toFixed(2)), granted };
}

try {
  const single = await rush('BENCH-1', 1, async (s, [claim]) => [await s.emitWithAck('deal.claim', claim)]);
  const batched = await rush('BENCH-N', perMessage, async (s, claims) => ((await s.emitWithAck('deal.claims', claims)) as ClaimsAck).answers);
  const meets = (r: { rate: number; p99: number; granted: number; refused: number }) => (r.rate >= 20_000 && r.p99 <= 20 && r.refused === 0 && r.granted === stock ? 'yes' : 'no');
  report('claims', {
    'deal.claim claims/s (answered)': single.rate,
    'deal.claim p50, ms': single.p50,
    'deal.claim p99, ms': single.p99,
    'deal.claim refused in the rush': single.refused,
    'deal.claim units granted': single.granted,
    'deal.claim meets target': meets(single),
    'claims per deal.claims message': perMessage,
    'deal.claims claims/s (answered)': batched.rate,
    'deal.claims p50, ms': batched.p50,
    'deal.claims p99, ms': batched.p99,
    'deal.claims refused in the rush': batched.refused,
    'deal.claims units granted': batched.granted,
    'deal.claims meets target': meets(batched),
    stock,
    exact: single.granted === stock && batched.granted === stock ? 'yes' : 'NO',
  });
} finally {
  await hub.stop();
}
