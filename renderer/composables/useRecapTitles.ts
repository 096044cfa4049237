/**
 * Product titles for the recap page: the report's, and until the report is in, the live catalog's,
 * so the first paint names products rather than raw SKUs; the SKU only when neither knows.
 */
import { computed } from 'vue';
import { useRecapStore } from '../stores/recap';
import { useRunsheetStore } from '../stores/runsheet';

export function useRecapTitles() {
  const recap = useRecapStore();
  const runsheet = useRunsheetStore();
  return computed(() => {
    const titles = recap.report?.titles ?? {};
    const catalog = runsheet.productsBySku;
    return (sku: string) => titles[sku] ?? catalog.get(sku)?.title ?? sku;
  });
}
