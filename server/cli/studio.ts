/**
 * `livedeck studio`: the hub on the studio's database, the built web UI, and the demo audience
 * connected over loopback exactly as a platform connector would be.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHub, type Hub } from '../hub.js';
import { createOwnerOnly, maskToken } from '../output/index.js';
import { productSchema, runsheetItemInput } from '../protocol/index.js';
import { createRepository, openDb } from '../store/index.js';
import { repoRoot, resourcesDir, webDir } from './paths.js';

export interface StudioOptions {
  dbFile: string;
  port: number;
  host: string;
  simulate: boolean;
  seed: number;
  simRate?: number;
  /** A public relay to take webhook deliveries from (`--relay`). */
  relay?: { url: string; token: string };
  /** Print to (default console.log). */
  log?: (line: string) => void;
  /** Print the URLs' tokens whole (default: when stdout is a terminal or LIVEDECK_PRINT_TOKENS=1; see `maskToken`). */
  fullTokens?: boolean;
}

/** Builds the web UI once if this checkout has not built it yet. */
export async function ensureWebBuilt(log: (line: string) => void = console.log): Promise<string> {
  if (fs.existsSync(path.join(webDir, 'index.html'))) return webDir;
  log('Building the web UI (first start only, about half a minute)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(repoRoot, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  return webDir;
}

/** Loads the demo catalog and run-sheet into an empty database, so a first start has a show to run. */
export function seedDemo(dbFile: string, now = Date.now()): boolean {
  const db = openDb(dbFile);
  const repo = createRepository(db);
  try {
    if (repo.catalog().length > 0) return false;
    const catalog = JSON.parse(fs.readFileSync(path.join(resourcesDir, 'demo', 'catalog.json'), 'utf8')) as unknown[];
    const runsheet = JSON.parse(fs.readFileSync(path.join(resourcesDir, 'demo', 'runsheet.json'), 'utf8')) as unknown[];
    repo.transaction(() => {
      for (const p of catalog) repo.upsertProduct({ ...productSchema.parse(p), demo: true }, now);
      runsheet.forEach((item, i) => repo.insertItem(runsheetItemInput.parse(item), i));
      repo.audit(now, 'livedeck', 'demo.seed', { products: catalog.length, items: runsheet.length });
    });
    return true;
  } finally {
    db.close();
  }
}

export interface RunningStudio {
  hub: Hub;
  url: string;
  stop: () => Promise<void>;
}

export async function startStudio(options: StudioOptions): Promise<RunningStudio> {
  const log = options.log ?? console.log;
  const staticDir = await ensureWebBuilt(log);
  if (seedDemo(options.dbFile)) log('Loaded the demo catalog and run-sheet into a new database.');
  const hub = createHub({ db: options.dbFile, staticDir, prepareRecaps: true, ...(options.relay ? { relay: options.relay } : {}) });
  const { url } = await hub.listen(options.port, options.host);
  let stopSim: (() => Promise<void>) | null = null;
  if (options.simulate) stopSim = await startSimulator(hub, url, options.seed, options.simRate ?? 1);
  // A copy of the database every ten minutes, taken while the hub keeps writing.
  const backupFile = `${options.dbFile}.backup`;
  const backups = setInterval(() => {
    try {
      createOwnerOnly(backupFile);
    } catch (err) {
      return console.warn(`Backup to ${backupFile} failed: ${(err as Error).message}`);
    }
    hub.db.backup(backupFile).catch((err: Error) => console.warn(`Backup to ${backupFile} failed: ${err.message}`));
  }, 10 * 60_000);
  backups.unref();

  log(`LiveDeck studio is running on ${options.dbFile}`);
  // A person at a terminal gets URLs to open; a log (stdout not a terminal: a service, a pipe, a file)
  // gets the tokens' first characters only, since logs are kept, shipped and read by others.
  // LIVEDECK_PRINT_TOKENS=1 prints them whole anyway (a launcher that reads the URL from the pipe).
  const whole = options.fullTokens ?? (process.stdout.isTTY === true || process.env.LIVEDECK_PRINT_TOKENS === '1');
  const link = (token: string, route: string) => `${url}/?token=${whole ? token : maskToken(token)}#${route}`;
  log(`  Control room:  ${link(hub.tokens.operator, '/control')}`);
  log(`  Prompter:      ${link(hub.tokens.viewer, '/prompter')}`);
  log(`  Big screen:    ${link(hub.tokens.viewer, '/screen')}`);
  if (hub.tokenFile) log(`  Tokens (ingest, operator, viewer) are kept in ${hub.tokenFile}${whole ? '' : ' (shown above shortened: this output is not a terminal)'}`);
  else if (!whole) log('  Tokens are shown shortened (this output is not a terminal); they are the LIVEDECK_TOKEN_* variables this hub was given.');
  log(`  A backup is written every 10 minutes to ${backupFile}`);
  if (options.simulate) log('  The demo audience is on (--no-sim to turn it off).');
  if (options.relay) log(`  Taking webhook deliveries from the relay at ${options.relay.url} (its state is on ${url}/health).`);
  if (options.host !== '127.0.0.1' && options.host !== 'localhost') log(`  Listening on ${options.host}: other machines on this network can reach it.`);

  return {
    hub,
    url,
    async stop() {
      clearInterval(backups);
      await stopSim?.();
      await hub.close();
    },
  };
}

/** Connects the demo audience to the hub's `/ingest` and `/mall` like any platform connector. */
async function startSimulator(hub: Hub, url: string, seed: number, rate: number): Promise<() => Promise<void>> {
  const { createConnector, createMallClaimer, createSimulator } = await import('../connectors/index.js');
  const logger = { warn: (m: string) => console.warn(`[demo audience] ${m}`) };
  const mall = createMallClaimer({ url, token: hub.tokens.ingest });
  const sim = createSimulator({
    seed,
    catalog: hub.ctx.live.catalog,
    rate,
    currentSku: hub.ctx.live.current()?.sku ?? null,
    claim: (request) => mall.claim(request),
    claimCoupon: (request) => mall.claimCoupon(request),
    sink: (events) => connector.sendMany(events),
    logger,
  });
  let gaps = 0;
  const connector = createConnector({
    url,
    token: hub.tokens.ingest,
    // The audience shops from the catalog the producer edits: the hub sends it, and each change.
    followCatalog: true,
    onCommand: (cmd) => sim.handleCommand(cmd),
    // The demo's platforms went quiet while the hub could not be reached: record it on the timeline.
    onGap: (fromTs, toTs) =>
      connector.sendMany(['douyin', 'channels', 'mall'].map((platform) => ({ type: 'stream.gap' as const, platform, id: `gap-${sim.state().runId}-${++gaps}`, ts: toTs, fromTs, toTs }))),
    logger,
  });
  sim.start();
  // 下播 ends the demo's streams as it would a platform's: the audience goes quiet (and opens no
  // 自动场次 a second later) until the next show starts.
  let quiet = false;
  const warmRecap = hub.ctx.sessionEnded;
  hub.ctx.sessionEnded = (sessionId) => {
    warmRecap?.(sessionId);
    if (hub.ctx.repo.liveSession()) return;
    quiet = true;
    sim.stop();
  };
  const follow = setInterval(() => {
    if (quiet && hub.ctx.live.session) {
      quiet = false;
      sim.start();
    }
  }, 500);
  follow.unref();
  return async () => {
    clearInterval(follow);
    sim.stop();
    await connector.flush(5000).catch(() => undefined);
    connector.close();
    mall.close();
  };
}

/** Runs until SIGINT/SIGTERM, then stops cleanly. */
export async function runStudio(options: StudioOptions): Promise<void> {
  const studio = await startStudio(options);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('Stopping…');
  await studio.stop();
}
