/**
 * vue-i18n, Composition mode. Chinese is the default; English is complete (a test checks both have
 * the same keys). The choice is kept per machine and switches live.
 */
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';
import type { AppLocale } from './format';

export type MessageSchema = typeof zhCN;

const LOCALE_KEY = 'livedeck.locale';
export const locales: AppLocale[] = ['zh-CN', 'en'];

function initialLocale(): AppLocale {
  const kept = typeof localStorage === 'undefined' ? null : localStorage.getItem(LOCALE_KEY);
  return kept === 'en' || kept === 'zh-CN' ? kept : 'zh-CN';
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
});

/** Switches the UI language now and remembers it. */
export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(LOCALE_KEY, locale);
  document.documentElement.lang = locale;
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value;
}

/**
 * The words for an error the hub answered with `code`, in the UI's language: `errors.<code>`, given
 * the hub's own sentence as `{message}` (some texts quote it). An unknown code shows the sentence.
 */
export function errorText(code: string | undefined, message: string): string {
  const key = `errors.${code}`;
  return code && i18n.global.te(key) ? i18n.global.t(key, { message }) : message;
}
