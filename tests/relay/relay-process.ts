// A relay in its own process, for crash tests and the benchmark: `relay-process.ts DB [PORT]`, token
// from LIVEDECK_TOKEN_RELAY, limits from LIVEDECK_RELAY_TEST_LIMITS (JSON). Prints its URL as one JSON
// line once listening; stops cleanly on SIGTERM.
import { createRelay, type RelayLimits } from '../../server/relay/server.js';

const [db, port] = process.argv.slice(2);
const limits = process.env.LIVEDECK_RELAY_TEST_LIMITS ? (JSON.parse(process.env.LIVEDECK_RELAY_TEST_LIMITS) as Partial<RelayLimits>) : undefined;
const relay = createRelay({ db, token: process.env.LIVEDECK_TOKEN_RELAY ?? '', limits, log: (line) => console.error(line) });
const { url } = await relay.listen(Number(port ?? 0));
console.log(JSON.stringify({ url, pid: process.pid }));
process.on('SIGTERM', () => void relay.close().then(() => process.exit(0)));
