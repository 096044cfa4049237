/**
 * `npm run bench -- hooks`: signed Shopify deliveries a second into a hub (in its own process) over
 * loopback, with the answer time of each — the platform's wait: body read, signature checked, stored
 * on disk (group-committed), 200. Then how long the inbox takes to map them all to orders.
 * Target: ≥ 2,000 deliveries/s with p99 answer ≤ 50 ms. BENCH_DELIVERIES (default 20,000) and
 * BENCH_CONCURRENCY (default 32 in flight) change the load.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { BENCH_TOKENS, percentile, report, startBenchHub } from './lib.js';

const total = Number(process.env.BENCH_DELIVERIES ?? 20_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECRET = 'bench-shopify-secret';

const hub = await startBenchHub();
const port = Number(new URL(hub.url).port);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function request(method: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A one-line Shopify order, paid, as small as a real one is (about 1 KB). */
function order(n: number): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    id: 5_000_000_000_000 + n,
    created_at: now,
    updated_at: now,
    cancelled_at: null,
    financial_status: 'paid',
    currency: 'CNY',
    email: `buyer${n % 5000}@example.com`,
    customer: { id: 7_000_000 + (n % 5000), email: `buyer${n % 5000}@example.com` },
    note_attributes: [],
    total_price: '129.90',
    line_items: [
      { id: 9_000_000_000_000 + n, product_id: 632910392, variant_id: 808950810, quantity: 1, price: '129.90', total_discount: '0.00', sku: 'BENCH-1', title: 'Bench item', name: 'Bench item' },
    ],
    refunds: [],
  });
}

try {
  const added = await request('POST', '/api/control/source.add', JSON.stringify({ kind: 'shopify', id: 'bench', secret: SECRET }), { authorization: `Bearer ${BENCH_TOKENS.operator}` });
  if (added.status !== 200) throw new Error(`source.add: ${added.status} ${added.text}`);
  const bodies = Array.from({ length: total }, (_, n) => order(n));
  const answerMs: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < total; n = next++) {
        const body = bodies[n];
        const t0 = performance.now();
        const r = await request('POST', '/hooks/bench', body, {
          'x-shopify-topic': 'orders/paid',
          'x-shopify-webhook-id': `bench-${n}`,
          'x-shopify-hmac-sha256': crypto.createHmac('sha256', SECRET).update(body).digest('base64'),
        });
        answerMs.push(performance.now() - t0);
        if (r.status !== 200) failed++;
      }
    }),
  );
  const elapsedSec = (performance.now() - started) / 1000;
  // The inbox maps behind the answers: wait until nothing waits.
  let mappedAt = performance.now();
  for (;;) {
    const r = await request('GET', '/api/sources', '', { authorization: `Bearer ${BENCH_TOKENS.operator}` });
    const [s] = JSON.parse(r.text) as { waiting: number; deliveries: number; mappingErrors: number }[];
    if (s.waiting === 0 && s.deliveries >= total - failed) {
      mappedAt = performance.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const recap = JSON.parse((await request('GET', '/api/sessions/latest/recap', '', { authorization: `Bearer ${BENCH_TOKENS.operator}` })).text) as { orders: number; paidGmvFen: number };
  answerMs.sort((a, b) => a - b);
  report('hooks', {
    deliveries: total,
    'in flight': concurrency,
    'non-200 answers': failed,
    'deliveries/s (answered)': Math.round(total / elapsedSec),
    'answer p50, ms': Number(percentile(answerMs, 50).toFixed(1)),
    'answer p99, ms': Number(percentile(answerMs, 99).toFixed(1)),
    'answer max, ms': Number(answerMs[answerMs.length - 1].toFixed(1)),
    'all mapped after, s': Number(((mappedAt - started) / 1000).toFixed(2)),
    'orders in the recap': recap.orders,
    'paid GMV right': recap.paidGmvFen === (total - failed) * 12990 ? 'yes' : `no (${recap.paidGmvFen})`,
  });
} finally {
  agent.destroy();
  await hub.stop();
}
