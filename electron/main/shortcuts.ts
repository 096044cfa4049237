/**
 * Global shortcuts for the operator: keys that work while OBS or another app has focus. A key maps
 * to a hub control action and a fixed body, sent as `POST {hub}/api/control/<action>` with the
 * operator token — the same door a Stream Deck uses, so no domain logic lives here. Only actions
 * whose body is fixed are offered (firing a deal needs a preset, which the control window has).
 */

/** What each shortcut does: a hub action, its fixed body, and a label for menus and messages. */
export const SHORTCUT_ACTIONS = {
  'item.next': { action: 'item.next', body: {}, label: '下一个商品 (Next item)', repeatable: false },
  'deal.stop': { action: 'deal.stop', body: {}, label: '停止秒杀 (Stop deal)', repeatable: false },
  'prompter.play': { action: 'prompter.play', body: {}, label: '提词器 播放/暂停 (Prompter play/pause)', repeatable: false },
  'prompter.scroll-down': { action: 'prompter.scroll', body: { delta: 0.05 }, label: '提词器 向下 (Prompter scroll down)', repeatable: true },
  'prompter.scroll-up': { action: 'prompter.scroll', body: { delta: -0.05 }, label: '提词器 向上 (Prompter scroll up)', repeatable: true },
  'prompter.faster': { action: 'prompter.speed', body: { delta: 1 }, label: '提词器 加速 (Prompter faster)', repeatable: true },
  'prompter.slower': { action: 'prompter.speed', body: { delta: -1 }, label: '提词器 减速 (Prompter slower)', repeatable: true },
  'prompter.mirror': { action: 'prompter.mirror', body: {}, label: '提词器 镜像 (Prompter mirror)', repeatable: false },
} as const satisfies Record<string, { action: string; body: Record<string, number>; label: string; repeatable: boolean }>;

export type ShortcutId = keyof typeof SHORTCUT_ACTIONS;

export const SHORTCUT_IDS = Object.keys(SHORTCUT_ACTIONS) as ShortcutId[];

/** Ctrl+Alt (⌘⌥ on a Mac) plus a letter or arrow: rarely taken by OBS or the OS. */
export const DEFAULT_SHORTCUTS: Record<ShortcutId, string> = {
  'item.next': 'CommandOrControl+Alt+N',
  'deal.stop': 'CommandOrControl+Alt+S',
  'prompter.play': 'CommandOrControl+Alt+P',
  'prompter.scroll-down': 'CommandOrControl+Alt+Down',
  'prompter.scroll-up': 'CommandOrControl+Alt+Up',
  'prompter.faster': 'CommandOrControl+Alt+Right',
  'prompter.slower': 'CommandOrControl+Alt+Left',
  'prompter.mirror': 'CommandOrControl+Alt+M',
};

/** A shortcut to register: the key as the user wrote it, and what it sends. */
export interface PlannedShortcut {
  id: ShortcutId;
  accelerator: string;
  action: string;
  body: Record<string, number>;
}

/**
 * A shortcut that will not work, and why:
 * - `duplicate`: two actions on one key (after `CmdOrCtrl` / `Ctrl` and the like are made one);
 * - `invalid`: not a key Electron understands, or a bare key that would swallow typing everywhere;
 * - `unknown-action`: the settings name an action the desktop does not offer;
 * - `taken`: another application already owns the key (`globalShortcut.register` said no).
 */
export interface ShortcutConflict {
  reason: 'duplicate' | 'invalid' | 'unknown-action' | 'taken';
  accelerator: string;
  ids: string[];
  message: string;
}

export interface ShortcutPlan {
  register: PlannedShortcut[];
  conflicts: ShortcutConflict[];
}

const MODIFIERS: Record<string, string> = {
  command: 'Command',
  cmd: 'Command',
  control: 'Control',
  ctrl: 'Control',
  commandorcontrol: 'CommandOrControl',
  cmdorctrl: 'CommandOrControl',
  alt: 'Alt',
  option: 'Alt',
  altgr: 'AltGr',
  shift: 'Shift',
  super: 'Super',
  meta: 'Super',
};

const MODIFIER_ORDER = ['Command', 'Control', 'Alt', 'AltGr', 'Shift', 'Super'];

const NAMED_KEYS = [
  'Plus',
  'Space',
  'Tab',
  'Capslock',
  'Numlock',
  'Scrolllock',
  'Backspace',
  'Delete',
  'Insert',
  'Enter',
  'Up',
  'Down',
  'Left',
  'Right',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Escape',
  'VolumeUp',
  'VolumeDown',
  'VolumeMute',
  'MediaNextTrack',
  'MediaPreviousTrack',
  'MediaStop',
  'MediaPlayPause',
  'PrintScreen',
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv',
];
const KEY_NAMES = new Map<string, string>([...NAMED_KEYS.map((k) => [k.toLowerCase(), k] as [string, string]), ['return', 'Enter'], ['esc', 'Escape']]);
const PUNCTUATION = new Set([...')!@#$%^&*(:;<=>,_-.?/~`{}[]|\\\'"']);

