/**
 * The connection to the hub: which channel (`/control` for operators, `/view` read-only), its state
 * as people should see it, and the socket itself. Every other store reaches the hub through here.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef, markRaw } from 'vue';
import type { ControlAck, ControlAction, ControlPayload } from '@protocol';
import { openSocket, resolveConnection, sendAction, type Channel, type ConnectionInfo, type ControlSocket, type LiveSocket } from '../api/hub';
import { errorText, i18n } from '../i18n';
import { notifyError } from '../ui/feedback';
import { useLiveStore } from './live';

export type ConnectionStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stale' | 'unauthorized' | 'no-token';

/** No tick for this long and the screen says its numbers are stale (the hub pushes at least once a second). */
export const STALE_AFTER_MS = 3000;
const NAME_KEY = 'livedeck.name';

function defaultName(): string {
  const kept = localStorage.getItem(NAME_KEY);
  if (kept) return kept;
  const name = `${i18n.global.t('top.defaultName')}-${Math.random().toString(36).slice(2, 6)}`;
  localStorage.setItem(NAME_KEY, name);
  return name;
}

export const useConnectionStore = defineStore('connection', () => {
  /** What the badge shows. `stale` = connected but no tick for {@link STALE_AFTER_MS}. */
  const status = ref<ConnectionStatus>('idle');
  /** `control` when our token may act, `view` when it may only watch. */
  const channel = ref<Channel | null>(null);
  /** Client clock (ms) when the last snapshot or tick arrived. */
  const lastTickAt = ref<number | null>(null);
  /** serverNow − client clock, from the last push: timers use the hub's clock. */
  const clockOffsetMs = ref(0);
  /** Shown on claimed cards and in the audit log. */
  const name = ref(defaultName());
  /** Where the hub is and our token (null until resolved, or when none was given). */
  const info = shallowRef<ConnectionInfo | null>(null);
  /** The one socket, kept raw (Socket.IO objects must not become reactive proxies). */
  const socket = shallowRef<LiveSocket | null>(null);
  /** How many times we came back after losing the hub. */
  const reconnects = ref(0);

  const canControl = computed(() => channel.value === 'control' && (status.value === 'live' || status.value === 'stale'));
  const isLive = computed(() => status.value === 'live');

  let staleTimer: ReturnType<typeof setInterval> | null = null;
  let resolved!: () => void;
  const ready = new Promise<void>((r) => (resolved = r));

  /** Resolves once we know the hub and token (or know there is no token): for pages that fetch over HTTP. */
  function whenResolved(): Promise<void> {
    return ready;
  }

  /** Marks a push from the hub: the screen is fresh again. */
  function touch(serverNow: number): void {
    const t = Date.now();
    lastTickAt.value = t;
    clockOffsetMs.value = serverNow - t;
    if (status.value === 'stale' || status.value === 'connecting' || status.value === 'reconnecting') status.value = 'live';
  }

  /** The hub's clock now, as best we know it. */
  function serverNow(): number {
    return Date.now() + clockOffsetMs.value;
  }

  function attach(s: LiveSocket, ch: Channel, connection: ConnectionInfo): void {
    socket.value = markRaw(s);
    channel.value = ch;
    s.on('connect', () => {
      // Live only once the snapshot arrives (touch); until then we are still catching up.
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
        attach(openSocket(connection, 'view', name.value), 'view', connection);
        return;
      }
      if (!s.active) status.value = 'unauthorized';
      else if (status.value !== 'connecting') status.value = 'reconnecting';
    });
    useLiveStore().subscribe(s);
  }

  /** Resolves the hub and token, opens the channel and starts watching freshness. Idempotent. */
  async function start(preferred: Channel = 'control'): Promise<void> {
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
    attach(openSocket(connection, first, name.value), first, connection);
    staleTimer = setInterval(() => {
      if (status.value === 'live' && lastTickAt.value !== null && Date.now() - lastTickAt.value > STALE_AFTER_MS) status.value = 'stale';
    }, 500);
  }

  /** Closes the socket (tests, page unload). */
  function stop(): void {
    if (staleTimer) clearInterval(staleTimer);
    staleTimer = null;
    socket.value?.removeAllListeners();
    socket.value?.close();
    socket.value = null;
    status.value = 'idle';
  }

  /** Renames this desk; reconnects so the hub records the new name. */
  function setName(next: string): void {
    const trimmed = next.trim().slice(0, 40);
    if (!trimmed || trimmed === name.value) return;
    name.value = trimmed;
    localStorage.setItem(NAME_KEY, trimmed);
    const s = socket.value;
    if (s && info.value) {
      s.auth = { token: info.value.token, name: trimmed };
      s.disconnect().connect();
    }
  }

  /**
   * Sends a control action. Failures (the hub's `error.message`, a timeout, being read-only or
   * offline) are shown to the user and come back as the `{ ok: false }` ack.
   */
  async function send<A extends ControlAction>(action: A, payload: ControlPayload<A>, options: { quiet?: boolean } = {}): Promise<ControlAck<A>> {
    const t = i18n.global.t;
    const s = socket.value;
    let ack: ControlAck<A>;
    if (!s || channel.value !== 'control') ack = { ok: false, error: { code: 'read_only', message: t('errors.readOnly') } };
    else ack = await sendAction(s as ControlSocket, action, payload);
    if (!ack.ok) {
      if (ack.error.code === 'timeout') ack.error.message = t('errors.timeout');
      else if (ack.error.code === 'offline') ack.error.message = t('errors.offline');
      // The hub sends codes; the words for people are the UI's, in its language, where it has them.
      else ack.error.message = errorText(ack.error.code, ack.error.message);
      if (!options.quiet) notifyError(ack.error.message);
    }
    return ack;
  }

  return { status, channel, lastTickAt, clockOffsetMs, name, info, socket, reconnects, canControl, isLive, touch, serverNow, whenResolved, start, stop, setName, send };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useConnectionStore, import.meta.hot));
