/** A clock on the hub's time, ticking every `intervalMs`, for slot timers, countdowns and the top-bar clock. */
import { onBeforeUnmount, ref, type Ref } from 'vue';
import { useConnectionStore } from '../stores/connection';

export function useNow(intervalMs = 250): Ref<number> {
  const connection = useConnectionStore();
  const now = ref(connection.serverNow());
  const timer = setInterval(() => (now.value = connection.serverNow()), intervalMs);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
