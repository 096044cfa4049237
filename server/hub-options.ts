/** What a hub is built from (`createHub`); every field but the database has a default. */
import type { ObsConfig } from './obs/index.js';
import type { ReceiveHook } from './sources/types.js';
import type { Db, RecapCacheLimits } from './store/index.js';
import type { Tokens } from './http/auth.js';

export interface HubOptions {
  /** The studio's SQLite file (or an open database). */
  db: string | Db;
  /** Clock, epoch ms; tests may pass their own. */
  now?: () => number;
  /** Role tokens; by default from the environment or generated beside the database. */
  tokens?: Tokens;
  /** The built renderer to serve, or null. */
  staticDir?: string | null;
  /**
   * How often the hub looks for changes to push (ms; at most 250). A tick goes out only when
   * something changed (else once a second), so screens get at most 1000 / tickMs pushes a second
   * whatever the event rate, and an event reaches them within about this long. Default 25 (or
   * LIVEDECK_TICK_MS): the wait for the next tick is most of an event's way to a screen.
   */
  tickMs?: number;
  /** OBS to drive at start; by default from LIVEDECK_OBS_URL / LIVEDECK_OBS_PASSWORD, null for none. */
  obs?: ObsConfig | null;
  /**
   * Start the recap worker shortly after start-up rather than at the first recap (the studio does;
   * tests with many short-lived hubs do not want a worker each).
   */
  prepareRecaps?: boolean;
  /**
   * Host names the hub answers to besides loopback, the address it listens on and its LAN addresses
   * (a reverse proxy's name); default from LIVEDECK_ALLOWED_HOSTS (comma-separated).
   */
  allowedHosts?: string[];
  /**
   * The studio's default brand floor as a fraction of list price, for products without their own
   * 品牌底价; null (the default) is none. Default from LIVEDECK_FLOOR_RATIO (e.g. 0.3).
   */
  floorRatio?: number | null;
  /**
   * Take webhook deliveries from a public `livedeck relay` (DESIGN §11): its URL and relay token.
   * `receive` is the webhook entry deliveries go to (by default the hub's own, as `POST /hooks/:sourceId`).
   */
  relay?: { url: string; token: string; receive?: ReceiveHook };
  /** Per-address caps and the body deadline (defaults below and `BODY_TIMEOUT_MS`); tests shrink them. */
  limits?: {
    connectionsPerAddress?: number;
    requestsPerAddress?: number;
    bodyTimeoutMs?: number;
    /** Bytes of kept recaps per show and in total (see `putCachedRecap`). */
    recapCache?: RecapCacheLimits;
    /** Heap of the recap worker, MB (see `createRecapRunner`). */
    recapHeapMb?: number;
    /** First wait before a shop delivery whose mapping may work later is tried again (see server/sources/inbox.ts). */
    sourceRetryBaseMs?: number;
  };
  /** What shop adapters use to ask an order-detail API (抖店, 微信小店); tests answer locally. */
  sourcesFetch?: typeof fetch;
}

/** Open connections one address may hold (screens, connectors and tests on one machine stay far under). */
export const MAX_CONNECTIONS_PER_ADDRESS = 512;
/** HTTP requests one address may have in progress at once. */
export const MAX_REQUESTS_PER_ADDRESS = 64;

/** LIVEDECK_FLOOR_RATIO as a fraction in (0, 1], or null when unset or not one (no studio floor). */
export function studioFloorRatioFromEnv(): number | null {
  const ratio = Number(process.env.LIVEDECK_FLOOR_RATIO);
  return process.env.LIVEDECK_FLOOR_RATIO && ratio > 0 && ratio <= 1 ? ratio : null;
}
