// The receiving side of the relay in its own process: `receiver-process.ts DB RELAY_URL`. It pulls from
// the relay as a hub does and keeps each delivery once, keyed by (source id, the platform's delivery
// id from `x-shopify-webhook-id`), as the hub's webhook inbox does; a repeat is counted, not kept.
// `npm run bench -- relay` uses it to measure the relay alone; the crash test (crash.test.ts) runs
// the real hub instead.
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { createRelayPull } from '../../server/relay/pull.js';

const [file, relayUrl] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL');
// NORMAL in WAL mode keeps every commit across a kill -9 of this process (only power loss can undo one).
db.pragma('synchronous = NORMAL');
db.exec(`
CREATE TABLE IF NOT EXISTS inbox (n INTEGER PRIMARY KEY AUTOINCREMENT, source_id TEXT NOT NULL, delivery_id TEXT NOT NULL, body_sha256 TEXT NOT NULL, received_at INTEGER NOT NULL, UNIQUE (source_id, delivery_id));
CREATE TABLE IF NOT EXISTS repeats (n INTEGER NOT NULL);
INSERT INTO repeats (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM repeats);
`);
const insert = db.prepare(`INSERT INTO inbox (source_id, delivery_id, body_sha256, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`);
const repeat = db.prepare(`UPDATE repeats SET n = n + 1`);

const pull = createRelayPull({
  url: relayUrl,
  token: process.env.LIVEDECK_TOKEN_RELAY ?? '',
  // The same receiver restarted (after kill -9) takes the relay over at once, as a hub on its file does.
  hubId: file,
  retryBaseMs: 100,
  retryMaxMs: 1000,
  logger: { warn: (m) => console.error(`[receiver] ${m}`) },
  async receive(sourceId, req) {
    const deliveryId = req.headers['x-shopify-webhook-id'];
    if (!deliveryId) return { status: 400, body: 'no delivery id' };
    const sha = crypto.createHash('sha256').update(req.body).digest('hex');
    if (insert.run(sourceId, deliveryId, sha, req.receivedAt ?? Date.now()).changes === 0) repeat.run();
    return { status: 200, body: '{"code":0,"msg":"success"}', contentType: 'application/json' };
  },
});
console.log(JSON.stringify({ pid: process.pid }));
process.on('SIGTERM', () => void pull.close().then(() => (db.close(), process.exit(0))));
