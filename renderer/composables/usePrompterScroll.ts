/**
 * Drives a prompter's scroll every animation frame: scrollTop = position × (scrollHeight − clientHeight).
 * The position is a fraction of the script, so screens of any size and type size show the same part.
 */
import { onBeforeUnmount, onMounted, type Ref } from 'vue';

export function usePrompterScroll(scroller: Ref<HTMLElement | null>, position: () => number): void {
  let raf = 0;
  function frame(): void {
    const el = scroller.value;
    if (el) {
      const range = el.scrollHeight - el.clientHeight;
      const target = range > 0 ? position() * range : 0;
      // Writing an unchanged scrollTop still costs a layout; skip sub-pixel no-ops.
      if (Math.abs(el.scrollTop - target) >= 0.5) el.scrollTop = target;
    }
    raf = requestAnimationFrame(frame);
  }
  onMounted(() => (raf = requestAnimationFrame(frame)));
  onBeforeUnmount(() => cancelAnimationFrame(raf));
}
