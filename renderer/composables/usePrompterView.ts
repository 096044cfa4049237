/**
 * What the prompters show, across the prompter's shared state, the item on air and the run-sheet: the
 * item whose script is up, its row, whether that is a look ahead, and the jump key (show the selected
 * row's script, or go back to the one on air). Used by the prompter page, the remote and the control
 * room's keys alike, so none of them calls another.
 */
import { computed } from 'vue';
import { useLiveStore } from '../stores/live';
import { usePrompterStore } from '../stores/prompter';
import { useRunsheetStore, type RunsheetRow } from '../stores/runsheet';

export function usePrompterView() {
  const prompter = usePrompterStore();
  const live = useLiveStore();
  const runsheet = useRunsheetStore();

  /** The run-sheet item whose script the prompters show: a jumped-to one, else the one on air. */
  const itemId = computed(() => prompter.shared.itemId ?? live.current?.itemId ?? null);
  const row = computed<RunsheetRow | null>(() => (itemId.value === null ? null : (runsheet.rows.find((r) => r.item.itemId === itemId.value) ?? null)));
  /** True when the prompters show an item that is not on air (a look ahead). */
  const previewing = computed(() => prompter.shared.itemId !== null && prompter.shared.itemId !== (live.current?.itemId ?? null));

  /** The jump key goes back to the item on air when the prompters look ahead and no other row is chosen. */
  const jumpBack = computed(() => prompter.shared.itemId !== null && (runsheet.selectedItemId === null || runsheet.selectedItemId === prompter.shared.itemId));
  const canJump = computed(() => jumpBack.value || (runsheet.selectedItemId !== null && runsheet.selectedItemId !== itemId.value));

  /** Shift+Enter and the remote's button: show the selected item, or go back to the one on air. */
  function jump(): void {
    if (jumpBack.value) void prompter.jump(null);
    else if (canJump.value) void prompter.jump(runsheet.selectedItemId);
  }

  return { itemId, row, previewing, jumpBack, canJump, jump };
}
