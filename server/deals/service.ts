/**
 * The deals service: the hub starts and stops it. Every beat it fires the on-air item's preset when its
 * second comes (auto-fire) and ends the deals and coupons whose time is up or whose stock is gone. An end
 * the store refuses is logged and tried again after a pause; the deal stays live in memory as on disk.
 */
import type { HubContext } from '../control/context.js';
import { endCoupon } from './coupons.js';
import { dealHandlers, endDeal } from './handlers.js';
import type { Ended } from './once.js';

/** How long the sweep leaves an end the store refused before trying it again (a full disk is not fixed in a tick). */
export const END_RETRY_MS = 1000;

export interface DealsServiceOptions {
  /** How often the sweep runs, ms (the hub's tick). */
  everyMs: number;
  /** Where refused ends and failed auto-fires are reported; default console.warn. */
  log?: (line: string) => void;
  /** Real milliseconds, for the retry pause (the hub's clock may be a test's, standing still). */
  monotonic?: () => number;
}

export interface DealsService {
  start(): void;
  /** Stops the beat and waits for a sweep in progress, so nothing writes after the hub closes its file. */
  stop(): Promise<void>;
  /** One sweep now (what each beat does). */
  sweep(): Promise<void>;
}

/**
 * Fires the current item's deal preset by itself when its slot reaches `autoFireAtSec`, once per
 * airing (a deal on that sku started during this airing counts, so a restart does not fire twice).
 */
async function autoFire(ctx: HubContext, now: number): Promise<void> {
  const airing = ctx.live.current();
  if (!airing) return;
  const item = ctx.live.runsheet.find((i) => i.itemId === airing.itemId);
  const preset = item?.dealPreset;
  if (!item || !preset || preset.autoFireAtSec === undefined) return;
  if (now - airing.startedAt < preset.autoFireAtSec * 1000) return;
  if (ctx.live.deals().some((d) => d.sku === item.sku && d.startedAt >= airing.startedAt)) return;
  const fired = await dealHandlers['deal.fire'](
    {
      sku: item.sku,
      priceFen: preset.priceFen,
      stock: preset.stock,
      perUserLimit: preset.perUserLimit,
      durationSec: preset.durationSec,
      confirmUnderFloor: false,
      requestId: `auto-${item.itemId}-${airing.startedAt}`,
    },
    ctx,
    { actor: 'auto' },
  );
  if (!fired.ok) throw Object.assign(new Error(fired.error.message), { code: fired.error.code });
}

export function createDealsService(ctx: HubContext, options: DealsServiceOptions): DealsService {
  const log = options.log ?? ((line: string) => console.warn(`[livedeck deals] ${line}`));
  const monotonic = options.monotonic ?? (() => performance.now());
  /** Ends (and auto-fires) that failed: not tried again before `until`; `code` so one trouble is logged once. */
  const held = new Map<string, { until: number; code: string }>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  /** Runs one attempt unless it is held after a failure; logs a failure when it is new. */
  async function attempt(key: string, what: string, run: () => Promise<Ended>): Promise<void> {
    const hold = held.get(key);
    if (hold && monotonic() < hold.until) return;
    let result: Ended;
    try {
      result = await run();
    } catch (err) {
      const e = err as Error & { code?: string };
      result = { ok: false, error: { code: e.code ?? 'internal', message: e.message } };
    }
    if (result.ok) {
      if (hold) log(`${what}: done after the store refused it before`);
      held.delete(key);
      return;
    }
    if (hold?.code !== result.error.code) log(`${what}: ${result.error.code}: ${result.error.message}; trying again every ${END_RETRY_MS / 1000} s`);
    held.set(key, { until: monotonic() + END_RETRY_MS, code: result.error.code });
  }

  async function sweep(): Promise<void> {
    const now = ctx.now();
    const airing = ctx.live.current();
    await attempt(`auto:${airing?.itemId}:${airing?.startedAt}`, 'auto-fire of the on-air preset', async () => {
      await autoFire(ctx, now);
      return { ok: true, ended: false };
    });
    for (const d of ctx.live.deals()) {
      if (d.endedAt !== null) continue;
      const reason = Math.max(d.sold, d.claimed) >= d.stock ? 'sold_out' : now >= d.endsAt ? 'time' : null;
      if (reason) await attempt(`deal:${d.dealId}`, `ending deal ${d.dealId} (${reason})`, () => endDeal(ctx, d.dealId, reason, 'hub'));
    }
    for (const c of ctx.live.coupons()) {
      if (c.endedAt !== null) continue;
      const reason = c.claimed >= c.quantity ? 'claimed_out' : now >= c.endsAt ? 'time' : null;
      if (reason) await attempt(`coupon:${c.couponId}`, `ending coupon ${c.couponId} (${reason})`, () => endCoupon(ctx, c.couponId, reason, 'hub'));
    }
    for (const key of held.keys()) if (!key.startsWith('auto:') && !stillLive(key)) held.delete(key);
  }

  /** Whether a held deal or coupon is still live (else its hold is forgotten). */
  function stillLive(key: string): boolean {
    const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const offer = kind === 'deal' ? ctx.live.deal(id) : ctx.live.coupon(id);
    return offer !== undefined && offer.endedAt === null;
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        // One sweep at a time: a slow write holds the next beat back rather than running two sweeps.
        if (running) return;
        running = sweep().finally(() => (running = null));
      }, options.everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
    sweep,
  };
}
