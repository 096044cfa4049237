/**
 * A value computed by `build` at most once per `ms` (trailing edge included), so a chart fed by ticks
 * rebuilds and redraws at a calm, bounded rate however fast data arrives. `build`'s reactive reads are
 * tracked; a change only schedules the next build, it never runs `build` on the spot.
 */
import { effect, onBeforeUnmount, shallowRef, stop, type Ref } from 'vue';

export function useThrottled<T>(build: () => T, ms: number): Ref<T> {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const runner = effect(build, { scheduler: () => schedule() });
  const out = shallowRef(runner()) as Ref<T>;
  last = Date.now();

  function flush(): void {
    timer = null;
    last = Date.now();
    out.value = runner();
  }
  function schedule(): void {
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, ms - (Date.now() - last)));
  }
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer);
    stop(runner);
  });
  return out;
}
