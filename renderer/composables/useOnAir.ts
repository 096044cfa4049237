/**
 * What is on air, as run-sheet rows: the live state says which item airs, the run-sheet store knows
 * the rows. A view across both stores, so neither has to import the other.
 */
import { computed } from 'vue';
import { useLiveStore } from '../stores/live';
import { useRunsheetStore, type RunsheetRow } from '../stores/runsheet';

export function useOnAir() {
  const live = useLiveStore();
  const runsheet = useRunsheetStore();
  /** The item on air, as a run-sheet row (null when nothing airs or the sheet no longer has it). */
  const currentRow = computed<RunsheetRow | null>(() => {
    const current = live.current;
    if (!current) return null;
    return runsheet.rows.find((r) => r.item.itemId === current.itemId) ?? null;
  });
  /** The row after the one on air (or the first when nothing is on air). */
  const nextRow = computed<RunsheetRow | null>(() => runsheet.rows[currentRow.value ? currentRow.value.index + 1 : 0] ?? null);
  return { currentRow, nextRow };
}
