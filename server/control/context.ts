/** What every control handler may use: the store, the writer, the live model, the clock, the connectors, OBS. */
import type { AppError, ConnectorCommand, ControlAck, ControlAction, ControlInput, LiveEvent } from '../protocol/index.js';
import type { Writer } from '../ingest/index.js';
import type { LiveModel } from '../live/index.js';
import type { ObsLink } from '../obs/index.js';
import type { Repository } from '../store/index.js';
import type { Sources } from '../sources/index.js';
import type { Moderation } from './moderation.js';

export interface HubContext {
  repo: Repository;
  writer: Writer;
  live: LiveModel;
  now: () => number;
  /** Sends a command to every connected connector. */
  command: (cmd: ConnectorCommand) => void;
  /** Commits control-room events (item.live, deal.started, ...) through the one writer; throws {@link RecordRefused} when the store refuses. */
  record: (events: LiveEvent[]) => Promise<void>;
  /** Reloads the live model from the store for the live session (after start/end). */
  reloadLive: () => void;
  /** Replaces a role's token (kept beside the database) and disconnects its old sessions. */
  rotateToken: (role: 'ingest' | 'operator' | 'viewer') => string;
  /** A fresh id for an event the hub itself records. */
  newEventId: (prefix: string) => string;
  /** The optional link to OBS; Go switches its scene when the item names one. */
  obs: ObsLink;
  /** The studio's default brand floor as a fraction of list price; null: none (products' own floors only). */
  floorRatio: number | null;
  /** The pinned comment and the blocked words. */
  moderation: Moderation;
  /** Told when a show ends (the hub starts computing its recap in the background). */
  sessionEnded?: (sessionId: number) => void;
  /** The shops and live rooms (DESIGN §11); absent in a hub built without them. */
  sources?: Sources;
}

export interface Caller {
  /** Who acted, for the audit log and claimed cards. */
  actor: string;
}

/** A handler gets the parts of the hub it uses (`D`, a slice of {@link HubContext}); the whole by default. */
export type Handler<A extends ControlAction, D = HubContext> = (input: ControlInput<A>, ctx: D, caller: Caller) => ControlAck<A> | Promise<ControlAck<A>>;

/** A domain's handlers; `D` names what they use, e.g. `Pick<HubContext, 'repo' | 'now'>`. */
export type Handlers<K extends ControlAction, D = HubContext> = { [A in K]: Handler<A, D> };

/**
 * The store refused to commit a handler's events (a read-only or full disk): nothing was recorded. The
 * dispatcher answers its code (`store_unavailable`) rather than `internal`, so the operator sees why.
 */
export class RecordRefused extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

export const fail = (code: string, message: string): { ok: false; error: AppError } => ({ ok: false, error: { code, message } });
