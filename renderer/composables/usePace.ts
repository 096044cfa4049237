/**
 * The show's pace (last 10 minutes against the 10 before, from minute buckets): a view across the live
 * figures and the session, so it lives here rather than in either store.
 */
import { computed } from 'vue';
import { pushedHubAt } from '../api/feed';
import { computePace, notablePace } from '../lib/pace';
import { useLiveStore } from '../stores/live';
import { useSessionStore } from '../stores/session';

export function usePace() {
  const live = useLiveStore();
  const session = useSessionStore();
  /** Pace since the show started (or the first minute the hub sent), at the hub's clock of the last push. */
  const pace = computed(() => {
    const first = live.minuteList[0]?.sec;
    const started = session.session;
    const since = started ? Math.floor(started.startedAt / 1000) : (first ?? Number.POSITIVE_INFINITY);
    return computePace(live.minutes, Math.floor(pushedHubAt.value / 1000), Math.min(since, first ?? since));
  });
  /** The pace lines worth showing, biggest change first. */
  const paceNotable = computed(() => notablePace(pace.value));
  return { pace, paceNotable };
}
