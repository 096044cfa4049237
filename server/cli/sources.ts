/**
 * `livedeck sources add|list|remove|replay` (DESIGN §11): the studio's shops and live rooms, set up from
 * a shell on the database file, whether or not the hub is running (a running hub picks the change up
 * within a second). Secrets go in and are never printed again.
 */
import { printable } from '../output/index.js';
import { formatIssues, sourceSchemas, type SourceStatus } from '../protocol/index.js';
import { lanAddresses } from '../http/lan.js';
import { countersFromDb, createRegistry, isHookKind, statusOf } from '../sources/index.js';
import { queueReplay } from '../sources/inbox.js';
import { emptyCounters } from '../sources/status.js';
import { createRepository, openDb } from '../store/index.js';

export const SOURCES_USAGE = `  livedeck sources add KIND --id ID [--platform P] [--secret S] [--app-key K] [--token T]
        [--aes-key K] [--app-id A] [--room R] [--cookie C] [--url U] [--api-url U] [--db FILE]
      connect a shop (shopify, woocommerce, youzan, doudian, wxshop) or a live room (bilibili, oba);
      prints the webhook URL to paste into the shop's admin
  livedeck sources list [--json] [--db FILE]
      each source's light, events, deliveries waiting and failed (never a secret)
  livedeck sources remove ID [--db FILE]
  livedeck sources replay ID [--db FILE]
      map a shop's stored deliveries again (after a fix); duplicates count once`;

export interface SourcesCliOptions {
  dbFile: string;
  json?: boolean;
  /** The flags of `add`, by config field. */
  fields: Record<string, string | undefined>;
  now?: () => number;
}

const usage = (message: string): number => {
  console.error(`${message}\n\n${SOURCES_USAGE}`);
  return 2;
};

const when = (t: number | null, now: number): string => {
  if (t === null) return '—';
  const sec = Math.round((now - t) / 1000);
  return sec < 60 ? `${sec}s ago` : sec < 3600 ? `${Math.round(sec / 60)}m ago` : new Date(t).toLocaleString('zh-CN', { hour12: false });
};

const lights: Record<SourceStatus['state'], string> = { connected: '● connected', waiting: '○ waiting', error: '✕ error', disabled: '– disabled' };

/** The sources as a table for a terminal. */
export function formatSourcesTable(statuses: readonly SourceStatus[], now: number): string {
  if (statuses.length === 0) return 'No sources yet. Add one: livedeck sources add shopify --id my-shop --secret …';
  const rows = [['ID', 'KIND', 'PLATFORM', 'STATE', 'LAST EVENT', 'EV/1M', 'DELIVERIES', 'WAITING', 'FAILED', 'DUPLICATES', 'BAD SIG']];
  for (const s of statuses) {
    rows.push(
      [
        s.id,
        s.kind,
        s.platform,
        lights[s.state],
        when(s.lastEventAt, now),
        String(s.events1m),
        String(s.deliveries),
        String(s.waiting),
        String(s.mappingErrors),
        String(s.duplicates),
        String(s.badSignatures),
      ].map(printable),
    );
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  for (const s of statuses) if (s.lastError) lines.push(`  ${s.id}: ${printable(s.lastError)}`);
  return lines.join('\n');
}

export async function sourcesCommand(positionals: string[], options: SourcesCliOptions): Promise<number> {
  const [verb, arg] = positionals;
  const now = options.now ?? Date.now;
  if (!verb) return usage('Which? livedeck sources add|list|remove|replay');
  const db = openDb(options.dbFile);
  try {
    const registry = createRegistry(db, now);
    switch (verb) {
      case 'add': {
        if (!arg) return usage('Which kind? livedeck sources add KIND --id ID …');
        const input = Object.fromEntries(Object.entries({ kind: arg, ...options.fields }).filter(([, v]) => v !== undefined));
        const parsed = sourceSchemas['source.add'].safeParse(input);
        if (!parsed.success) return usage(formatIssues('sources add', parsed.error));
        const r = registry.add(parsed.data);
        if (!r.ok) {
          console.error(r.error.message);
          return 1;
        }
        createRepository(db).audit(now(), 'cli', 'source.add', { id: r.config.id, kind: r.config.kind, platform: r.config.platform });
        console.log(`Added ${r.config.kind} source “${r.config.id}” (platform ${r.config.platform}).`);
        if (isHookKind(r.config.kind)) {
          const host = lanAddresses()[0] ?? '127.0.0.1';
          console.log(`Paste this webhook URL into the shop's admin (5170, or the port your hub listens on):`);
          console.log(`  http://${host}:5170/hooks/${r.config.id}`);
        }
        return 0;
      }
      case 'list': {
        const counters = countersFromDb(db, now());
        const statuses = registry.list().map((s) => statusOf(s, counters.get(s.id) ?? emptyCounters(), now()));
        console.log(options.json ? JSON.stringify(statuses, null, 2) : formatSourcesTable(statuses, now()));
        return 0;
      }
      case 'remove': {
        if (!arg) return usage('Which source? livedeck sources remove ID');
        const r = registry.remove(arg);
        if (!r.ok) {
          console.error(r.error.message);
          return 1;
        }
        createRepository(db).audit(now(), 'cli', 'source.remove', { id: arg });
        console.log(`Removed source “${arg}”. Its events stay in their shows.`);
        return 0;
      }
      case 'replay': {
        if (!arg) return usage('Which source? livedeck sources replay ID');
        if (!registry.get(arg)) {
          console.error(`No source “${arg}”.`);
          return 1;
        }
        const n = queueReplay(db, arg);
        createRepository(db).audit(now(), 'cli', 'source.replay', { id: arg, deliveries: n });
        console.log(`${n} deliveries of “${arg}” queued; the hub maps them within a second (or when it next starts).`);
        return 0;
      }
      default:
        return usage(`Unknown: sources ${verb}.`);
    }
  } finally {
    db.close();
  }
}
