/**
 * The desktop's own small settings file (`desktop-settings.json` in the app's user-data folder):
 * which display each full-screen window last went to, and the global shortcuts. Hand-editable; a
 * broken file is set aside and the defaults used, never a failed start.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Rect } from './types.js';

export const SETTINGS_FILE = 'desktop-settings.json';

/** A display the user chose for a window, with what it looked like then. */
export interface RememberedDisplay {
  displayId: number;
  /** Where the display was; recognises it again if the OS renumbers displays after a restart. */
  bounds?: Rect;
  label?: string;
}

export type ScreenRole = 'prompter' | 'screen';

export interface DesktopSettings {
  /** The display each full-screen role was last put on by the user. */
  displays: Partial<Record<ScreenRole, RememberedDisplay>>;
  /** Global shortcut per action id; `null` or "" turns one off; missing ids keep their default. */
  shortcuts: Record<string, string | null>;
}

export interface SettingsStore {
  /** Where the settings live, to tell the user which file to edit. */
  readonly location: string;
  /** The settings now; defaults when there is no file yet. */
  load(): DesktopSettings;
  save(settings: DesktopSettings): void;
}

export function emptySettings(): DesktopSettings {
  return { displays: {}, shortcuts: {} };
}

function isRect(v: unknown): v is Rect {
  const r = v as Rect;
  return !!r && typeof r === 'object' && [r.x, r.y, r.width, r.height].every((n) => Number.isFinite(n));
}

/** Keeps what is well-formed and names what is not, so one typo does not lose the rest. */
export function parseSettings(raw: unknown): { settings: DesktopSettings; problems: string[] } {
  const settings = emptySettings();
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { settings, problems: ['the file is not a JSON object'] };
  const { displays, shortcuts } = raw as { displays?: unknown; shortcuts?: unknown };
  if (displays && typeof displays === 'object') {
    for (const role of ['prompter', 'screen'] as const) {
      const d = (displays as Record<string, unknown>)[role] as Partial<RememberedDisplay> | undefined;
      if (d === undefined) continue;
      if (d && Number.isInteger(d.displayId)) {
        settings.displays[role] = {
          displayId: d.displayId!,
          ...(isRect(d.bounds) ? { bounds: d.bounds } : {}),
          ...(typeof d.label === 'string' ? { label: d.label } : {}),
        };
      } else problems.push(`displays.${role} has no whole-number displayId`);
    }
  }
  if (shortcuts && typeof shortcuts === 'object' && !Array.isArray(shortcuts)) {
    for (const [id, accelerator] of Object.entries(shortcuts)) {
      if (accelerator === null || typeof accelerator === 'string') settings.shortcuts[id] = accelerator;
      else problems.push(`shortcuts.${id} is neither a string nor null`);
    }
  } else if (shortcuts !== undefined) problems.push('shortcuts is not an object of action → accelerator');
  return { settings, problems };
}

/**
 * Settings kept as JSON in `dir`. Written whole to a temporary file and renamed over the old one,
 * so a crash mid-write never leaves half a file. A file that does not parse is renamed to
 * `….broken.json` (kept for the user) and the defaults are used.
 */
export function fileSettingsStore(dir: string, log: (line: string) => void = console.log): SettingsStore {
  const file = path.join(dir, SETTINGS_FILE);
  return {
    location: file,
    load() {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        return emptySettings();
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        const aside = file.replace(/\.json$/, '.broken.json');
        try {
          fs.renameSync(file, aside);
        } catch {
          // Nothing more to do: the defaults are used either way.
        }
        log(`${file} is not valid JSON (${(err as Error).message}); it was kept as ${aside} and the defaults are used.`);
        return emptySettings();
      }
      const { settings, problems } = parseSettings(raw);
      for (const p of problems) log(`${file}: ${p}; ignored.`);
      return settings;
    },
    save(settings) {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
      fs.renameSync(tmp, file);
    },
  };
}
