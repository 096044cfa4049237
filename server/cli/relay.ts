/**
 * `livedeck relay`: the public webhook relay (DESIGN §11), and the checks `livedeck studio --relay`
 * makes before the hub connects out to one.
 */
import { createRelay, DEFAULT_RELAY_LIMITS, type RelayLimits } from '../relay/index.js';

export const RELAY_USAGE = `  livedeck relay [--port 8080] [--host 0.0.0.0] [--db relay.db] [--max-deliveries N] [--max-mb N] [--rate N] [--trust-proxy loopback|always|never]
      the public webhook relay for a studio hub on a LAN (token from LIVEDECK_TOKEN_RELAY)`;

/** A refusal to start, said in one sentence. */
export class RelayInputError extends Error {}

/** Shortest relay token taken: it is the only thing between the internet and the studio's deliveries. */
const MIN_TOKEN_LENGTH = 16;

/** The relay token from the environment, or a sentence saying what to do. */
export function relayToken(env: NodeJS.ProcessEnv = process.env): string {
  const token = env.LIVEDECK_TOKEN_RELAY?.trim();
  if (!token) {
    throw new RelayInputError('The relay needs a token: set LIVEDECK_TOKEN_RELAY to a long random string (for example `openssl rand -base64 32`) on the relay and give the studio hub the same one.');
  }
  if (token.length < MIN_TOKEN_LENGTH)
    throw new RelayInputError(`LIVEDECK_TOKEN_RELAY is too short (${token.length} characters); use at least ${MIN_TOKEN_LENGTH} random ones (for example \`openssl rand -base64 32\`).`);
  return token;
}

/** The relay URL `--relay` was given, checked; a warning when the token would travel in the clear. */
export function relayUrl(value: string): { url: string; warning: string | null } {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new RelayInputError(`--relay “${value.slice(0, 100)}” is not a URL; give the relay's address, e.g. https://relay.example.com`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new RelayInputError(`--relay takes an http(s) URL, not ${u.protocol}`);
  if (u.username || u.password || u.search || u.hash) throw new RelayInputError('--relay takes the relay address alone: the token comes from LIVEDECK_TOKEN_RELAY.');
  // Socket.IO takes a URL's path for a namespace: the relay has to be served at the root of its name.
  if (u.pathname !== '/') throw new RelayInputError(`--relay takes the relay's address without a path (https://${u.host}); serve the relay at the root of its host name.`);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  return {
    url: u.origin,
    warning: u.protocol === 'http:' && !local ? `--relay ${u.host} is plain http: the relay token and the shop's orders cross the internet unencrypted; put the relay behind HTTPS.` : null,
  };
}

export interface RelayCommandOptions {
  dbFile: string;
  port?: string;
  host?: string;
  maxDeliveries?: string;
  maxMb?: string;
  rate?: string;
  trustProxy?: string;
}

const positive = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RelayInputError(`${flag} takes a whole number above 0, not “${v.slice(0, 30)}”.`);
  return n;
};

/** Runs the relay until SIGINT/SIGTERM. */
export async function relayCommand(options: RelayCommandOptions): Promise<number> {
  const token = relayToken();
  const port = options.port === undefined ? 8080 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RelayInputError(`--port ${options.port} is not a port number.`);
  const trust = options.trustProxy ?? 'loopback';
  if (trust !== 'loopback' && trust !== 'always' && trust !== 'never') throw new RelayInputError('--trust-proxy is loopback, always or never.');
  const maxCount = positive('--max-deliveries', options.maxDeliveries);
  const maxMb = positive('--max-mb', options.maxMb);
  const rate = positive('--rate', options.rate);
  const limits: Partial<RelayLimits> = {};
  if (maxCount) Object.assign(limits, { maxCount, maxCountPerSource: Math.max(1, Math.floor(maxCount / 2)) });
  if (maxMb) Object.assign(limits, { maxBytes: maxMb * 1024 * 1024, maxBytesPerSource: Math.floor((maxMb * 1024 * 1024) / 2) });
  if (rate) Object.assign(limits, { ratePerSec: rate, burst: Math.max(rate, DEFAULT_RELAY_LIMITS.burst) });

  const relay = createRelay({ db: options.dbFile, token, limits, trustProxy: trust });
  const host = options.host ?? '0.0.0.0';
  const { port: bound } = await relay.listen(port, host);
  console.log(`LiveDeck relay on ${host}:${bound}, outbox ${options.dbFile} (${relay.outbox.count} deliveries waiting)`);
  console.log(`  Platforms post to https://<this relay's public name>/hooks/<source id>; the studio runs: livedeck studio --relay https://<this relay's public name>`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('Stopping…');
  await relay.close();
  return 0;
}
