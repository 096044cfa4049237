/**
 * Late events of an ended show (an order's payment or refund, DESIGN §3) make its kept recaps stale:
 * they are dropped at once and computed again in the background once the late events stop coming.
 */

/** How long after an ended show's last late event its recaps are computed again. */
export const LATE_REWARM_MS = 10_000;

export interface LateRewarm {
  /** An ended show got late events. */
  late(sessionId: number): void;
  stop(): void;
}

export function createLateRewarm(deps: { dropKept: (sessionId: number) => void; warm: (sessionId: number) => void; delayMs?: number }): LateRewarm {
  const pending = new Map<number, NodeJS.Timeout>();
  let stopped = false;
  return {
    late(sessionId) {
      deps.dropKept(sessionId);
      clearTimeout(pending.get(sessionId));
      const timer = setTimeout(() => {
        pending.delete(sessionId);
        if (!stopped) deps.warm(sessionId);
      }, deps.delayMs ?? LATE_REWARM_MS);
      timer.unref();
      pending.set(sessionId, timer);
    },
    stop() {
      stopped = true;
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
    },
  };
}
