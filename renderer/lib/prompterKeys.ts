/**
 * The prompter's keys, in one place: the remote in the control window (chosen not to clash with
 * lib/keymap.ts) and the prompter screen's own. Help overlays list them; pages bind them.
 * `combos` are what useHotkeys matches; `keys` is how an overlay prints them.
 */
export type PrompterKeyAction = 'play' | 'slower' | 'faster' | 'back' | 'forward' | 'mirror' | 'smaller' | 'bigger' | 'top' | 'jump';

export interface PrompterKeyBinding<A extends PrompterKeyAction = PrompterKeyAction> {
  action: A;
  combos: string[];
  keys: string[];
}

/** How far one press of back/forward scrolls, as a fraction of the script. */
export const SCROLL_STEP = 0.05;
/** How much one press of bigger/smaller changes the type, px. */
export const FONT_STEP_PX = 8;

/** In the control window, beside the run-sheet and inbox keys (Space, ↑/↓, Enter are taken there). */
export const prompterRemoteKeymap: PrompterKeyBinding[] = [
  { action: 'play', combos: ['shift+space'], keys: ['Shift + Space'] },
  { action: 'slower', combos: ['['], keys: ['['] },
  { action: 'faster', combos: [']'], keys: [']'] },
  { action: 'back', combos: ['shift+arrowup'], keys: ['Shift + ↑'] },
  { action: 'forward', combos: ['shift+arrowdown'], keys: ['Shift + ↓'] },
  { action: 'mirror', combos: ['m'], keys: ['M'] },
  { action: 'smaller', combos: ['-'], keys: ['−'] },
  { action: 'bigger', combos: ['=', '+'], keys: ['+'] },
  { action: 'top', combos: ['home'], keys: ['Home'] },
  { action: 'jump', combos: ['shift+enter'], keys: ['Shift + Enter'] },
];

/** Every prompter key but `jump`, which needs a run-sheet selection (the control window's). */
export type ScreenKeyAction = Exclude<PrompterKeyAction, 'jump'>;

/** On the prompter screen itself, where nothing else needs the keys. */
export const prompterScreenKeymap: PrompterKeyBinding<ScreenKeyAction>[] = [
  { action: 'play', combos: ['space'], keys: ['Space'] },
  { action: 'faster', combos: ['arrowup'], keys: ['↑'] },
  { action: 'slower', combos: ['arrowdown'], keys: ['↓'] },
  { action: 'back', combos: ['pageup', 'arrowleft'], keys: ['PgUp', '←'] },
  { action: 'forward', combos: ['pagedown', 'arrowright'], keys: ['PgDn', '→'] },
  { action: 'mirror', combos: ['m'], keys: ['M'] },
  { action: 'bigger', combos: ['=', '+'], keys: ['+'] },
  { action: 'smaller', combos: ['-', '_'], keys: ['−'] },
  { action: 'top', combos: ['0'], keys: ['0'] },
];
