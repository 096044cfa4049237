/**
 * The host's prompter as every screen sees it: the one shared state the hub keeps (play, speed,
 * scroll anchor, mirror, size, which item), the hub's clock to place the script on, and this screen's
 * own mirror/size when its token may only watch. Steering goes to the hub, which pushes the result to
 * every prompter, so they all show the same part of the script.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { DEFAULT_PROMPTER, prompterPosition, type ControlPayload, type LiveState, type PrompterAction, type PrompterState } from '@protocol';
import type { LiveSocket } from '../api/hub';
import { FONT_STEP_PX, SCROLL_STEP, type ScreenKeyAction } from '../lib/prompterKeys';
import { useConnectionStore } from './connection';
import { useLiveStore } from './live';
import { useRunsheetStore } from './runsheet';

/** Clock samples kept for the offset estimate (ticks come 1–25 a second). */
const OFFSET_SAMPLES = 40;
const LOCAL_KEY = 'livedeck.prompter.local';
/** The hub's limits for type size (see `prompter.font`). */
export const FONT_MIN_PX = 24;
export const FONT_MAX_PX = 200;

/** This screen's own view, used when it cannot steer the shared prompter. Null = follow the hub. */
export interface LocalView {
  mirror: boolean | null;
  fontPx: number | null;
}

/** What a key press did: steered every prompter, changed only this screen, or nothing (read-only). */
export type PressResult = 'sent' | 'local' | 'read-only' | 'failed';

