// A hub in its own process (for crash tests and benchmarks): `hub-process.ts DB [PORT]`. Prints its
// URL as one JSON line once listening; stops cleanly on SIGTERM.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { createHub, type HubOptions } from '../../server/hub.js';

const [db, port] = process.argv.slice(2);
// LIVEDECK_CPU_PROF=DIR profiles the hub from start to SIGTERM and writes DIR/hub-PID.cpuprofile
// (open it in Chrome DevTools): a benchmark's hub, not its load generator. `--cpu-prof` cannot be
// passed through NODE_OPTIONS, and the benchmarks spawn the hub themselves.
const profileDir = process.env.LIVEDECK_CPU_PROF;
const profiler = profileDir ? new inspector.Session() : null;
if (profiler) {
  profiler.connect();
  profiler.post('Profiler.enable');
  profiler.post('Profiler.start');
}
function writeProfile(): void {
  if (!profiler || !profileDir) return;
  // A session on the hub's own thread answers synchronously, before the process exits.
  profiler.post('Profiler.stop', (err, result) => {
    if (err) return;
    fs.mkdirSync(profileDir, { recursive: true });
    fs.writeFileSync(path.join(profileDir, `hub-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}
// LIVEDECK_WEB serves the built web UI too (the UI benchmark opens it); LIVEDECK_PREPARE_RECAPS=1 starts
// the recap worker after start-up as `livedeck studio` does; LIVEDECK_TEST_LIMITS (JSON) shrinks the
// hub's limits (recap cache, recap heap) for the hostile-input suite; LIVEDECK_RELAY_URL (with
// LIVEDECK_TOKEN_RELAY) takes webhook deliveries from a relay, as `livedeck studio --relay` does.
const limits = process.env.LIVEDECK_TEST_LIMITS ? (JSON.parse(process.env.LIVEDECK_TEST_LIMITS) as HubOptions['limits']) : undefined;
const hub = createHub({
  db,
  tokens: { ingest: 'child-ingest', operator: 'child-operator', viewer: 'child-viewer' },
  staticDir: process.env.LIVEDECK_WEB ?? null,
  prepareRecaps: process.env.LIVEDECK_PREPARE_RECAPS === '1',
  ...(limits ? { limits } : {}),
  ...(process.env.LIVEDECK_RELAY_URL ? { relay: { url: process.env.LIVEDECK_RELAY_URL, token: process.env.LIVEDECK_TOKEN_RELAY ?? '' } } : {}),
});
const { url } = await hub.listen(Number(port ?? 0));
console.log(JSON.stringify({ url, pid: process.pid }));
process.on('SIGTERM', () => {
  writeProfile();
  void hub.close().then(() => process.exit(0));
});
