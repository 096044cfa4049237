/** Flash deals (秒杀) from the control room: fire the current item's preset, stop the live one. */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import { i18n } from '../i18n';
import { confirm, notifyError, notifySuccess } from '../ui/feedback';
import { useConnectionStore } from './connection';
import { useLiveStore } from './live';
import { useRunsheetStore } from './runsheet';

export const useDealsStore = defineStore('deals', () => {
  /** True while a fire/stop waits for the hub (the key cannot fire twice). */
  const pending = ref(false);

  /**
   * Fires the deal preset of the item on air. One request id per press, so a double press starts one
   * deal. Under the brand floor the hub refuses; the operator may confirm the override.
   */
  async function fireCurrent(): Promise<boolean> {
    const t = i18n.global.t;
    const row = useRunsheetStore().currentRow;
    const preset = row?.item.dealPreset;
    if (!row || !preset) {
      notifyError(row ? t('deal.noPreset') : t('deal.noItem'));
      return false;
    }
    if (pending.value) return false;
    pending.value = true;
    try {
      const requestId = `${row.item.itemId}-${Date.now()}`;
      const payload = {
        sku: row.item.sku,
        priceFen: preset.priceFen,
        stock: preset.stock,
        perUserLimit: preset.perUserLimit,
        durationSec: preset.durationSec,
        requestId,
      };
      let ack = await useConnectionStore().send('deal.fire', payload, { quiet: true });
      if (!ack.ok && ack.error.code === 'under_floor') {
        const yes = await confirm({
          title: t('deal.underFloorTitle'),
          content: ack.error.message,
          positiveText: t('deal.fireAnyway'),
          negativeText: t('common.cancel'),
          danger: true,
        });
        if (!yes) return false;
        ack = await useConnectionStore().send('deal.fire', { ...payload, confirmUnderFloor: true });
      } else if (!ack.ok) {
        notifyError(ack.error.message);
      }
      if (ack.ok) notifySuccess(t('deal.fired'));
      return ack.ok;
    } finally {
      pending.value = false;
    }
  }

  /** Stops the live deal. */
  async function stop(): Promise<boolean> {
    const deal = useLiveStore().liveDeal;
    const ack = await useConnectionStore().send('deal.stop', deal ? { dealId: deal.dealId } : {});
    return ack.ok;
  }

  return { pending, fireCurrent, stop };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDealsStore, import.meta.hot));
