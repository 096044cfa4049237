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

/** Asks yes/no in a modal; resolves true on the positive button. */
export function confirm(options: { title: string; content: string; positiveText: string; negativeText: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    const d = (options.danger ? dialog.warning : dialog.info)({
      title: options.title,
      content: options.content,
      positiveText: options.positiveText,
      negativeText: options.negativeText,
      onPositiveClick: () => resolve(true),
      onNegativeClick: () => resolve(false),
      onClose: () => resolve(false),
      onMaskClick: () => resolve(false),
    });
    void d;
  });
}
