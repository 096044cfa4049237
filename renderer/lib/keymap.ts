/**
 * The control room's keyboard map, in one place: the help overlay (`?`) lists it and the control
 * page binds it. `combos` are what useHotkeys matches; `keys` is how the overlay prints them.
 */
export type KeyAction =
  | 'next'
  | 'select-up'
  | 'select-down'
  | 'go-selected'
  | 'move-up'
  | 'move-down'
  | 'add'
  | 'edit'
  | 'delete'
  | 'fire'
  | 'stop'
  | 'coupon'
  | 'coupon-stop'
  | 'claim'
  | 'answer'
  | 'prompt'
  | 'range'
  | 'language'
  | 'help';

export interface KeyBinding {
  action: KeyAction;
  combos: string[];
  keys: string[];
}

export const keymap: KeyBinding[] = [
  { action: 'next', combos: ['n', 'arrowright'], keys: ['N', '→'] },
  { action: 'select-up', combos: ['arrowup', 'k'], keys: ['↑', 'K'] },
  { action: 'select-down', combos: ['arrowdown', 'j'], keys: ['↓', 'J'] },
  { action: 'go-selected', combos: ['enter'], keys: ['Enter'] },
  { action: 'move-up', combos: ['alt+arrowup'], keys: ['Alt + ↑'] },
  { action: 'move-down', combos: ['alt+arrowdown'], keys: ['Alt + ↓'] },
  { action: 'add', combos: ['a'], keys: ['A'] },
  { action: 'edit', combos: ['e'], keys: ['E'] },
  { action: 'delete', combos: ['delete'], keys: ['Delete'] },
  { action: 'fire', combos: ['f'], keys: ['F'] },
  { action: 'stop', combos: ['s'], keys: ['S'] },
  { action: 'coupon', combos: ['c'], keys: ['C'] },
  { action: 'coupon-stop', combos: ['x'], keys: ['X'] },
  { action: 'claim', combos: ['space'], keys: ['Space'] },
  { action: 'prompt', combos: ['p'], keys: ['P'] },
  { action: 'answer', combos: ['d'], keys: ['D'] },
  { action: 'range', combos: ['t'], keys: ['T'] },
  { action: 'language', combos: ['l'], keys: ['L'] },
  { action: 'help', combos: ['?', 'h'], keys: ['?', 'H'] },
];
