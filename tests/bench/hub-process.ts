// A hub in its own process for benchmarks: prints its URL as one JSON line, stops on SIGTERM.
import { createHub } from '../../server/hub.js';

const db = process.argv[2];
const hub = createHub({ db, tokens: { ingest: 'bench-ingest', operator: 'bench-operator', viewer: 'bench-viewer' }, staticDir: null });
const { url } = await hub.listen(0);
console.log(JSON.stringify({ url, pid: process.pid }));
process.on('SIGTERM', () => void hub.close().then(() => process.exit(0)));
