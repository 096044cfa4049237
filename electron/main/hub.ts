// Runs inside Electron's utility process: the same hub as `livedeck studio`, on the app's database.
import { startStudio } from '../../server/cli/studio.js';

type ParentPort = { postMessage(message: unknown): void };
const port = (process as unknown as { parentPort: ParentPort }).parentPort;

startStudio({
  dbFile: process.env.LIVEDECK_DB ?? 'livedeck.db',
  port: 0,
  host: '127.0.0.1',
  simulate: process.env.LIVEDECK_SIMULATE === '1',
  seed: Date.now() % 100000,
})
  .then(({ url, hub }) => port.postMessage({ type: 'ready', url, tokens: hub.tokens }))
  .catch((err: Error) => port.postMessage({ type: 'error', error: err.message }));
