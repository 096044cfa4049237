/**
 * The live picture: KPIs, buckets, markers, deals, the item on air. Fed by the hub's `snapshot`
 * (replace everything) and `tick` (full small state + buckets touched since the last push, which
 * replace by `sec`; new markers and comments, deduplicated because a snapshot and the next tick may
 * overlap). Memory is bounded: 30 minutes of seconds, the whole show in minutes.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { Bucket, ItemAiring, Kpis, LiveCoupon, LiveDeal, LiveSnapshot, LiveState, LiveTick, Marker, PlatformStatus } from '@protocol';
import { MAX_MARKERS } from '../../server/protocol/bounds';
import { listen, pushedHubAt, requestSnapshot } from '../api/feed';
import { SECONDS_KEPT, contiguousMinutes, mergeBuckets, minuteOf, onlineSeries, pruneOlderThan, sorted } from '../lib/buckets';

const emptyKpis = (): Kpis => ({
  paidGmvFen: 0,
  refundFen: 0,
  orders: 0,
  buyers: 0,
  units: 0,
  online: 0,
  peakOnline: 0,
  views: 0,
  viewers: 0,
  comments: 0,
  conversion: 0,
  gpmFen: 0,
});

/** A seq jump asks for a snapshot at most this often (see the `tick` listener). */
const SNAPSHOT_REQUEST_GAP_MS = 10_000;

const markerKey = (m: Marker) => `${m.ts}|${m.kind}|${m.label}`;

/** Minutes past the hub's clock a live chart still draws (a connector whose clock runs ahead). */
const FUTURE_MINUTES_DRAWN = 5;

