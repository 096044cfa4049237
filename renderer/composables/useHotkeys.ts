/**
 * Keyboard-first control: a map from key combos to actions, active while the component is mounted.
 * Keys typed into inputs, text areas, selects, editable text, or pressed while a dialog is open are
 * left alone, and so is a key pressed while an input method (Chinese IME) is composing.
 *
 * Combos are lower-case `key` values with `ctrl+`, `alt+`, `meta+` prefixes: `n`, `arrowright`,
 * `enter`, `space`, `alt+arrowup`, `?`, `escape`. Shift counts only for named keys (`shift+space`,
 * `shift+arrowup`); on printable keys it is ignored, so `?`, `+` and `F` just work.
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

export function useHotkeys(map: MaybeRef<HotkeyMap>, enabled: MaybeRef<boolean> = true): void {
  function onKeydown(event: KeyboardEvent): void {
    if (!unref(enabled) || event.isComposing || event.repeat) return;
    if (isTypingTarget(event.target) || isTypingTarget(document.activeElement)) return;
    // A confirmation or form is open (even without focus inside it): keys belong to it, not the show.
    if (document.querySelector('.n-modal-mask')) return;
    const combo = comboOf(event);
    // Enter and Space on a focused button press that button; do not also run a hotkey.
    if ((event.key === 'Enter' || event.key === ' ') && event.target instanceof HTMLElement && event.target.closest('button, a, [role="button"]')) return;
    const handler = unref(map)[combo];
    if (!handler) return;
    event.preventDefault();
    handler(event);
  }
  onMounted(() => window.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown));
}
