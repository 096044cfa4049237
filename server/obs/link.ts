/**
 * The optional link to OBS (obs-websocket v5, JSON subprotocol). Go on a run-sheet row names a scene;
 * the link switches OBS to it. OBS is a guest in the control room: when it is away, mistyped or slow,
 * the link says so in its status and in the answer to `switchScene`, and never throws.
 */
import { EventSubscription, OBSWebSocket, OBSWebSocketError } from 'obs-websocket-js/json';
import type { AppError } from '../protocol/index.js';

/** Where OBS listens; the password is kept in memory only, never logged or audited. */
export interface ObsConfig {
  url: string;
  password?: string;
}

export interface ObsStatus {
  /** An address is set: the link connects, and reconnects by itself while it stays set. */
  configured: boolean;
  /** Connected and identified: scene switches go through. */
  connected: boolean;
  /** Why the last attempt or request failed, for people; null once connected again. */
  lastError: string | null;
  /** OBS's program scene as last seen, or null when unknown. */
  currentScene: string | null;
}

export type ObsSwitchResult = { ok: true } | { ok: false; error: AppError };

export interface ObsLogger {
  info?(message: string): void;
  warn(message: string): void;
}

export interface ObsLinkOptions {
  /** Where connection changes go (default: console, prefixed). */
  logger?: ObsLogger;
  /** Called whenever the status changes, e.g. to light a lamp on every screen. */
  onStatus?: (status: ObsStatus) => void;
  /** First reconnect delay; doubles on each further failure (default 250 ms). */
  retryBaseMs?: number;
  /** Longest reconnect delay (default 5 s). */
  retryMaxMs?: number;
  /** How long `configure` waits for the first attempt (default 3 s). */
  configureWaitMs?: number;
  /** How long a connection attempt or a request may take (default 3 s). */
  timeoutMs?: number;
}

export type ObsLink = ReturnType<typeof createObsLink>;

const defaultLogger: ObsLogger = { info: (m) => console.log(`[livedeck obs] ${m}`), warn: (m) => console.warn(`[livedeck obs] ${m}`) };

/** obs-websocket close codes after which retrying with the same settings cannot help. */
const AUTHENTICATION_FAILED = 4009;
const UNSUPPORTED_RPC_VERSION = 4010;
/** obs-websocket request status: the named resource (here, the scene) does not exist. */
const RESOURCE_NOT_FOUND = 600;

/** The OBS address from `LIVEDECK_OBS_URL` / `LIVEDECK_OBS_PASSWORD`, or null when unset or not ws(s)://. */
export function obsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ObsConfig | null {
  const url = env.LIVEDECK_OBS_URL?.trim();
  if (!url || !/^wss?:\/\//i.test(url)) return null;
  return env.LIVEDECK_OBS_PASSWORD ? { url, password: env.LIVEDECK_OBS_PASSWORD } : { url };
}

/** host:port only: a URL may carry credentials, and logs must not. */
function where(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return 'OBS';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new OBSWebSocketError(-1, message)), ms)))]).finally(() => clearTimeout(timer));
}

/** A sentence for people about why a connection attempt failed. */
function describe(err: unknown, url: string): string {
  const code = err instanceof OBSWebSocketError ? err.code : undefined;
  const message = (err as Error)?.message || '';
  if (code === AUTHENTICATION_FAILED) return `OBS at ${where(url)} refused the password (authentication failed); check it in OBS → Tools → WebSocket Server Settings.`;
  if (code === UNSUPPORTED_RPC_VERSION) return `OBS at ${where(url)} speaks an unsupported obs-websocket version; LiveDeck needs obs-websocket 5.`;
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/.test(message))
    return `OBS is not reachable at ${where(url)} (${message.replace(/^connect\s+/, '')}); is OBS running with its WebSocket server on?`;
  if (message) return `OBS at ${where(url)}: ${message}`;
  return `OBS at ${where(url)} closed the connection${code && code > 0 ? ` (code ${code})` : ''}.`;
}

/**
 * Creates an unconfigured link. `configure` points it at OBS (or away from it); from then on it keeps
 * the connection up by itself, backing off between attempts, until configured to null or closed.
 */
