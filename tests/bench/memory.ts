/**
 * `npm run bench -- memory`: the hub's RSS after a 4-hour show (1,000,000 events from the recording
 * generator) is pushed through `/ingest` as fast as it takes it, with a control window connected.
 * Target ≤ 300 MB.
 */
import { makeRecording, readRecording, storedOrder } from '../support/recording.js';
import { BENCH_TOKENS, connectNs, report, rssMb, startBenchHub } from './lib.js';

const lines = makeRecording({ seed: 9, lines: Number(process.env.BENCH_EVENTS ?? 1_000_000), durationMs: 4 * 3600_000, duplicateRate: 0 });
// Shift the show to end now, so it lands in the hub's live session like a real one.
const events = storedOrder(readRecording(lines).events);
const shift = Date.now() - events[events.length - 1].ts;
for (const e of events) (e as { ts: number }).ts += shift;
const hub = await startBenchHub();
const connect = (ns: string, token: string) => connectNs(hub.url, ns, token);
try {
  const control = await connect('/control', BENCH_TOKENS.operator);
  const ingest = await connect('/ingest', BENCH_TOKENS.ingest);
  const before = rssMb(hub.pid);
  const t0 = performance.now();
  let peak = before;
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < events.length; i += 1000) {
    inFlight.push(ingest.timeout(60_000).emitWithAck('batch', events.slice(i, i + 1000)));
    if (inFlight.length >= 8) await inFlight.shift();
    if (i % 100_000 === 0) peak = Math.max(peak, rssMb(hub.pid));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 2000));
  const after = rssMb(hub.pid);
  report('memory', {
    'events ingested': events.length,
    'ingest time, s': Number(seconds.toFixed(1)),
    'hub rss before, MB': Math.round(before),
    'hub rss peak while ingesting, MB': Math.round(Math.max(peak, after)),
    'hub rss after the show, MB': Math.round(after),
  });
  control.close();
  ingest.close();
} finally {
  await hub.stop();
}
