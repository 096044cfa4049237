/**
 * `npm run bench -- live-model`: the live model alone (no store, no sockets) under the soak's event
 * mix — batches of 250 sharing a ts, viewer snapshots, comments, clicks — for LIVE_MODEL_SECONDS of
 * simulated show (600) at LIVE_MODEL_RATE events/s (26,000, the soak's mean), ticked every simulated
 * 25 ms as the hub ticks. Reports the mean tick at the start and the end of the show, and the heap:
 * a tick's cost must not grow with the show (it did when the online peaks were redone from every
 * snapshot at each tick). Orders are left out: the hub passes each order's change from the store.
 * Run with `node --expose-gc` for exact heap figures.
 */
import { createLiveModel } from '../../server/live/index.js';
import { batchMaker, report } from './lib.js';

const seconds = Number(process.env.LIVE_MODEL_SECONDS ?? 600);
const rate = Number(process.env.LIVE_MODEL_RATE ?? 26_000);
const T0 = Date.UTC(2026, 11, 7, 12);
const model = createLiveModel({ ordersFromStore: true });
model.reset({ id: 1, title: 'live-model bench', startedAt: T0, endedAt: null });
const next = batchMaker('lm', 250);
const batchesPerSec = Math.max(1, Math.round(rate / 250));
const tickEvery = Math.max(1, Math.round(batchesPerSec / 40));
const heapMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/** Mean tick (ms) over each simulated minute. */
const minuteTicks: number[] = [];
const heapStart = heapMb();
let tickMs = 0;
let ticks = 0;
let maxTickMs = 0;
const started = performance.now();
for (let s = 0; s < seconds; s++) {
  for (let b = 0; b < batchesPerSec; b++) {
    const ts = T0 + s * 1000 + Math.floor((b * 1000) / batchesPerSec);
    for (const e of next(ts)) if (e.type !== 'order') model.apply(e as Parameters<typeof model.apply>[0]);
    if (b % tickEvery === 0) {
      const t = performance.now();
      model.tick(ts, true);
      const took = performance.now() - t;
      tickMs += took;
      ticks++;
      if (took > maxTickMs) maxTickMs = took;
    }
  }
  if ((s + 1) % 60 === 0 || s + 1 === seconds) {
    minuteTicks.push(tickMs / ticks);
    tickMs = 0;
    ticks = 0;
  }
}
report('live-model', {
  'simulated show, s': seconds,
  'events/s': rate,
  'wall time, s': Number(((performance.now() - started) / 1000).toFixed(1)),
  'mean tick, first minute, ms': Number(minuteTicks[0].toFixed(3)),
  'mean tick, last minute, ms': Number(minuteTicks[minuteTicks.length - 1].toFixed(3)),
  'longest tick, ms': Number(maxTickMs.toFixed(2)),
  'heap at start, MB': Math.round(heapStart),
  'heap at end, MB': Math.round(heapMb()),
});
