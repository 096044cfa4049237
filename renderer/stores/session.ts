/** The show (场次): which session is live, and starting or ending it. */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SessionInfo } from '@protocol';
import { useConnectionStore } from './connection';

export const useSessionStore = defineStore('session', () => {
  /** The live session, or null when the studio is off air. */
  const session = ref<SessionInfo | null>(null);
  /** True while a start/end request waits for the hub. */
  const pending = ref(false);

  const isLive = computed(() => session.value !== null && session.value.endedAt === null);

  /** Takes the session from a push (same object shape as the hub's). */
  function applySession(next: SessionInfo | null): void {
    const prev = session.value;
    if (prev === next) return;
    if (prev && next && prev.id === next.id && prev.title === next.title && prev.endedAt === next.endedAt && prev.startedAt === next.startedAt) return;
    session.value = next;
  }

  /** Starts a show (`session.start`); resolves true when the hub agreed. */
  async function start(title: string): Promise<boolean> {
    pending.value = true;
    try {
      return (await useConnectionStore().send('session.start', { title })).ok;
    } finally {
      pending.value = false;
    }
  }

  /** Ends the live show (`session.end`). */
  async function end(): Promise<boolean> {
    pending.value = true;
    try {
      return (await useConnectionStore().send('session.end', {})).ok;
    } finally {
      pending.value = false;
    }
  }

  return { session, pending, isLive, applySession, start, end };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot));