export const useLiveStore = defineStore('live', () => {
  /** Totals over every platform, computed by the hub. */
  const kpis = ref<Kpis>(emptyKpis());
  /** The same KPIs per platform id. */
  const byPlatform = ref<Record<string, Kpis>>({});
  /** Sequence number of the last push applied. */
  const seq = ref(0);
  /** The run-sheet item on air, if any. */
  const current = ref<ItemAiring | null>(null);
  /** Every airing of this session, oldest first. */
  const airings = ref<ItemAiring[]>([]);
  /** Deals of this session (the hub sends the last 20). */
  const deals = ref<LiveDeal[]>([]);
  /** Coupon drops of this session (the hub sends the last 20). */
  const coupons = ref<LiveCoupon[]>([]);
  /** When each platform last sent something. */
  const platforms = ref<PlatformStatus[]>([]);
  /** A problem every screen must show (disk full…), or null. */
  const alarm = ref<string | null>(null);
  /** Per-second buckets, last {@link SECONDS_KEPT} seconds. Raw map; `bucketsVersion` signals change. */
  const seconds = shallowRef(new Map<number, Bucket>());
  /** Per-minute buckets of the whole show. */
  const minutes = shallowRef(new Map<number, Bucket>());
  /** Items changed, deals fired, stream gaps: drawn as lines on every chart. */
  const markers = ref<Marker[]>([]);
  /** Snapshots received (the first, and one per reconnect or resync). */
  const snapshots = ref(0);

  let markerKeys = new Set<string>();
  let lastSnapshotRequest = 0;

  /**
   * Ticks carry the whole small state every time; assigning only what differs keeps the screens from
   * re-rendering five times a second for nothing.
   */
  const lastJson = new Map<string, string>();
  function changed(field: string, value: unknown): boolean {
    const json = JSON.stringify(value);
    if (lastJson.get(field) === json) return false;
    lastJson.set(field, json);
    return true;
  }

  function applyState(s: LiveState): void {
    seq.value = s.seq;
    if (changed('kpis', s.kpis)) kpis.value = s.kpis;
    if (changed('byPlatform', s.byPlatform)) byPlatform.value = s.byPlatform;
    if (changed('current', s.current)) current.value = s.current;
    if (changed('airings', s.airings)) airings.value = s.airings;
    if (changed('deals', s.deals)) deals.value = s.deals;
    if (changed('coupons', s.coupons)) coupons.value = s.coupons ?? [];
    if (changed('platforms', s.platforms)) platforms.value = s.platforms;
    alarm.value = s.alarm;
  }

  /** Replaces everything with a full snapshot (connect, reconnect, resync). */
  function applySnapshot(s: LiveSnapshot): void {
    applyState(s);
    const sec = new Map<number, Bucket>();
    mergeBuckets(sec, s.seconds);
    const min = new Map<number, Bucket>();
    mergeBuckets(min, s.minutes);
    seconds.value = sec;
    minutes.value = min;
    markers.value = s.markers.slice();
    markerKeys = new Set(s.markers.map(markerKey));
    snapshots.value++;
  }

  /** Folds one tick in: buckets replace by `sec`, markers and comments are appended once. */
  function applyTick(t: LiveTick): void {
    applyState(t);
    if (t.seconds.length) {
      mergeBuckets(seconds.value, t.seconds);
      const newest = t.seconds[t.seconds.length - 1].sec;
      if (seconds.value.size > SECONDS_KEPT + 120) pruneOlderThan(seconds.value, Math.max(newest, Math.floor(t.serverNow / 1000)), SECONDS_KEPT);
      triggerRef(seconds);
    }
    if (t.minutes.length) {
      mergeBuckets(minutes.value, t.minutes);
      triggerRef(minutes);
    }
    const fresh = t.markers.filter((m) => !markerKeys.has(markerKey(m)));
    if (fresh.length) {
      let list = markers.value.slice();
      for (const m of fresh) {
        markerKeys.add(markerKey(m));
        // A merged stream gap replaces the gaps of its platform it covers (the hub merges them).
        if (m.kind === 'gap' && m.toTs !== undefined) list = list.filter((o) => !(o.kind === 'gap' && o.platform === m.platform && o.ts >= m.ts && o.ts <= m.toTs!));
        list.push(m);
      }
      // The hub sends at most MAX_MARKERS in a snapshot; a long session's ticks keep the same bound here.
      if (list.length > MAX_MARKERS) list = list.slice(-MAX_MARKERS);
      if (markerKeys.size > MAX_MARKERS * 4) markerKeys = new Set(list.map(markerKey));
      markers.value = list;
    }
  }

  /*
   * The feed's `snapshot` and `tick`, bound once for the store's life. A tick whose `seq` jumps by
   * more than one means pushes were missed: ask for a snapshot. The hub numbers every snapshot it
   * sends to any window from the same counter, so other windows connecting also make the count jump;
   * requests are therefore spaced out rather than sent on every jump.
   */
  listen('snapshot', applySnapshot);
  listen('tick', (t: LiveTick) => {
    const jumped = seq.value > 0 && t.seq > seq.value + 1;
    applyTick(t);
    const now = Date.now();
    if (jumped && now - lastSnapshotRequest > SNAPSHOT_REQUEST_GAP_MS) {
      lastSnapshotRequest = now;
      requestSnapshot();
    }
  });

  /** Per-second buckets in time order. */
  const secondList = computed(() => sorted(seconds.value));
  /** Minute buckets in time order as the hub sent them (holes where nothing happened). */
  const minuteList = computed(() => sorted(minutes.value));

  /** Minute buckets from the first to the one now, with no holes (what the charts draw). */
  const minutesContiguous = computed(() => {
    const list = minuteList.value;
    if (!list.length) return [];
    const nowMin = minuteOf(Math.floor(pushedHubAt.value / 1000));
    // Up to now, or a little past it for a clock a bit ahead, never to a far-future bucket's minute.
    const last = Math.min(list[list.length - 1].sec, nowMin + FUTURE_MINUTES_DRAWN * 60);
    return contiguousMinutes(minutes.value, list[0].sec, Math.max(nowMin, last));
  });

  /** `[sec, online]` per second, unknown seconds carrying the last known value. */
  const onlinePerSecond = computed(() => onlineSeries(secondList.value));
  /** `[sec, online]` per minute over the whole show. */
  const onlinePerMinute = computed(() => onlineSeries(minutesContiguous.value));

  /** The deal live now, if any (newest first). */
  const liveDeal = computed(() => [...deals.value].reverse().find((d) => d.endedAt === null) ?? null);
  /** The newest live coupon, if any. */
  const liveCoupon = computed(() => [...coupons.value].reverse().find((c) => c.endedAt === null) ?? null);

  return {
    kpis,
    byPlatform,
    seq,
    current,
    airings,
    deals,
    coupons,
    platforms,
    alarm,
    seconds,
    minutes,
    markers,
    snapshots,
    secondList,
    minuteList,
    minutesContiguous,
    onlinePerSecond,
    onlinePerMinute,
    liveDeal,
    liveCoupon,
    applySnapshot,
    applyTick,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLiveStore, import.meta.hot));
