/** The show (场次): which session is live, and starting, renaming or ending it. */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SessionInfo } from '@protocol';
import { listen, send } from '../api/feed';

export const useSessionStore = defineStore('session', () => {
  /** The live session, or null when the studio is off air. */
  const session = ref<SessionInfo | null>(null);
  /** True while a start/end request waits for the hub. */
  const pending = ref(false);
  /** The show this window just ended (下播), for its summary; null once the summary is closed. */
  const endedShow = ref<{ sessionId: number; title: string; targetFen?: number } | null>(null);

  const isLive = computed(() => session.value !== null && session.value.endedAt === null);
  /** The live show was opened by the audience (自动场次), not started by a producer. */
  const isAuto = computed(() => isLive.value && session.value?.auto === true);

  /** Takes the session from a push (same object shape as the hub's). */
  function applySession(next: SessionInfo | null): void {
    const prev = session.value;
    if (prev === next) return;
    if (
      prev &&
      next &&
      prev.id === next.id &&
      prev.title === next.title &&
      prev.endedAt === next.endedAt &&
      prev.startedAt === next.startedAt &&
      prev.auto === next.auto &&
      prev.targetFen === next.targetFen
    )
      return;
    session.value = next;
  }

  listen('snapshot', (s) => applySession(s.session));
  listen('tick', (t) => applySession(t.session));

  /** Starts a show (`session.start`), with a GMV target in fen or none; resolves true when the hub agreed. */
  async function start(title: string, targetFen: number | null = null): Promise<boolean> {
    pending.value = true;
    try {
      return (await send('session.start', { title, ...(targetFen !== null ? { targetFen } : {}) })).ok;
    } finally {
      pending.value = false;
    }
  }

  /** Names the live show and sets its GMV target (`session.rename`; null: none); resolves true when the hub agreed. */
  async function rename(title: string, targetFen?: number | null): Promise<boolean> {
    return (await send('session.rename', { title, ...(targetFen !== undefined ? { targetFen } : {}) })).ok;
  }

  /** Ends the live show (`session.end`) and asks for its summary. */
  async function end(): Promise<boolean> {
    const title = session.value?.title ?? '';
    const targetFen = session.value?.targetFen;
    pending.value = true;
    try {
      const ack = await send('session.end', {});
      if (ack.ok) endedShow.value = { sessionId: ack.sessionId, title, ...(targetFen !== undefined ? { targetFen } : {}) };
      return ack.ok;
    } finally {
      pending.value = false;
    }
  }

  return { session, pending, endedShow, isLive, isAuto, applySession, start, rename, end };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot));
