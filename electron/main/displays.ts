/**
 * Which display a full-screen window (prompter, big screen) goes on, as pure functions over the
 * display list: the one the user chose, else the one remembered, else a sensible default.
 */
import type { RememberedDisplay } from './settings.js';
import type { DisplayLike, Rect } from './types.js';

/**
 * How a display was picked:
 * - `chosen`: the user picked it just now (menu);
 * - `remembered`: the display the user picked last time;
 * - `recognised`: the remembered display under a new id (same position and size), as after a restart;
 * - `default`: nothing remembered — the first display that is not the primary, else the primary;
 * - `fallback`: the display asked for is gone, so the primary.
 */
export type PlacementSource = 'chosen' | 'remembered' | 'recognised' | 'default' | 'fallback';

export interface Placement {
  display: DisplayLike;
  source: PlacementSource;
  /** Full screen, except a window that only fell back onto the primary: that is where the control room is. */
  fullscreen: boolean;
  bounds: Rect;
}

/** The display a role's window goes on: the one asked for if it exists, else the primary. */
export function pickDisplay(displays: DisplayLike[], primary: DisplayLike, wantedId: number | undefined): DisplayLike {
  return displays.find((d) => d.id === wantedId) ?? primary;
}

const sameRect = (a: Rect, b: Rect) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/** Two thirds of the display, centred: a window that does not cover the control room. */
export function windowedBounds(display: DisplayLike): Rect {
  const width = Math.round((display.bounds.width * 2) / 3);
  const height = Math.round((display.bounds.height * 2) / 3);
  return {
    x: display.bounds.x + Math.round((display.bounds.width - width) / 2),
    y: display.bounds.y + Math.round((display.bounds.height - height) / 2),
    width,
    height,
  };
}

function placement(display: DisplayLike, source: PlacementSource, primary: DisplayLike): Placement {
  // Fallen back (or defaulted) onto the primary, a full-screen prompter would hide the control room
  // mid-show; a window the user put there on purpose goes full screen.
  const fullscreen = display.id !== primary.id || source === 'chosen' || source === 'remembered' || source === 'recognised';
  return { display, source, fullscreen, bounds: fullscreen ? { ...display.bounds } : windowedBounds(display) };
}

/** Where a window goes when the user picks a display, or `null` when that display is not there. */
export function placeOnChosen(displays: DisplayLike[], primary: DisplayLike, displayId: number): Placement | null {
  const display = displays.find((d) => d.id === displayId);
  return display ? placement(display, 'chosen', primary) : null;
}

/** Where a window goes given what was remembered for its role (if anything). */
export function placeRemembered(displays: DisplayLike[], primary: DisplayLike, remembered: RememberedDisplay | undefined): Placement {
  if (!remembered) {
    const secondary = displays.find((d) => d.id !== primary.id);
    return placement(secondary ?? primary, 'default', primary);
  }
  const byId = displays.find((d) => d.id === remembered.displayId);
  if (byId) return placement(byId, 'remembered', primary);
  const byBounds = remembered.bounds && displays.find((d) => sameRect(d.bounds, remembered.bounds!));
  if (byBounds) return placement(byBounds, 'recognised', primary);
  return placement(primary, 'fallback', primary);
}

/** Where a window goes when the display it was on has been unplugged. */
export function placeAfterRemoval(primary: DisplayLike): Placement {
  return placement(primary, 'fallback', primary);
}

/** "显示器 2 · DELL U2720Q · 2560×1440 (Display 2, primary)" — for menus and the log. */
export function describeDisplay(display: DisplayLike, index: number, primaryId: number): string {
  const name = display.label?.trim();
  const size = `${display.bounds.width}×${display.bounds.height}`;
  const primary = display.id === primaryId;
  return `显示器 ${index + 1}${primary ? '（主屏）' : ''} · ${name ? `${name} · ` : ''}${size} (Display ${index + 1}${primary ? ', primary' : ''})`;
}

/** A short name for a display in log lines. */
export function displayName(display: DisplayLike): string {
  const name = display.label?.trim();
  return `display ${display.id}${name ? ` (${name})` : ''}`;
}