/** Keys that no app uses for typing, so they may go global without a modifier (Stream Deck sends F13–F24). */
const isFreeKey = (key: string) => /^F\d{1,2}$/.test(key) || key.startsWith('Media') || key.startsWith('Volume');

/** The canonical key of an accelerator on `platform`, or why it is not one. */
export function normalizeAccelerator(accelerator: string, platform: NodeJS.Platform): { ok: true; key: string } | { ok: false; message: string } {
  const parts = accelerator.split('+').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) return { ok: false, message: `"${accelerator}" is not an accelerator (write "Plus" for the + key)` };
  const mods = new Set<string>();
  let key: string | null = null;
  for (const [i, part] of parts.entries()) {
    const lower = part.toLowerCase();
    let mod = MODIFIERS[lower];
    if (mod && i < parts.length - 1) {
      // What the OS will actually press: ⌘ on a Mac, Ctrl elsewhere; Super is ⌘ on a Mac.
      if (mod === 'CommandOrControl') mod = platform === 'darwin' ? 'Command' : 'Control';
      if (mod === 'Super' && platform === 'darwin') mod = 'Command';
      mods.add(mod);
      continue;
    }
    if (i !== parts.length - 1) return { ok: false, message: `"${accelerator}": "${part}" is not a modifier` };
    if (mod) return { ok: false, message: `"${accelerator}" has modifiers but no key` };
    if (/^[a-z0-9]$/i.test(part)) key = part.toUpperCase();
    else if (/^f([1-9]|1\d|2[0-4])$/i.test(part)) key = part.toUpperCase();
    else if (/^num[0-9]$/i.test(part)) key = lower;
    else if (KEY_NAMES.has(lower)) key = KEY_NAMES.get(lower)!;
    else if (part.length === 1 && PUNCTUATION.has(part)) key = part;
    else return { ok: false, message: `"${accelerator}": "${part}" is not a key Electron knows` };
  }
  if (key === null) return { ok: false, message: `"${accelerator}" has no key` };
  const typing = [...mods].every((m) => m === 'Shift');
  if (typing && !isFreeKey(key)) {
    return { ok: false, message: `"${accelerator}" needs Ctrl, Alt or ⌘: a global key without one would stop that key from typing in every app` };
  }
  return { ok: true, key: [...MODIFIER_ORDER.filter((m) => mods.has(m)), key].join('+') };
}

const labelOf = (id: string) => (id in SHORTCUT_ACTIONS ? `${SHORTCUT_ACTIONS[id as ShortcutId].label} [${id}]` : id);

/**
 * Decides which global shortcuts to register from the user's settings (merged over the defaults).
 * When two actions share a key, the one the user set explicitly keeps it and the default loses; two
 * explicit ones on one key both lose — a key that might do either is worse than none mid-show.
 * Every loser is reported, never dropped silently.
 */
export function planShortcuts(config: Record<string, string | null | undefined>, platform: NodeJS.Platform = process.platform): ShortcutPlan {
  const conflicts: ShortcutConflict[] = [];
  for (const id of Object.keys(config)) {
    if (!(id in SHORTCUT_ACTIONS)) {
      conflicts.push({
        reason: 'unknown-action',
        accelerator: config[id] ?? '',
        ids: [id],
        message: `"${id}" is not a shortcut action; the desktop offers ${SHORTCUT_IDS.join(', ')}.`,
      });
    }
  }
  const byKey = new Map<string, { id: ShortcutId; accelerator: string; explicit: boolean }[]>();
  for (const id of SHORTCUT_IDS) {
    const explicit = config[id] !== undefined;
    const accelerator = explicit ? config[id] : DEFAULT_SHORTCUTS[id];
    if (!accelerator) continue;
    const normal = normalizeAccelerator(accelerator, platform);
    if (!normal.ok) {
      conflicts.push({ reason: 'invalid', accelerator, ids: [id], message: `${labelOf(id)}: ${normal.message}; not registered.` });
      continue;
    }
    byKey.set(normal.key, [...(byKey.get(normal.key) ?? []), { id, accelerator, explicit }]);
  }
  const register: PlannedShortcut[] = [];
  for (const claims of byKey.values()) {
    const explicit = claims.filter((c) => c.explicit);
    const winner = claims.length === 1 ? claims[0] : explicit.length === 1 ? explicit[0] : null;
    if (winner) {
      const { action, body } = SHORTCUT_ACTIONS[winner.id];
      register.push({ id: winner.id, accelerator: winner.accelerator, action, body: { ...body } });
    }
    const losers = claims.filter((c) => c !== winner);
    if (losers.length === 0) continue;
    conflicts.push({
      reason: 'duplicate',
      accelerator: claims[0].accelerator,
      ids: claims.map((c) => c.id),
      message: winner
        ? `${winner.accelerator} is set for ${claims.map((c) => labelOf(c.id)).join(' and ')}; your setting for ${labelOf(winner.id)} keeps it, ${losers.map((c) => labelOf(c.id)).join(', ')} has no global key.`
        : `${claims[0].accelerator} is set for ${claims.map((c) => labelOf(c.id)).join(' and ')}; none of them was registered — give each its own key.`,
    });
  }
  // Registered in the order the actions are listed, whatever order the keys came in.
  register.sort((a, b) => SHORTCUT_IDS.indexOf(a.id) - SHORTCUT_IDS.indexOf(b.id));
  return { register, conflicts };
}

