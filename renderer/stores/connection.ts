/**
 * The connection as the screens show it: which channel (`/control` for operators, `/view` read-only),
 * its state, this desk's name. The socket itself and the hub's clock live in the feed
 * (renderer/api/feed.ts); this store is their face for components.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed } from 'vue';
import { canControl, channel, clientTimeAt, deskName, info, lastPushAt, reconnects, send, setDeskName, startFeed, status, stopFeed, whenResolved, type FeedStatus } from '../api/feed';

export type ConnectionStatus = FeedStatus;
export { STALE_AFTER_MS } from '../api/feed';

export const useConnectionStore = defineStore('connection', () => {
  const isLive = computed(() => status.value === 'live');
  /** Whole seconds without a push when the hub's clock reads `hubMs` (a `useNow()` value, so it re-renders). */
  const quietSecAt = (hubMs: number) => (lastPushAt.value === null ? 0 : Math.max(0, Math.floor((clientTimeAt(hubMs) - lastPushAt.value) / 1000)));

  return {
    /** What the badge shows. */
    status,
    /** `control` or `view`, null before the first attempt. */
    channel,
    /** Client clock (ms) when the last push arrived. */
    lastTickAt: lastPushAt,
    /** Shown on claimed cards and in the audit log. */
    name: deskName,
    /** Where the hub is and our token. */
    info,
    /** How many times we came back after losing the hub. */
    reconnects,
    /** `control` when our token may act (and the link is up or only quiet). */
    canControl,
    isLive,
    quietSecAt,
    whenResolved,
    start: startFeed,
    stop: stopFeed,
    setName: setDeskName,
    /** Sends a control action (the feed's typed `send`): for actions no domain store owns (tokens). */
    send,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useConnectionStore, import.meta.hot));
