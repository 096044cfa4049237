/**
 * Sources (DESIGN §11) as the protocol carries them: the payloads of `source.add|update|remove` (and
 * `source.replay`, `source.list`), and the status line every screen shows per source. Secrets go in
 * and never come out: no schema here has a place for one on the way back.
 */
import { z } from 'zod';
import { sourceKinds, type SourceKind } from '../sources/types.js';
import { platformSchema } from './events.js';

/** A source id: the last part of its webhook URL (`/hooks/<id>`). */
export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const sourceIdSchema = z.string().trim().regex(SOURCE_ID_PATTERN, 'an id is 1–40 lower-case letters, digits, "-" or "_", starting with a letter or digit (it becomes /hooks/<id>)');

const field = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `is at most ${max} characters`);
const address = z
  .string()
  .trim()
  .max(500, 'is at most 500 characters')
  .regex(/^(https?|wss?):\/\/[^\s/]+/i, 'must be an http(s):// or ws(s):// address');

/** The configurable fields of a source (all optional here; each kind's `needs` says which it must have). */
export const sourceFields = {
  platform: platformSchema.optional(),
  secret: field(512).optional(),
  appKey: field(256).optional(),
  token: field(512).optional(),
  aesKey: field(64).optional(),
  appId: field(256).optional(),
  room: field(64).optional(),
  cookie: field(8192).optional(),
  url: address.optional(),
  apiUrl: address.optional(),
  enabled: z.boolean().optional(),
};

export const sourceKindSchema = z.enum(sourceKinds, { error: `must be one of ${sourceKinds.join(', ')}` });

export const sourceSchemas = {
  /** Adds a source; `platform` defaults to the kind. */
  'source.add': z.object({ kind: sourceKindSchema, id: sourceIdSchema, ...sourceFields }),
  /** Changes a source: a field left out keeps its value (so a secret need not be typed again). */
  'source.update': z.object({ id: sourceIdSchema, kind: sourceKindSchema.optional(), ...sourceFields }),
  'source.remove': z.object({ id: sourceIdSchema }),
  /** Maps a source's stored deliveries again (after a mapping fix); duplicates count once. */
  'source.replay': z.object({ id: sourceIdSchema }),
  /** The sources with their settings, secrets left out (for the 数据源 panel's forms). */
  'source.list': z.object({}).default({}),
} as const;

/** The light on the 数据源 panel. */
export type SourceState = 'connected' | 'waiting' | 'error' | 'disabled';

/** One source's line on `GET /api/sources` and in the live snapshot (DESIGN §11). */
export interface SourceStatus {
  id: string;
  kind: SourceKind;
  platform: string;
  state: SourceState;
  /** When its last event was stored (epoch ms), or null. */
  lastEventAt: number | null;
  /** Events stored in the last minute. */
  events1m: number;
  /** Verified deliveries stored (webhooks); 0 for live rooms. */
  deliveries: number;
  /** Deliveries the platform sent again (counted once). */
  duplicates: number;
  /** Requests refused for a bad or missing signature. */
  badSignatures: number;
  /** Deliveries kept, unmapped, with their error (until a fix and a replay). */
  mappingErrors: number;
  /** What went wrong last, a sentence without secrets, or null. */
  lastError: string | null;
  /** Deliveries stored and not mapped yet (being tried, or waiting to be tried again). */
  waiting: number;
}

/** A source's settings as the panel's edit form sees them: which secrets are set, never their values. */
export interface SourceSettings {
  id: string;
  kind: SourceKind;
  platform: string;
  enabled: boolean;
  appKey?: string;
  appId?: string;
  room?: string;
  url?: string;
  apiUrl?: string;
  /** Secret fields that hold a value (shown as “已保存”). */
  secretsSet: string[];
  /** The path a shop posts to: `/hooks/<id>` (webhook kinds). */
  hookPath: string | null;
}

/** A kind this hub has an adapter for, and the fields its form asks for. */
export interface SourceKindInfo {
  kind: SourceKind;
  needs: string[];
  /** Fields it may take besides, offered as optional. */
  may: string[];
  /** A shop that posts to `/hooks/<id>` (else a live room LiveDeck connects to). */
  webhook: boolean;
}
