/**
 * Keyboard-first control: a map from key combos to actions, active while the component is mounted.
 * Keys typed into inputs, text areas, selects, editable text, or pressed while a dialog is open are
 * left alone, and so is a key pressed while an input method (Chinese IME) is composing.
 *
 * Combos are lower-case `key` values with `ctrl+`, `alt+`, `meta+` prefixes: `n`, `arrowright`,
 * `enter`, `space`, `alt+arrowup`, `?`, `escape`. Shift counts only for named keys (`shift+space`,
 * `shift+arrowup`); on printable keys it is ignored, so `?`, `+` and `F` just work.
 *
 * Enter and Space on a button: a mouse click leaves focus on the button it pressed, and the browser
 * would press it again on the next Enter or Space — one stray 发券 or 下播 mid-show. So a button only
 * takes Enter/Space when the keyboard (Tab) put focus on it; after a pointer press the keys are the
 * show's hotkeys.
 */
import { onBeforeUnmount, onMounted, unref, type MaybeRef } from 'vue';

export type HotkeyMap = Record<string, (event: KeyboardEvent) => void>;

/** True when the key belongs to whatever the user is typing into. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('input, textarea, select, [contenteditable="true"]')) return true;
  return target.closest('[role="dialog"], .n-modal, .n-dialog') !== null;
}

/** `alt+arrowup`, `space`, `?` … for one keydown. */
export function comboOf(event: KeyboardEvent): string {
  const key = event.key === ' ' ? 'space' : event.key.toLowerCase();
  // Shift already shaped a printable key (`/` → `?`); on a named key it is a modifier of its own.
  const shift = event.shiftKey && key.length > 1 ? 'shift+' : '';
  return `${event.ctrlKey ? 'ctrl+' : ''}${event.altKey ? 'alt+' : ''}${event.metaKey ? 'meta+' : ''}${shift}${key}`;
}

/** How focus last moved: true after a pointer press, false once Tab walks focus by keyboard. */
let focusByPointer = false;
let focusWatchers = 0;
const onPointerDown = (): void => void (focusByPointer = true);
const onTab = (event: KeyboardEvent): void => {
  if (event.key === 'Tab') focusByPointer = false;
};

/** The button, link or role=button the key would press, if any. */
function pressable(target: EventTarget | null): HTMLElement | null {
  return target instanceof HTMLElement ? target.closest<HTMLElement>('button, a, [role="button"]') : null;
}

export function useHotkeys(map: MaybeRef<HotkeyMap>, enabled: MaybeRef<boolean> = true): void {
  /** Space presses a button on keyup; a Space the hotkeys took must not press it there either. */
  let swallowSpaceUp = false;

  function onKeydown(event: KeyboardEvent): void {
    if (!unref(enabled) || event.isComposing) return;
    if (isTypingTarget(event.target) || isTypingTarget(document.activeElement)) return;
    // A confirmation or form is open (even without focus inside it): keys belong to it, not the show.
    if (document.querySelector('.n-modal-mask')) return;
    const activation = event.key === 'Enter' || event.key === ' ';
    if (activation && pressable(event.target)) {
      // Tab put focus here: the operator means this button.
      if (!focusByPointer) return;
      // A mouse click left focus here: the key is the show's, never a second press of the button.
      event.preventDefault();
      if (event.key === ' ') swallowSpaceUp = true;
    }
    if (event.repeat) return;
    const handler = unref(map)[comboOf(event)];
    if (!handler) return;
    event.preventDefault();
    handler(event);
  }
  function onKeyup(event: KeyboardEvent): void {
    if (event.key !== ' ' || !swallowSpaceUp) return;
    swallowSpaceUp = false;
    event.preventDefault();
  }
  onMounted(() => {
    if (focusWatchers++ === 0) {
      window.addEventListener('pointerdown', onPointerDown, true);
      window.addEventListener('keydown', onTab, true);
    }
    window.addEventListener('keydown', onKeydown);
    window.addEventListener('keyup', onKeyup, true);
  });
  onBeforeUnmount(() => {
    if (--focusWatchers === 0) {
      window.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('keydown', onTab, true);
    }
    window.removeEventListener('keydown', onKeydown);
    window.removeEventListener('keyup', onKeyup, true);
  });
}
