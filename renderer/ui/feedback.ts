/**
 * Toasts and confirmations usable from stores (outside any component): Naive UI's discrete API,
 * themed like the app.
 */
import { createDiscreteApi, darkTheme } from 'naive-ui';
import { themeOverrides } from './theme';

const { message, dialog } = createDiscreteApi(['message', 'dialog'], {
  configProviderProps: { theme: darkTheme, themeOverrides },
  messageProviderProps: { placement: 'top', max: 3 },
});

/** Shows a hub error sentence (or any failure) to the person at the desk. */
export function notifyError(text: string): void {
  message.error(text, { duration: 5000, closable: true });
}

/** A short success toast; `durationMs` longer for a result worth reading (a stopped deal's numbers). */
export function notifySuccess(text: string, durationMs = 2000): void {
  message.success(text, { duration: durationMs });
}

/**
 * Asks yes/no in a modal; resolves true on the positive button. With `enterConfirms`, the dialog is
 * answered from the keyboard: Enter confirms (a deliberate second key), Esc cancels; the focus rests
 * on the negative button, so a stray Space never confirms.
 */
export function confirm(options: { title: string; content: string; positiveText: string; negativeText: string; danger?: boolean; enterConfirms?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: boolean) => {
      if (settled) return;
      settled = true;
      window.removeEventListener('keydown', onKey, true);
      resolve(answer);
    };
    const d = (options.danger ? dialog.warning : dialog.info)({
      title: options.title,
      content: options.content,
      positiveText: options.positiveText,
      negativeText: options.negativeText,
      autoFocus: false,
      onPositiveClick: () => done(true),
      onNegativeClick: () => done(false),
      onClose: () => done(false),
      onMaskClick: () => done(false),
      onEsc: () => done(false),
      onAfterEnter: () => {
        // The newest dialog's first button: the negative one, the safe default.
        const actions = document.querySelectorAll('.n-dialog__action');
        actions[actions.length - 1]?.querySelector<HTMLButtonElement>('button')?.focus();
      },
    });
    function onKey(event: KeyboardEvent): void {
      if (event.isComposing) return;
      if (event.key === 'Enter' && options.enterConfirms) {
        event.preventDefault();
        event.stopPropagation();
        d.destroy();
        done(true);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        d.destroy();
        done(false);
      }
    }
    window.addEventListener('keydown', onKey, true);
  });
}