export function createObsLink(options: ObsLinkOptions = {}) {
  const logger = options.logger ?? defaultLogger;
  const retryBaseMs = options.retryBaseMs ?? 250;
  const retryMaxMs = options.retryMaxMs ?? 5_000;
  const configureWaitMs = options.configureWaitMs ?? 3_000;
  const timeoutMs = options.timeoutMs ?? 3_000;

  let config: ObsConfig | null = null;
  /** Bumped on every configure and on close, so a late answer from an old attempt changes nothing. */
  let generation = 0;
  let socket: OBSWebSocket | null = null;
  let connected = false;
  let lastError: string | null = null;
  let currentScene: string | null = null;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  /** Resolved when an attempt settles (connected or failed); `configure` waits on the first. */
  let settled: (() => void)[] = [];

  function status(): ObsStatus {
    return { configured: config !== null, connected, lastError, currentScene };
  }

  function changed(): void {
    options.onStatus?.(status());
  }

  function settle(): void {
    const waiting = settled;
    settled = [];
    for (const resolve of waiting) resolve();
  }

  function stopRetrying(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  }

  function drop(old: OBSWebSocket | null): void {
    if (!old) return;
    old.removeAllListeners();
    // disconnect() waits for a close that a half-open socket may never send; nobody waits on it.
    void withTimeout(old.disconnect(), timeoutMs, 'disconnect timed out').catch(() => undefined);
  }

  function scheduleRetry(gen: number): void {
    if (gen !== generation || closed || !config) return;
    stopRetrying();
    const delay = Math.min(retryBaseMs * 2 ** Math.min(failures, 16), retryMaxMs);
    failures++;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void attempt(gen);
    }, delay);
    retryTimer.unref?.();
  }

  async function attempt(gen: number): Promise<void> {
    if (gen !== generation || !config) return;
    const { url, password } = config;
    const obs = new OBSWebSocket();
    socket = obs;
    try {
      await withTimeout(obs.connect(url, password, { eventSubscriptions: EventSubscription.Scenes }), timeoutMs, `no answer within ${timeoutMs / 1000} s`);
    } catch (err) {
      if (gen !== generation) return;
      drop(obs);
      socket = null;
      const why = describe(err, url);
      const code = err instanceof OBSWebSocketError ? err.code : undefined;
      if (why !== lastError) logger.warn(why);
      lastError = why;
      // A wrong password stays wrong: wait for the operator to configure again.
      if (code !== AUTHENTICATION_FAILED && code !== UNSUPPORTED_RPC_VERSION) scheduleRetry(gen);
      changed();
      settle();
      return;
    }
    if (gen !== generation) return drop(obs);
    connected = true;
    failures = 0;
    lastError = null;
    logger.info?.(`connected to OBS at ${where(url)}`);
    obs.on('ConnectionClosed', (err) => {
      if (gen !== generation || socket !== obs) return;
      connected = false;
      socket = null;
      lastError = describe(err, url);
      logger.warn(`lost OBS: ${lastError} Reconnecting…`);
      scheduleRetry(gen);
      changed();
    });
    obs.on('CurrentProgramSceneChanged', ({ sceneName }) => {
      currentScene = sceneName;
      changed();
    });
    try {
      const scene = await withTimeout(obs.call('GetCurrentProgramScene'), timeoutMs, 'no answer');
      if (gen === generation) currentScene = scene.sceneName ?? scene.currentProgramSceneName ?? null;
    } catch {
      // Knowing the scene is a nicety; the connection is what matters.
    }
    changed();
    settle();
  }

  return {
    status,
    /**
     * Points the link at OBS and resolves with its status once the first attempt settles (at most
     * ~3 s); null disconnects and stops reconnecting.
     */
    async configure(next: ObsConfig | null): Promise<ObsStatus> {
      if (closed) return status();
      generation++;
      stopRetrying();
      drop(socket);
      socket = null;
      connected = false;
      lastError = null;
      currentScene = null;
      failures = 0;
      config = next;
      settle();
      if (!next) {
        changed();
        return status();
      }
      const first = new Promise<void>((resolve) => settled.push(resolve));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, configureWaitMs)));
      void attempt(generation);
      await Promise.race([first, waited]);
      clearTimeout(timer);
      return status();
    },
    /** Switches OBS's program scene. Answers an error value, never throws. */
    async switchScene(sceneName: string): Promise<ObsSwitchResult> {
      if (!config) return { ok: false, error: { code: 'obs_not_configured', message: 'No OBS is configured; set its address first.' } };
      const obs = socket;
      if (!obs || !connected) {
        const why = lastError ? ` ${lastError}` : '';
        return { ok: false, error: { code: 'obs_offline', message: `OBS is not connected, so the scene “${sceneName}” was not switched.${why}` } };
      }
      try {
        // A request in flight when the socket drops is never answered: the timeout ends the wait.
        await withTimeout(obs.call('SetCurrentProgramScene', { sceneName }), timeoutMs, `OBS did not answer within ${timeoutMs / 1000} s`);
        currentScene = sceneName;
        changed();
        return { ok: true };
      } catch (err) {
        const code = err instanceof OBSWebSocketError ? err.code : undefined;
        const error =
          code === RESOURCE_NOT_FOUND
            ? { code: 'obs_unknown_scene', message: `OBS has no scene named “${sceneName}”.` }
            : { code: 'obs_refused', message: `OBS did not switch to “${sceneName}”: ${(err as Error)?.message || 'no reason given'}` };
        logger.warn(error.message);
        return { ok: false, error };
      }
    },
    /** Disconnects for good. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      generation++;
      stopRetrying();
      const old = socket;
      socket = null;
      connected = false;
      settle();
      if (!old) return;
      old.removeAllListeners();
      await withTimeout(old.disconnect(), timeoutMs, 'disconnect timed out').catch(() => undefined);
    },
  };
}
