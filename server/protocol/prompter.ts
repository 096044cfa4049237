/**
 * The host's prompter, steered from the control room, a Stream Deck or a foot pedal, and shown the
 * same on every prompter screen. Scroll position is a fraction of the script (0 top, 1 end), so
 * screens of different sizes show the same part; while playing it advances at a rate set by `speed`.
 */
import { z } from 'zod';

// The position formula and the defaults are a pure rule (server/rules/prompter.ts), re-exported here.
export { DEFAULT_PROMPTER, PROMPTER_RATE_PER_LEVEL, prompterPosition } from '../rules/prompter.js';

export interface PrompterState {
  playing: boolean;
  /** 1 (slow) to 10 (fast). */
  speed: number;
  /** Horizontal flip for beam-splitter glass. */
  mirror: boolean;
  /** Script type size on the prompter, px. */
  fontPx: number;
  /** Where the script stood at `anchorAt` (0–1). */
  anchorPos: number;
  /** Epoch ms of the anchor; with `playing` and `speed`, where the script is at any moment. */
  anchorAt: number;
  /** Run-sheet item the prompter shows, when it is not the one on air (a jump ahead). */
  itemId: number | null;
}

export const prompterSchemas = {
  /** Start or pause auto-scroll; without `playing`, toggles. */
  'prompter.play': z.object({ playing: z.boolean().optional() }).default({}),
  /** Set the speed (1–10), or change it by `delta`. */
  'prompter.speed': z.object({ speed: z.number().int().min(1).max(10).optional(), delta: z.number().int().min(-9).max(9).optional() }).default({}),
  /** Scroll to a position (0–1), or by `delta` (a fraction, e.g. 0.05 forward). */
  'prompter.scroll': z.object({ to: z.number().min(0).max(1).optional(), delta: z.number().min(-1).max(1).optional() }).default({}),
  /** Flip for beam-splitter glass; without `mirror`, toggles. */
  'prompter.mirror': z.object({ mirror: z.boolean().optional() }).default({}),
  /** Type size in px (24–200), or change it by `delta`. */
  'prompter.font': z.object({ fontPx: z.number().int().min(24).max(200).optional(), delta: z.number().int().min(-100).max(100).optional() }).default({}),
  /** Show an item's script (without putting it on air); null goes back to the item on air. */
  'prompter.jump': z.object({ itemId: z.number().int().nullable() }),
} as const;

export type PrompterAction = keyof typeof prompterSchemas;
