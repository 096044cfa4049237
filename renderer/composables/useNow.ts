/** A clock on the hub's time, ticking every `intervalMs`, for slot timers, countdowns and the top-bar clock. */
import { onBeforeUnmount, ref, type Ref } from 'vue';
import { hubNow } from '../api/feed';

export function useNow(intervalMs = 250): Ref<number> {
  const now = ref(hubNow());
  const timer = setInterval(() => (now.value = hubNow()), intervalMs);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
