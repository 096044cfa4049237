/**
 * Where the prompter's script stands: the hub moves its anchor, every prompter screen draws from the
 * same formula on the hub's clock. Pure, so the screens take it without the protocol's schemas.
 */
import type { PrompterState } from '../protocol/prompter.js';

/** Speed levels 1–10; level 5 moves through a script in about 100 seconds. */
export const PROMPTER_RATE_PER_LEVEL = 0.002;

/** A studio's prompter before anyone touched it. */
export const DEFAULT_PROMPTER: PrompterState = { playing: false, speed: 4, mirror: false, fontPx: 64, anchorPos: 0, anchorAt: 0, itemId: null };

/** Where the script stands at `now` (0–1). */
export function prompterPosition(p: PrompterState, now: number): number {
  const moved = p.playing ? (Math.max(0, now - p.anchorAt) / 1000) * p.speed * PROMPTER_RATE_PER_LEVEL : 0;
  return Math.min(1, Math.max(0, p.anchorPos + moved));
}
