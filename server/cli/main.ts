/**
 * `livedeck` — the hub's command line: `studio`, `replay`, `recap`, `backup`, `runsheet`.
 * Each command prints what a person needs (URLs, session ids, figures) and exits non-zero with one
 * sentence on failure.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createOwnerOnly, printable } from '../output/index.js';
import { recapFromStore } from '../recap/from-store.js';
import { reportFromStore } from '../recap/report.js';
import { createRepository, openDb } from '../store/index.js';
import { defaultDb } from './paths.js';
import { replayFile } from './replay.js';
import { runStudio } from './studio.js';
import { RUNSHEET_USAGE, runsheetCommand } from './runsheet.js';
import { REPORT_USAGE, ReportInputError, reportCommand } from './report.js';
import { SOURCES_USAGE, sourcesCommand } from './sources.js';
import { RELAY_USAGE, RelayInputError, relayCommand, relayToken, relayUrl } from './relay.js';

const USAGE = `livedeck — LiveDeck (直播中控台) hub

  livedeck studio [--port 5170] [--host 127.0.0.1] [--db FILE] [--no-sim] [--seed N] [--relay URL]
      the hub, the web UI and (unless --no-sim) the demo audience; --relay takes webhook
      deliveries from a public livedeck relay (token from LIVEDECK_TOKEN_RELAY)
  livedeck replay FILE.ndjson [--db FILE] [--speed N|max]
      ingest a recording as one session; prints the session id
  livedeck recap SESSION|latest [--db FILE] [--json] [--xlsx OUT] [--from MS] [--to MS] [--platform P]
      the recap (复盘) of a session
${REPORT_USAGE}
  livedeck backup OUT [--db FILE]
      a consistent copy of the database, taken while the hub runs
${RUNSHEET_USAGE}
${SOURCES_USAGE}
${RELAY_USAGE}

  The database defaults to $LIVEDECK_DB or ~/.livedeck/livedeck.db.`;

class UsageError extends Error {}

const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (r: number) => `${(r * 100).toFixed(2)}%`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'no-sim': { type: 'boolean' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      json: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      platform: { type: 'string' },
      xlsx: { type: 'string' },
      'sim-rate': { type: 'string' },
      append: { type: 'boolean' },
      lang: { type: 'string' },
      // livedeck sources add
      id: { type: 'string' },
      secret: { type: 'string' },
      'app-key': { type: 'string' },
      token: { type: 'string' },
      'aes-key': { type: 'string' },
      'app-id': { type: 'string' },
      room: { type: 'string' },
      cookie: { type: 'string' },
      url: { type: 'string' },
      'api-url': { type: 'string' },
      relay: { type: 'string' },
      'max-deliveries': { type: 'string' },
      'max-mb': { type: 'string' },
      rate: { type: 'string' },
      'trust-proxy': { type: 'string' },
    },
  });
  const dbFile = values.db ?? defaultDb();

  switch (command) {
    case 'studio': {
      const port = values.port ? Number(values.port) : 5170;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${values.port} is not a port number.`);
      let relay: { url: string; token: string } | undefined;
      if (values.relay !== undefined) {
        const { url, warning } = relayUrl(values.relay);
        relay = { url, token: relayToken() };
        if (warning) console.warn(warning);
      }
      await runStudio({
        relay,
        dbFile,
        port,
        host: values.host ?? '127.0.0.1',
        simulate: !values['no-sim'],
        seed: values.seed ? Number(values.seed) : Date.now() % 100000,
        simRate: values['sim-rate'] ? Number(values['sim-rate']) : 1,
      });
      return 0;
    }
    case 'replay': {
      const file = positionals[0];
      if (!file) throw new UsageError('Which recording? livedeck replay FILE.ndjson');
      if (!fs.existsSync(file)) throw new UsageError(`No file ${file}.`);
      const speed = !values.speed || values.speed === 'max' ? 'max' : Number(values.speed);
      if (speed !== 'max' && !(speed > 0)) throw new UsageError('--speed is a number above 0, or max.');
      const repo = createRepository(openDb(dbFile));
      const result = await replayFile(repo, file, { speed });
      for (const r of result.rejected.slice(0, 20)) console.error(`line ${r.line}: ${printable(r.error)}`);
      if (result.rejected.length > 20) console.error(`… and ${result.rejected.length - 20} more rejected lines`);
      console.error(`accepted ${result.accepted}, duplicates ${result.duplicates}, rejected ${result.rejected.length}`);
      console.log(result.sessionId);
      repo.db.close();
      return 0;
    }
    case 'recap': {
      const which = positionals[0] ?? 'latest';
      const id = which === 'latest' ? 'latest' : Number(which);
      if (id !== 'latest' && !Number.isInteger(id)) throw new UsageError(`“${which}” is not a session id; use a number or latest.`);
      if (!fs.existsSync(dbFile)) throw new UsageError(`No database at ${dbFile}.`);
      const repo = createRepository(openDb(dbFile));
      const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      const query = { from: num(values.from), to: num(values.to), platform: values.platform };
      const recap = recapFromStore(repo, id, Date.now(), query);
      if (recap && values.xlsx) {
        const { writeRecapXlsx } = await import('../recap/workbook.js');
        await writeRecapXlsx(reportFromStore(repo, recap.sessionId, Date.now(), query)!, values.xlsx);
        console.error(`Wrote ${values.xlsx}`);
      }
      repo.db.close();
      if (!recap) throw new UsageError(`No session ${which} in ${dbFile}.`);
      if (values.json) {
        console.log(JSON.stringify(recap, null, 2));
        return 0;
      }
      console.log(`#${recap.sessionId} ${printable(recap.title)}`);
      console.log(`成交金额 ${yuan(recap.paidGmvFen)}  退款 ${yuan(recap.refundFen)}  净成交 ${yuan(recap.netGmvFen)}  订单 ${recap.orders}  成交人数 ${recap.buyers}  件数 ${recap.units}`);
      console.log(
        `观看人数 ${recap.viewers}  观看次数 ${recap.views}  最高在线 ${recap.peakOnline}  平均在线 ${recap.avgOnline.toFixed(1)}  转化率 ${pct(recap.conversion)}  GPM ${yuan(recap.gpmFen)}`,
      );
      for (const it of recap.items) console.log(`  ${printable(it.sku).padEnd(12)} ${yuan(it.paidGmvFen).padStart(14)}  ${String(it.units).padStart(5)} 件  讲解 ${Math.round(it.liveSec)}s`);
      return 0;
    }
    case 'backup': {
      const out = positionals[0];
      if (!out) throw new UsageError('Where to? livedeck backup OUT.db');
      if (!fs.existsSync(dbFile)) throw new UsageError(`No database at ${dbFile}.`);
      const db = openDb(dbFile);
      createOwnerOnly(out);
      await db.backup(out);
      db.close();
      console.log(out);
      return 0;
    }
    case 'report':
      return reportCommand({ dbFile, from: values.from, to: values.to, platform: values.platform, json: values.json, xlsx: values.xlsx, lang: values.lang });
    case 'relay':
      return relayCommand({
        dbFile: values.db ?? 'relay.db',
        port: values.port,
        host: values.host,
        maxDeliveries: values['max-deliveries'],
        maxMb: values['max-mb'],
        rate: values.rate,
        trustProxy: values['trust-proxy'],
      });
    case 'runsheet':
      return runsheetCommand(positionals, { dbFile, append: values.append, json: values.json });
    case 'sources':
      return sourcesCommand(positionals, {
        dbFile,
        json: values.json,
        fields: {
          id: values.id,
          platform: values.platform,
          secret: values.secret,
          appKey: values['app-key'],
          token: values.token,
          aesKey: values['aes-key'],
          appId: values['app-id'],
          room: values.room,
          cookie: values.cookie,
          url: values.url,
          apiUrl: values['api-url'],
        },
      });
    default:
      throw new UsageError(`Unknown command “${command}”.\n\n${USAGE}`);
  }
}

export async function run(argv: string[]): Promise<void> {
  try {
    const code = await main(argv);
    if (code) process.exitCode = code;
  } catch (err) {
    console.error(err instanceof UsageError || err instanceof ReportInputError || err instanceof RelayInputError ? err.message : `livedeck: ${(err as Error).message}`);
    process.exitCode = 2;
  }
}
