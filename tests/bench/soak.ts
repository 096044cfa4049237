/**
 * `npm run soak`: the hub under a long, uneven load — 20,000 events/s with a 60 s burst at 50,000
 * every few minutes — for SOAK_SECONDS (default 600). Reports loss (events acknowledged but not
 * stored, or sent and never acknowledged: must be 0), ack latency, and the hub's memory growth.
 */
import Database from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import type { IngestAck } from '../../server/protocol/index.js';
import { BENCH_TOKENS, batchMaker, percentile, report, rssMb, startBenchHub } from './lib.js';

const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const base = Number(process.env.SOAK_RATE ?? 20_000);
const burst = Number(process.env.SOAK_BURST ?? 50_000);
/** Burst for 60 s at the start of every 4th minute (a flash deal's rush). */
const rateAt = (sec: number) => (sec % 240 >= 180 ? burst : base);

const hub = await startBenchHub();
const sockets: Socket[] = await Promise.all(
  Array.from({ length: 4 }, () => {
    const s = io(`${hub.url}/ingest`, { auth: { token: BENCH_TOKENS.ingest }, transports: ['websocket'] });
    return new Promise<Socket>((resolve) => s.once('connect', () => resolve(s)));
  }),
);
const nextBatch = batchMaker(`soak-${Date.now()}`, 250);
const latencies: number[] = [];
let sent = 0;
let accepted = 0;
let unacked = 0;
let resends = 0;
const rss: number[] = [];
const started = performance.now();
const pending: Promise<void>[] = [];
let tick = 0;
const tickMs = 20;
while (performance.now() - started < seconds * 1000) {
  const due = started + tick * tickMs;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const sec = Math.floor((performance.now() - started) / 1000);
  const perTick = Math.round((rateAt(sec) * tickMs) / 1000);
  for (let left = perTick; left > 0; left -= 250) {
    const batch = nextBatch(Date.now()).slice(0, Math.min(250, left));
    const s = sockets[tick % sockets.length];
    const t = performance.now();
    sent += batch.length;
    unacked += batch.length;
    // At-least-once like a real connector: a batch without an ack (or with an error) is sent again.
    const deliver = async (attempt: number): Promise<void> => {
      try {
        const ack: IngestAck = await s.timeout(30_000).emitWithAck('batch', batch);
        if (ack.error) throw new Error(ack.error.message);
        if (attempt === 0) latencies.push(performance.now() - t);
        accepted += ack.accepted;
        unacked -= batch.length;
      } catch {
        resends++;
        await new Promise((r) => setTimeout(r, 200));
        return deliver(attempt + 1);
      }
    };
    pending.push(deliver(0));
  }
  if (tick % (10_000 / tickMs) === 0) rss.push(rssMb(hub.pid));
  if (pending.length > 5000) await Promise.all(pending.splice(0, 2500));
  tick++;
}
await Promise.all(pending);
sockets.forEach((s) => s.close());
const endRss = rssMb(hub.pid);
await hub.stopKeepingDb();
const db = new Database(hub.dbFile, { readonly: true });
const stored = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
db.close();
hub.removeDb();
latencies.sort((a, b) => a - b);
const elapsed = (performance.now() - started) / 1000;
report('soak', {
  'duration, s': Math.round(elapsed),
  'sent, events': sent,
  'stored, events': stored,
  'loss (sent − stored), events': sent - stored,
  'acked as new, events': accepted,
  'never acknowledged, events': unacked,
  'batches resent': resends,
  'mean rate, events/s': Math.round(sent / elapsed),
  'ack p50, ms': Number(percentile(latencies, 50).toFixed(1)),
  'ack p99, ms': Number(percentile(latencies, 99).toFixed(1)),
  'hub rss after warm-up, MB': Math.round(rss[Math.min(1, rss.length - 1)] ?? endRss),
  'hub rss at end, MB': Math.round(endRss),
});
