/**
 * The one live feed from the hub: it owns the window's one Socket.IO connection, its state as people
 * should see it, and the one estimate of the hub's clock ({@link hubNow}). Stores bind their own slice
 * of the pushes with {@link listen} and act with {@link send}; no store reaches the socket, and no
 * store reads another store to learn what the hub said.
 *
 * Listeners are kept here, not on the socket, so they survive the socket being swapped (a viewer
 * token falls back from `/control` to `/view`). A store that needs the first snapshot (the catalog,
 * the run-sheet and the comment feed come only in snapshots and changes) must be created before
 * {@link startFeed}: main.ts creates the live stores first.
 */
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { ControlAck, ControlAction, ControlPayload, ViewServerToClient } from '@protocol';
import { errorText, i18n } from '../i18n';
import { notifyError } from '../ui/feedback';
import { openSocket, resolveConnection, sendAction, type Channel, type ConnectionInfo, type ControlSocket, type LiveSocket } from './hub';

export type { Channel, ConnectionInfo } from './hub';
export type FeedStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stale' | 'unauthorized' | 'no-token';
/** What the hub pushes to every window, by event name (`snapshot`, `tick`). */
export type FeedEvent = keyof ViewServerToClient;
export type FeedHandler<E extends FeedEvent> = ViewServerToClient[E];

/** No push for this long and the screen says its numbers are stale (the hub pushes at least once a second). */
export const STALE_AFTER_MS = 3000;
/** Clock samples kept for the offset estimate (pushes come 1–25 a second). */
const CLOCK_SAMPLES = 40;
const NAME_KEY = 'livedeck.name';

function defaultName(): string {
  const kept = localStorage.getItem(NAME_KEY);
  if (kept) return kept;
  const name = `${i18n.global.t('top.defaultName')}-${Math.random().toString(36).slice(2, 6)}`;
  localStorage.setItem(NAME_KEY, name);
  return name;
}

/** What the connection badge shows. `stale` = connected but no push for {@link STALE_AFTER_MS}. */
export const status = ref<FeedStatus>('idle');
/** `control` when our token may act, `view` when it may only watch. */
export const channel = ref<Channel | null>(null);
/** Where the hub is and our token (null until resolved, or when none was given). */
export const info = shallowRef<ConnectionInfo | null>(null);
/** Shown on claimed cards and in the audit log. */
export const deskName = ref(defaultName());
/** How many times we came back after losing the hub. */
export const reconnects = ref(0);
/** Client clock (ms) when the last snapshot or tick arrived. */
export const lastPushAt = ref<number | null>(null);
/** The hub's clock stamped on the last push (epoch ms; 0 before any): what live figures were computed at. */
export const pushedHubAt = ref(0);

/** True when this window may act: an operator channel, up or only quiet. */
export const canControl = computed(() => channel.value === 'control' && (status.value === 'live' || status.value === 'stale'));

let socket: LiveSocket | null = null;
let staleTimer: ReturnType<typeof setInterval> | null = null;
let resolved!: () => void;
const ready = new Promise<void>((r) => (resolved = r));

/**
 * Hub clock − client clock. Each push says when the hub sent it and arrived at least that late, so
 * the largest recent `serverNow − arrival` is the estimate with the least network delay in it.
 */
let offsetMs = 0;
const samples: number[] = [];

/** The hub's clock at client time `clientNow`, as best we know it: timers and countdowns use this. */
export function hubNow(clientNow = Date.now()): number {
  return clientNow + offsetMs;
}

/** The client's clock when the hub's clock reads `hubMs` (the inverse of {@link hubNow}). */
export function clientTimeAt(hubMs: number): number {
  return hubMs - offsetMs;
}

/** Takes one push's stamp: the clock estimate, freshness and the badge. */
function onPush(serverNow: number): void {
  const t = Date.now();
  samples.push(serverNow - t);
  if (samples.length > CLOCK_SAMPLES) samples.shift();
  offsetMs = Math.max(...samples);
  lastPushAt.value = t;
  pushedHubAt.value = serverNow;
  if (status.value === 'stale' || status.value === 'connecting' || status.value === 'reconnecting') status.value = 'live';
}

const handlers: { [E in FeedEvent]: Set<FeedHandler<E>> } = { snapshot: new Set(), tick: new Set() };

/**
 * Calls `handler` with every `event` the hub pushes, on whichever channel this window holds; returns
 * the function that stops it.
 */
export function listen<E extends FeedEvent>(event: E, handler: FeedHandler<E>): () => void {
  const set = handlers[event] as Set<FeedHandler<E>>;
  set.add(handler);
  return () => void set.delete(handler);
}

