/**
 * The sources registry (DESIGN §11): the `sources` table, its checks, and the one in-memory copy the
 * webhook door reads on every request. The CLI uses it on a database file with no hub running; the
 * hub keeps one per process and reloads it when another process wrote the file.
 */
import type { Db } from '../store/index.js';
import { sourceSchemas, type AppError, type SourceSettings } from '../protocol/index.js';
import type { z } from 'zod';
import { hookAdapters, roomAdapters } from './kinds.js';
import { hookKinds, secretFields, type HookKind, type SourceConfig, type SourceKind } from './types.js';

export type SourceAddInput = z.output<(typeof sourceSchemas)['source.add']>;
export type SourceUpdateInput = z.output<(typeof sourceSchemas)['source.update']>;

type Result<T> = ({ ok: true } & T) | { ok: false; error: AppError };

/** How each config field is spelled on the command line. */
export const cliFlags: Record<keyof SourceConfig, string> = {
  id: '--id',
  kind: 'KIND',
  platform: '--platform',
  secret: '--secret',
  appKey: '--app-key',
  token: '--token',
  aesKey: '--aes-key',
  appId: '--app-id',
  room: '--room',
  cookie: '--cookie',
  url: '--url',
  apiUrl: '--api-url',
  enabled: '--enabled',
};

/** The config fields kept in the `config` JSON (id, kind, platform and enabled have columns). */
const configFields = ['secret', 'appKey', 'token', 'aesKey', 'appId', 'room', 'cookie', 'url', 'apiUrl'] as const;

export const isHookKind = (kind: string): kind is HookKind => (hookKinds as readonly string[]).includes(kind);

/** The fields a kind must have, or null when this build has no adapter for it. */
export function needsOf(kind: SourceKind): readonly (keyof SourceConfig)[] | null {
  const adapter = isHookKind(kind) ? hookAdapters[kind] : roomAdapters[kind];
  return adapter ? adapter.needs : null;
}

/** The fields a kind may take besides what it needs (the form offers them as optional). */
export function mayOf(kind: SourceKind): readonly (keyof SourceConfig)[] {
  const adapter = isHookKind(kind) ? hookAdapters[kind] : roomAdapters[kind];
  return adapter?.may ?? [];
}

/** Why a config cannot be kept, or null. */
export function checkConfig(config: SourceConfig): AppError | null {
  const needs = needsOf(config.kind);
  if (!needs) return { code: 'unsupported_kind', message: `This LiveDeck has no “${config.kind}” adapter yet.` };
  const missing = needs.filter((f) => config[f] === undefined || config[f] === '');
  if (missing.length) {
    return {
      code: 'missing_field',
      message: `A ${config.kind} source needs ${missing.map((f) => `${f} (${cliFlags[f]})`).join(', ')}.`,
    };
  }
  return null;
}

/** What a panel may show of a source: everything but its secrets' values. */
export function settingsOf(config: SourceConfig): SourceSettings {
  const shown: SourceSettings = {
    id: config.id,
    kind: config.kind,
    platform: config.platform,
    enabled: config.enabled,
    secretsSet: secretFields.filter((f) => !!config[f]),
    hookPath: isHookKind(config.kind) ? `/hooks/${config.id}` : null,
  };
  for (const f of ['appKey', 'appId', 'room', 'url', 'apiUrl'] as const) if (config[f]) shown[f] = config[f];
  return shown;
}

interface SourceRow {
  id: string;
  kind: string;
  platform: string;
  config: string;
  enabled: number;
}

const fromRow = (row: SourceRow): SourceConfig => ({
  ...(JSON.parse(row.config) as Partial<SourceConfig>),
  id: row.id,
  kind: row.kind as SourceKind,
  platform: row.platform,
  enabled: row.enabled === 1,
});

export type Registry = ReturnType<typeof createRegistry>;

export function createRegistry(db: Db, now: () => number = Date.now) {
  const s = {
    all: db.prepare('SELECT id, kind, platform, config, enabled FROM sources ORDER BY created_at, id'),
    insert: db.prepare('INSERT INTO sources (id, kind, platform, config, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    update: db.prepare('UPDATE sources SET kind = ?, platform = ?, config = ?, enabled = ?, updated_at = ?, last_error = NULL WHERE id = ?'),
    remove: db.prepare('DELETE FROM sources WHERE id = ?'),
    removeDeliveries: db.prepare('DELETE FROM source_deliveries WHERE source_id = ?'),
  };
  let byId = new Map<string, SourceConfig>();

  function reload(): void {
    byId = new Map((s.all.all() as SourceRow[]).map((r) => [r.id, fromRow(r)]));
  }
  reload();

  const configJson = (c: SourceConfig) => JSON.stringify(Object.fromEntries(configFields.filter((f) => c[f] !== undefined).map((f) => [f, c[f]])));

  return {
    reload,
    get(id: string): SourceConfig | undefined {
      return byId.get(id);
    },
    list(): SourceConfig[] {
      return [...byId.values()];
    },
    add(input: SourceAddInput): Result<{ config: SourceConfig }> {
      reload();
      if (byId.has(input.id)) return { ok: false, error: { code: 'exists', message: `There is already a source “${input.id}”; pick another id or update that one.` } };
      const { enabled, ...rest } = input;
      const config: SourceConfig = { ...rest, platform: input.platform ?? input.kind, enabled: enabled ?? true };
      const why = checkConfig(config);
      if (why) return { ok: false, error: why };
      const t = now();
      s.insert.run(config.id, config.kind, config.platform, configJson(config), config.enabled ? 1 : 0, t, t);
      byId.set(config.id, config);
      return { ok: true, config };
    },
    update(input: SourceUpdateInput): Result<{ config: SourceConfig; before: SourceConfig }> {
      reload();
      const before = byId.get(input.id);
      if (!before) return { ok: false, error: { code: 'not_found', message: `No source “${input.id}”.` } };
      if (input.kind && input.kind !== before.kind) {
        return { ok: false, error: { code: 'kind_change', message: `Source “${input.id}” is a ${before.kind} source; remove it and add a ${input.kind} one instead.` } };
      }
      const config: SourceConfig = { ...before };
      for (const [k, v] of Object.entries(input)) if (v !== undefined && k !== 'kind') (config as unknown as Record<string, unknown>)[k] = v;
      const why = checkConfig(config);
      if (why) return { ok: false, error: why };
      s.update.run(config.kind, config.platform, configJson(config), config.enabled ? 1 : 0, now(), config.id);
      byId.set(config.id, config);
      return { ok: true, config, before };
    },
    /** Removes a source and its inbox (its mapped events stay in their shows). */
    remove(id: string): Result<{ config: SourceConfig }> {
      reload();
      const config = byId.get(id);
      if (!config) return { ok: false, error: { code: 'not_found', message: `No source “${id}”.` } };
      db.transaction(() => {
        s.removeDeliveries.run(id);
        s.remove.run(id);
      })();
      byId.delete(id);
      return { ok: true, config };
    },
  };
}
