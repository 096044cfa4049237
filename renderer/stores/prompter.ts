/**
 * The host's prompter as every screen sees it: the one shared state the hub keeps (play, speed,
 * scroll anchor, mirror, size, which item), the hub's clock to place the script on, and this screen's
 * own mirror/size when its token may only watch. Steering goes to the hub, which pushes the result to
 * every prompter, so they all show the same part of the script.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ControlPayload, LiveState, PrompterAction, PrompterState } from '@protocol';
import { DEFAULT_PROMPTER, prompterPosition } from '@rules';
import { channel, hubNow, listen, send } from '../api/feed';
import { FONT_STEP_PX, SCROLL_STEP, type ScreenKeyAction } from '../lib/prompterKeys';

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
  /** The shared prompter, as the hub last pushed or acknowledged it. */
  const shared = ref<PrompterState>({ ...DEFAULT_PROMPTER });
  /** This screen's mirror/size override (kept per machine), applied only while it cannot steer. */
  const local = ref<LocalView>(loadLocal());

  let lastJson = '';

  /**
   * True when keys and buttons steer every prompter (an operator token on `/control`). It follows the
   * token, not the link's health: an operator screen that is reconnecting says so, it does not quietly
   * fall back to changing itself only.
   */
  const canSteer = computed(() => channel.value === 'control');
  const mirror = computed(() => (canSteer.value ? shared.value.mirror : (local.value.mirror ?? shared.value.mirror)));
  const fontPx = computed(() => (canSteer.value ? shared.value.fontPx : (local.value.fontPx ?? shared.value.fontPx)));
  const hasLocal = computed(() => !canSteer.value && (local.value.mirror !== null || local.value.fontPx !== null));
  /** Takes a state from a push or an ack; unchanged states leave the screens alone. */
  function apply(state: PrompterState): void {
    const json = JSON.stringify(state);
    if (json === lastJson) return;
    lastJson = json;
    shared.value = state;
  }

  const onState = (s: LiveState) => {
    if (s.prompter) apply(s.prompter);
  };
  listen('snapshot', onState);
  listen('tick', onState);

  /** Where the script stands (0–1) at client time `clientNow`, on the hub's clock (the feed's one estimate). */
  const position = (clientNow = Date.now()) => prompterPosition(shared.value, hubNow(clientNow));

  /** Sends one steering action; the ack's state shows at once here, the push brings it everywhere. */
  async function steer<A extends PrompterAction>(action: A, payload: ControlPayload<A>): Promise<boolean> {
    const ack = await send(action, payload);
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
    local,
    canSteer,
    mirror,
    fontPx,
    hasLocal,
    apply,
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