export interface ShortcutReport {
  registered: PlannedShortcut[];
  conflicts: ShortcutConflict[];
}

/**
 * Registers the plan's shortcuts; a key another application already owns (register says false, or
 * throws for a key this OS cannot grab) is added to the conflicts.
 */
export function registerShortcuts(globalShortcut: { register(accelerator: string, callback: () => void): boolean }, plan: ShortcutPlan, onPress: (shortcut: PlannedShortcut) => void): ShortcutReport {
  const registered: PlannedShortcut[] = [];
  const conflicts = [...plan.conflicts];
  for (const shortcut of plan.register) {
    let ok: boolean;
    let why = 'another application already uses it';
    try {
      ok = globalShortcut.register(shortcut.accelerator, () => onPress(shortcut));
    } catch (err) {
      ok = false;
      why = (err as Error).message;
    }
    if (ok) registered.push(shortcut);
    else
      conflicts.push({
        reason: 'taken',
        accelerator: shortcut.accelerator,
        ids: [shortcut.id],
        message: `${shortcut.accelerator} for ${labelOf(shortcut.id)} could not be registered: ${why}. Pick another key in the settings.`,
      });
  }
  return { registered, conflicts };
}

/** What a press came to: the hub's answer, or why there was none. Never thrown. */
export type PressResult = { ok: true } | { ok: false; error: { code: string; message: string } } | { ok: false; ignored: 'repeat' };

export interface HubCallerOptions {
  hubUrl: string;
  operatorToken: string;
  fetch: typeof fetch;
  log: (line: string) => void;
  now?: () => number;
  /** A non-repeatable key pressed again this soon is a bounce or an auto-repeat, not a second press. */
  repeatGuardMs?: number;
  timeoutMs?: number;
}

/**
 * Turns a shortcut press into `POST {hub}/api/control/<action>`. Failures are logged and returned,
 * never thrown: a key press must not take the main process down. "Next item" held a little too
 * long must not skip two items, so a non-repeatable action ignores a second press within the guard.
 */
export function createHubCaller(options: HubCallerOptions): (shortcut: PlannedShortcut) => Promise<PressResult> {
  const now = options.now ?? Date.now;
  const guardMs = options.repeatGuardMs ?? 400;
  const lastPress = new Map<ShortcutId, number>();
  return async (shortcut) => {
    const at = now();
    if (!SHORTCUT_ACTIONS[shortcut.id].repeatable) {
      const last = lastPress.get(shortcut.id);
      lastPress.set(shortcut.id, at);
      if (last !== undefined && at - last < guardMs) return { ok: false, ignored: 'repeat' };
    }
    const url = `${options.hubUrl}/api/control/${shortcut.action}`;
    try {
      const res = await options.fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.operatorToken}`,
          'content-type': 'application/json',
          'x-livedeck-actor': 'desktop-shortcut',
        },
        body: JSON.stringify(shortcut.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      const answer = (await res.json().catch(() => null)) as { ok?: boolean; error?: { code?: string; message?: string } } | null;
      if (res.ok && answer?.ok !== false) return { ok: true };
      const error = { code: answer?.error?.code ?? `http_${res.status}`, message: answer?.error?.message ?? `The hub answered ${res.status}.` };
      options.log(`Shortcut ${shortcut.accelerator} → ${shortcut.action}: ${error.message} (${error.code})`);
      return { ok: false, error };
    } catch (err) {
      const error = { code: 'unreachable', message: `The hub did not answer: ${(err as Error).message}` };
      options.log(`Shortcut ${shortcut.accelerator} → ${shortcut.action}: ${error.message}`);
      return { ok: false, error };
    }
  };
}

/** One line per shortcut and per problem, for the log and the "global shortcuts" dialog. */
export function describeShortcuts(report: ShortcutReport): string {
  const lines = report.registered.map((s) => `${s.accelerator}  ${SHORTCUT_ACTIONS[s.id].label}`);
  if (report.conflicts.length > 0) lines.push('', ...report.conflicts.map((c) => `⚠ ${c.message}`));
  return lines.join('\n');
}
