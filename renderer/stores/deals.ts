/**
 * Flash deals (秒杀) and coupon drops (优惠券) from the control room: fire the current item's preset,
 * drop a coupon, stop either; and the commerce cue's other output, the OBS link (its light and where
 * it points).
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import type { ControlAck, ControlPayload, ControlResults, LiveState, Product, RunsheetItem } from '@protocol';
import { floorFen } from '@rules';
import { canControl, listen, send } from '../api/feed';
import { i18n } from '../i18n';
import { formatCount, formatMoney } from '../i18n/format';
import { confirm, notifyError, notifySuccess } from '../ui/feedback';

/** The OBS link as the hub reports it in the live state; null when no OBS is configured. */
export type ObsStatus = LiveState['obs'];

export const useDealsStore = defineStore('deals', () => {
  /** True while a fire/stop waits for the hub (the key cannot fire twice). */
  const pending = ref(false);
  /** The OBS link's light from the last push (null: not configured). */
  const obs = ref<ObsStatus>(null);
  /** The studio's default brand floor (a fraction of list price) from the hub; null: none. */
  const studioFloorRatio = ref<number | null>(null);
  /** The last error OBS gave when it was configured from this window, if any. */
  const obsError = ref<string | null>(null);

  /**
   * The brand floor for a product: the lowest deal price the hub takes without an explicit override.
   * The same rule the hub applies (server/rules/floor.ts), so the warning and the refusal agree.
   */
  function floorOf(product: Product | null | undefined): number | null {
    return product ? floorFen(product, studioFloorRatio.value) : null;
  }

  // The OBS light and the studio's floor ride on every push.
  const take = (s: LiveState) => {
    const next = s.obs ?? null;
    if (JSON.stringify(next) !== JSON.stringify(obs.value)) obs.value = next;
    studioFloorRatio.value = s.floorRatio ?? null;
  };
  listen('snapshot', take);
  listen('tick', take);

  /** Points the hub at OBS (obs-websocket v5), or away from it with `url: null`. */
  async function configureObs(url: string | null, password?: string): Promise<ControlAck<'obs.configure'>> {
    const ack = await send('obs.configure', password ? { url, password } : { url });
    obsError.value = ack.ok ? ack.lastError : null;
    return ack;
  }

  /**
   * Fires the deal preset of the item on air (`row`, from `useOnAir`). One request id per press, so a
   * double press starts one deal. Under the brand floor the hub refuses; the operator may confirm the override.
   */
  async function fireCurrent(row: { item: RunsheetItem; product: Product | null } | null): Promise<boolean> {
    const t = i18n.global.t;
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
      let ack = await send('deal.fire', payload, { quiet: true });
      if (!ack.ok && ack.error.code === 'under_floor') {
        const product = row.product;
        const floor = floorOf(product);
        const yes = await confirm({
          title: t('deal.underFloorTitle'),
          content:
            product && floor !== null
              ? t('deal.underFloorBody', {
                  price: formatMoney(preset.priceFen, i18n.global.locale.value),
                  floor: formatMoney(floor, i18n.global.locale.value),
                  title: product.title,
                })
              : ack.error.message,
          positiveText: t('deal.fireAnywayKey'),
          negativeText: t('deal.cancelKey'),
          danger: true,
          enterConfirms: true,
        });
        if (!yes) return false;
        ack = await send('deal.fire', { ...payload, confirmUnderFloor: true });
      } else if (!ack.ok) {
        notifyError(ack.error.message);
      }
      if (ack.ok) notifySuccess(t('deal.fired'));
      return ack.ok;
    } finally {
      pending.value = false;
    }
  }

  /** True while a coupon drop waits for the hub. */
  const dropping = ref(false);

  /**
   * Drops a coupon. One request id per form submit, so a double submit drops one coupon. The hub's
   * refusal comes back as the ack (the form shows it where the operator is looking).
   */
  /** The coupon drop form is open (the 发券 key or `C`). */
  const couponFormOpen = ref(false);

  async function dropCoupon(terms: Omit<ControlPayload<'coupon.drop'>, 'requestId'>): Promise<ControlAck<'coupon.drop'>> {
    if (dropping.value) return { ok: false, error: { code: 'busy', message: i18n.global.t('coupon.busy') } };
    dropping.value = true;
    try {
      const ack = await send('coupon.drop', { ...terms, requestId: `coupon-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` }, { quiet: true });
      if (ack.ok) notifySuccess(i18n.global.t('coupon.dropped'));
      return ack;
    } finally {
      dropping.value = false;
    }
  }

  /** Stops a live coupon (the control room passes the newest live one). */
  async function stopCoupon(coupon: { couponId: string } | null): Promise<boolean> {
    if (!coupon) return false;
    const ack = await send('coupon.stop', { couponId: coupon.couponId });
    return ack.ok;
  }

  /**
   * The live deal the operator asked to stop, waiting for a second, deliberate key (Enter or S) in
   * the stop confirmation; null when nothing is asked. One stray S must never end a live 秒杀.
   */
  const stopAsked = ref<string | null>(null);
  /** How the last deal stopped from this window did, for the panel; null before any. */
  const lastStopped = ref<ControlResults['deal.stop'] | null>(null);

  /**
   * Asks to stop the live deal (S, or the panel's button; the caller passes the live store's `liveDeal`).
   * A stray S with no deal live, or on a read-only screen, does nothing.
   */
  function askStop(deal: { dealId: string } | null): void {
    if (deal && canControl.value) stopAsked.value = deal.dealId;
  }

  /** Stops the deal the confirmation asked about (else `fallback`, the live one); says how it did (units gone of stock, GMV). */
  async function stop(fallback: { dealId: string } | null = null): Promise<boolean> {
    const dealId = stopAsked.value ?? fallback?.dealId;
    stopAsked.value = null;
    if (!dealId) return false;
    const ack = await send('deal.stop', { dealId });
    if (!ack.ok) return false;
    const { ok: _ok, ...result } = ack;
    lastStopped.value = result;
    const locale = i18n.global.locale.value;
    notifySuccess(i18n.global.t('deal.stoppedResult', { gone: formatCount(result.gone, locale), stock: formatCount(result.stock, locale), gmv: formatMoney(result.paidGmvFen, locale) }), 6000);
    return true;
  }

  return { pending, dropping, couponFormOpen, obs, obsError, stopAsked, lastStopped, floorOf, configureObs, fireCurrent, askStop, stop, dropCoupon, stopCoupon };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDealsStore, import.meta.hot));