function dispatch<E extends FeedEvent>(event: E, payload: Parameters<FeedHandler<E>>[0]): void {
  onPush(payload.serverNow);
  for (const h of handlers[event]) (h as (p: typeof payload) => void)(payload);
}

/** Asks the hub for a fresh snapshot (after pushes were missed). */
export function requestSnapshot(): void {
  const emitter: { emit(event: 'snapshot.request'): unknown } | null = socket;
  emitter?.emit('snapshot.request');
}

function attach(s: LiveSocket, ch: Channel, connection: ConnectionInfo): void {
  socket = markRaw(s);
  channel.value = ch;
  s.on('connect', () => {
    // Live only once the snapshot arrives (onPush); until then we are still catching up.
    if (status.value !== 'connecting') reconnects.value++;
  });
  s.on('disconnect', (reason) => {
    status.value = 'reconnecting';
    // Socket.IO does not retry by itself when the server closed the socket; a restarting hub may.
    if (reason === 'io server disconnect') setTimeout(() => s.connect(), 1000);
  });
  s.on('connect_error', (err: Error) => {
    if (ch === 'control' && /^forbidden/.test(err.message)) {
      // A viewer token: this window watches, it cannot act.
      s.removeAllListeners();
      s.close();
      attach(openSocket(connection, 'view', deskName.value), 'view', connection);
      return;
    }
    if (!s.active) status.value = 'unauthorized';
    else if (status.value !== 'connecting') status.value = 'reconnecting';
  });
  s.on('snapshot', (snap) => dispatch('snapshot', snap));
  s.on('tick', (tick) => dispatch('tick', tick));
}

/** Resolves once we know the hub and token (or know there is no token): for pages that fetch over HTTP. */
export function whenResolved(): Promise<void> {
  return ready;
}

/** Resolves the hub and token, opens the channel and starts watching freshness. Idempotent. */
export async function startFeed(preferred: Channel = 'control'): Promise<void> {
  if (status.value !== 'idle') return;
  status.value = 'connecting';
  const connection = await resolveConnection().catch(() => null);
  if (!connection) {
    status.value = 'no-token';
    resolved();
    return;
  }
  info.value = connection;
  resolved();
  const first: Channel = connection.role === 'prompter' || connection.role === 'screen' ? 'view' : preferred;
  attach(openSocket(connection, first, deskName.value), first, connection);
  staleTimer = setInterval(() => {
    if (status.value === 'live' && lastPushAt.value !== null && Date.now() - lastPushAt.value > STALE_AFTER_MS) status.value = 'stale';
  }, 500);
}

/** Closes the socket (tests, page unload); listeners stay for the next start. */
export function stopFeed(): void {
  if (staleTimer) clearInterval(staleTimer);
  staleTimer = null;
  socket?.removeAllListeners();
  socket?.close();
  socket = null;
  status.value = 'idle';
}

/** Renames this desk; reconnects so the hub records the new name. */
export function setDeskName(next: string): void {
  const trimmed = next.trim().slice(0, 40);
  if (!trimmed || trimmed === deskName.value) return;
  deskName.value = trimmed;
  localStorage.setItem(NAME_KEY, trimmed);
  if (socket && info.value) {
    socket.auth = { token: info.value.token, name: trimmed };
    socket.disconnect().connect();
  }
}

/**
 * Sends a control action, typed by the protocol's control map. Never throws: failures (a refusal,
 * a timeout, being read-only or offline) come back as the `{ ok: false }` ack, worded for people in
 * the UI's language and shown unless `quiet`.
 */
export async function send<A extends ControlAction>(action: A, payload: ControlPayload<A>, options: { quiet?: boolean } = {}): Promise<ControlAck<A>> {
  const t = i18n.global.t;
  let ack: ControlAck<A>;
  if (!socket || channel.value !== 'control') ack = { ok: false, error: { code: 'read_only', message: t('errors.readOnly') } };
  else ack = await sendAction(socket as ControlSocket, action, payload);
  if (!ack.ok) {
    if (ack.error.code === 'timeout') ack.error.message = t('errors.timeout');
    else if (ack.error.code === 'offline') ack.error.message = t('errors.offline');
    // The hub sends codes; the words for people are the UI's, in its language, where it has them.
    else ack.error.message = errorText(ack.error.code, ack.error.message);
    if (!options.quiet) notifyError(ack.error.message);
  }
  return ack;
}

/** The hub and token once resolved; throws the no-token sentence when this tab has none. */
export async function connectionInfo(): Promise<ConnectionInfo> {
  await ready;
  if (!info.value) throw new Error(i18n.global.t('conn.noTokenBanner'));
  return info.value;
}
