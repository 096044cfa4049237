/** The number helpers of `i18n/format.ts`, bound to the UI's current locale (re-rendering on switch). */
import { useI18n } from 'vue-i18n';
import { formatClock, formatCount, formatDateTime, formatDuration, formatMoney, formatPercent, type AppLocale, type MoneyOptions } from '../i18n/format';

export function useFormat() {
  const { locale } = useI18n();
  const l = () => locale.value as AppLocale;
  return {
    money: (fen: number, options?: MoneyOptions) => formatMoney(fen, l(), options),
    count: (n: number, compact = false) => formatCount(n, l(), compact),
    percent: (fraction: number, digits = 1) => formatPercent(fraction, l(), digits),
    duration: formatDuration,
    clock: (ms: number, seconds = true) => formatClock(ms, l(), seconds),
    dateTime: (ms: number) => formatDateTime(ms, l()),
  };
}
