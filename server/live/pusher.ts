/**
 * The tick policy: how the live model reaches the screens. Every beat the pusher looks for changes; a
 * tick goes out only when something changed (else once a second, so clocks keep moving), a whole
 * snapshot after the model was rebuilt. Screens get at most 1000 / everyMs pushes a second whatever the
 * event rate. The moderation state (pinned comment, blocked words) lives beside the model and rides along.
 */
import type { LiveSnapshot, LiveTick, ModerationState } from '../protocol/index.js';
import type { LiveModel } from './model.js';

/** Longest quiet between two pushes, ms: a screen's clock and countdowns move at least this often. */
export const IDLE_PUSH_MS = 1000;

export interface PusherDeps {
  live: LiveModel;
  now: () => number;
  moderation: { state(): ModerationState; readonly version: number };
  /** Sends to every screen (the operator's and the viewers'). */
  send: { snapshot: (s: LiveSnapshot) => void; tick: (t: LiveTick) => void };
}

export interface Pusher {
  /** A whole snapshot as a screen gets on connect. */
  snapshot(): LiveSnapshot;
  /** Pushes what changed now; `force` sends a tick even when nothing did (an alarm, an action's answer). */
  push(force?: boolean): void;
  /** Looks for changes every `everyMs` (at most 250) until `stop`. */
  start(everyMs: number): void;
  stop(): void;
}

export function createPusher(deps: PusherDeps): Pusher {
  const { live, now, moderation } = deps;
  let moderationSent = moderation.version;
  let lastPush = 0;
  let timer: NodeJS.Timeout | null = null;
  const snapshot = (t = now()): LiveSnapshot => ({ ...live.snapshot(t), moderation: moderation.state() });

  function push(force = false): void {
    const t = now();
    const moderationChanged = moderation.version !== moderationSent;
    moderationSent = moderation.version;
    if (live.takeReset()) {
      // The model was rebuilt (a show started or ended): deltas would not add up, send it whole.
      live.tick(t, true);
      deps.send.snapshot(snapshot(t));
      lastPush = t;
      return;
    }
    const plain = live.tick(t, force || moderationChanged || t - lastPush >= IDLE_PUSH_MS);
    if (!plain) return;
    lastPush = t;
    deps.send.tick(moderationChanged ? { ...plain, moderation: moderation.state() } : plain);
  }

  return {
    snapshot: () => snapshot(),
    push,
    start(everyMs) {
      if (timer) return;
      timer = setInterval(() => push(), Math.min(everyMs, 250));
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