function loadLocal(): LocalView {
  try {
    const kept = JSON.parse(localStorage.getItem(LOCAL_KEY) ?? 'null') as Partial<LocalView> | null;
    return { mirror: typeof kept?.mirror === 'boolean' ? kept.mirror : null, fontPx: typeof kept?.fontPx === 'number' ? kept.fontPx : null };
  } catch {
    return { mirror: null, fontPx: null };
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export const usePrompterStore = defineStore('prompter', () => {
  const connection = useConnectionStore();
  const live = useLiveStore();
  const runsheet = useRunsheetStore();

  /** The shared prompter, as the hub last pushed or acknowledged it. */
  const shared = ref<PrompterState>({ ...DEFAULT_PROMPTER });
  /**
   * Hub clock − client clock. Each push says when the hub sent it; the push arrived at least that
   * late, so the largest recent `serverNow − arrival` is the estimate with the least network delay in it.
   */
  const offsetMs = ref(0);
  /** This screen's mirror/size override (kept per machine), applied only while it cannot steer. */
  const local = ref<LocalView>(loadLocal());

  const samples: number[] = [];
  let lastJson = '';
  const subscribed = new WeakSet<LiveSocket>();

  /**
   * True when keys and buttons steer every prompter (an operator token on `/control`). It follows the
   * token, not the link's health: an operator screen that is reconnecting says so, it does not quietly
   * fall back to changing itself only.
   */
  const canSteer = computed(() => connection.channel === 'control');
  const mirror = computed(() => (canSteer.value ? shared.value.mirror : (local.value.mirror ?? shared.value.mirror)));
  const fontPx = computed(() => (canSteer.value ? shared.value.fontPx : (local.value.fontPx ?? shared.value.fontPx)));
  const hasLocal = computed(() => !canSteer.value && (local.value.mirror !== null || local.value.fontPx !== null));
  /** The run-sheet item whose script the prompters show: a jumped-to one, else the one on air. */
  const itemId = computed(() => shared.value.itemId ?? live.current?.itemId ?? null);
  const row = computed(() => (itemId.value === null ? null : (runsheet.rows.find((r) => r.item.itemId === itemId.value) ?? null)));
  /** True when the prompters show an item that is not on air (a look ahead). */
  const previewing = computed(() => shared.value.itemId !== null && shared.value.itemId !== (live.current?.itemId ?? null));

  /** Takes a state from a push or an ack; unchanged states leave the screens alone. */
  function apply(state: PrompterState): void {
    const json = JSON.stringify(state);
    if (json === lastJson) return;
    lastJson = json;
    shared.value = state;
  }

  function sample(serverNow: number): void {
    samples.push(serverNow - Date.now());
    if (samples.length > OFFSET_SAMPLES) samples.shift();
    offsetMs.value = Math.max(...samples);
  }

  function onState(s: LiveState): void {
    sample(s.serverNow);
    if (s.prompter) apply(s.prompter);
  }

  /** Listens to a socket's `snapshot` and `tick` for the prompter part, once per socket. */
  function subscribe(socket: LiveSocket): void {
    if (subscribed.has(socket)) return;
    subscribed.add(socket);
    socket.on('snapshot', onState);
    socket.on('tick', onState);
  }
  // The connection store opens the socket (and swaps it for `/view` when the token is a viewer's).
  watch(
    () => connection.socket,
    (s) => {
      if (s) subscribe(s);
    },
    { immediate: true },
  );

  /** The hub's clock at client time `clientNow`. */
  const serverNow = (clientNow = Date.now()) => clientNow + offsetMs.value;
  /** Where the script stands (0–1) at client time `clientNow`. */
  const position = (clientNow = Date.now()) => prompterPosition(shared.value, serverNow(clientNow));

  /** Sends one steering action; the ack's state shows at once here, the push brings it everywhere. */
  async function steer<A extends PrompterAction>(action: A, payload: ControlPayload<A>): Promise<boolean> {
    const ack = await connection.send(action, payload);
    if (ack.ok && 'prompter' in ack) apply(ack.prompter);
    return ack.ok;
  }

  const play = () => steer('prompter.play', {});
  const speed = (delta: number) => steer('prompter.speed', { delta });
  const scroll = (delta: number) => steer('prompter.scroll', { delta });
  const top = () => steer('prompter.scroll', { to: 0 });
  const toggleMirror = () => steer('prompter.mirror', {});
  const font = (delta: number) => steer('prompter.font', { delta });
  /** Shows an item's script without putting it on air; null goes back to the item on air. */
  const jump = (id: number | null) => steer('prompter.jump', { itemId: id });

  function setLocal(next: LocalView): void {
    local.value = next;
    localStorage.setItem(LOCAL_KEY, JSON.stringify(next));
  }
  /** Flips this screen only. */
  const toggleLocalMirror = () => setLocal({ ...local.value, mirror: !mirror.value });
  /** Resizes this screen's type only. */
  const localFont = (delta: number) => setLocal({ ...local.value, fontPx: clamp(fontPx.value + delta, FONT_MIN_PX, FONT_MAX_PX) });
  /** Back to what the control room set. */
  const resetLocal = () => setLocal({ mirror: null, fontPx: null });

  /**
   * A prompter key: steers every prompter when this screen may, else mirror and size change this
   * screen only and the rest is refused (the control room drives the scroll).
   */
  async function press(action: ScreenKeyAction): Promise<PressResult> {
    if (!canSteer.value) {
      if (action === 'mirror') toggleLocalMirror();
      else if (action === 'bigger') localFont(FONT_STEP_PX);
      else if (action === 'smaller') localFont(-FONT_STEP_PX);
      else return 'read-only';
      return 'local';
    }
    const run: Record<ScreenKeyAction, () => Promise<boolean>> = {
      play,
      faster: () => speed(1),
      slower: () => speed(-1),
      forward: () => scroll(SCROLL_STEP),
      back: () => scroll(-SCROLL_STEP),
      mirror: toggleMirror,
      bigger: () => font(FONT_STEP_PX),
      smaller: () => font(-FONT_STEP_PX),
      top,
    };
    return (await run[action]()) ? 'sent' : 'failed';
  }

  return {
    shared,
    offsetMs,
    local,
    canSteer,
    mirror,
    fontPx,
    hasLocal,
    itemId,
    row,
    previewing,
    apply,
    subscribe,
    serverNow,
    position,
    play,
    speed,
    scroll,
    top,
    toggleMirror,
    font,
    jump,
    toggleLocalMirror,
    localFont,
    resetLocal,
    press,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePrompterStore, import.meta.hot));
