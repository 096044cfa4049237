/**
 * The comment inbox: one feed across every platform, and questions lifted out as cards a moderator
 * can claim (everyone sees who has it), answer, or send to the prompter.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CommentEntry, QuestionCard } from '@protocol';
import { useConnectionStore } from './connection';

/** How many feed lines the inbox keeps. */
export const FEED_KEPT = 200;

export const useCommentsStore = defineStore('comments', () => {
  /** Latest comments, newest last, at most {@link FEED_KEPT}. */
  const feed = shallowRef<CommentEntry[]>([]);
  /** Open and claimed question cards, as the hub keeps them (answered ones leave). */
  const questions = ref<QuestionCard[]>([]);
  /** Unanswered question cards in all, sent or not (the hub sends the oldest QUESTIONS_SENT, 100). */
  const waiting = ref(0);
  /** The question on the prompter now, if any. */
  const promptedQuestion = ref<QuestionCard | null>(null);
  /** Keys with a request in flight, so a button cannot be pressed twice. */
  const busy = ref<Set<string>>(new Set());

  let feedKeys = new Set<string>();

  function replaceFeed(entries: CommentEntry[]): void {
    feed.value = entries.slice(-FEED_KEPT);
    feedKeys = new Set(feed.value.map((c) => c.key));
  }

  /** Appends new comments once each (a snapshot and the next tick may carry the same ones). */
  function appendFeed(entries: CommentEntry[]): void {
    const fresh = entries.filter((c) => !feedKeys.has(c.key));
    if (!fresh.length) return;
    const next = [...feed.value, ...fresh];
    const kept = next.length > FEED_KEPT ? next.slice(-FEED_KEPT) : next;
    if (kept.length !== next.length) feedKeys = new Set(kept.map((c) => c.key));
    else for (const c of fresh) feedKeys.add(c.key);
    feed.value = kept;
  }

  function applyQuestions(next: QuestionCard[], prompted: QuestionCard | null, waitingTotal?: number): void {
    questions.value = next;
    promptedQuestion.value = prompted;
    waiting.value = waitingTotal ?? next.filter((q) => q.status !== 'answered').length;
  }

  /** Oldest first (as the hub sends them): the one waiting longest is answered first. */
  const openQuestions = computed(() => questions.value.filter((q) => q.status !== 'answered'));
  /** The oldest question nobody has claimed. */
  const nextUnclaimed = computed(() => openQuestions.value.find((q) => q.status === 'open') ?? null);

  async function act(action: 'comment.claim' | 'comment.release' | 'comment.answer' | 'comment.prompt', key: string): Promise<boolean> {
    if (busy.value.has(key)) return false;
    busy.value = new Set(busy.value).add(key);
    try {
      return (await useConnectionStore().send(action, { key })).ok;
    } finally {
      const next = new Set(busy.value);
      next.delete(key);
      busy.value = next;
    }
  }

  /** Takes a question (others see it is taken). */
  const claim = (key: string) => act('comment.claim', key);
  /** Gives a claimed question back to the pool. */
  const release = (key: string) => act('comment.release', key);
  /** Marks a question answered: it leaves the open list. */
  const answer = (key: string) => act('comment.answer', key);
  /** Puts a question on the prompter for the host to answer by voice. */
  const prompt = (key: string) => act('comment.prompt', key);

  /** The oldest question this desk claimed, for the keyboard. */
  function mine(name: string): QuestionCard | null {
    return openQuestions.value.find((q) => q.status === 'claimed' && q.claimedBy === name) ?? null;
  }

  return { feed, questions, waiting, promptedQuestion, busy, openQuestions, nextUnclaimed, replaceFeed, appendFeed, applyQuestions, claim, release, answer, prompt, mine };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCommentsStore, import.meta.hot));
