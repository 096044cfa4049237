/** Prompter steering as pure state changes; the hub applies them and pushes the result to screens. */
import { prompterPosition, type PrompterState } from '../protocol/prompter.js';

export type PrompterChange =
  | { action: 'prompter.play'; playing?: boolean }
  | { action: 'prompter.speed'; speed?: number; delta?: number }
  | { action: 'prompter.scroll'; to?: number; delta?: number }
  | { action: 'prompter.mirror'; mirror?: boolean }
  | { action: 'prompter.font'; fontPx?: number; delta?: number }
  | { action: 'prompter.jump'; itemId: number | null };

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The prompter after a change at `now`. Re-anchors the position so screens never jump. */
export function steerPrompter(p: PrompterState, change: PrompterChange, now: number): PrompterState {
  const here = { anchorPos: prompterPosition(p, now), anchorAt: now };
  switch (change.action) {
    case 'prompter.play':
      return { ...p, ...here, playing: change.playing ?? !p.playing };
    case 'prompter.speed':
      return { ...p, ...here, speed: clamp(change.speed ?? p.speed + (change.delta ?? 0), 1, 10) };
    case 'prompter.scroll':
      return { ...p, ...here, anchorPos: clamp(change.to ?? here.anchorPos + (change.delta ?? 0), 0, 1) };
    case 'prompter.mirror':
      return { ...p, mirror: change.mirror ?? !p.mirror };
    case 'prompter.font':
      return { ...p, fontPx: clamp(change.fontPx ?? p.fontPx + (change.delta ?? 0), 24, 200) };
    case 'prompter.jump':
      return { ...p, anchorPos: 0, anchorAt: now, playing: false, itemId: change.itemId };
  }
}

/** A new item on air: the prompter goes to the top of its script, paused, keeping speed, size, mirror. */
export function prompterOnGo(p: PrompterState, now: number): PrompterState {
  return { ...p, playing: false, anchorPos: 0, anchorAt: now, itemId: null };
}
