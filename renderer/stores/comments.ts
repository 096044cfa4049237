/**
 * The comment inbox: one feed across every platform, and questions lifted out as cards a moderator
 * can claim (everyone sees who has it), answer, or send to the prompter.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CommentEntry, LiveState, ModerationState, PinnedComment, QuestionCard } from '@protocol';
import { blockedWordIn } from '@rules';
import { listen, send } from '../api/feed';

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

  /** The comment pinned (置顶) on the prompter and the big screen, or null. */
  const pinned = ref<PinnedComment | null>(null);
  /** The studio's blocked words (屏蔽词): comments containing one are hidden here, still counted in the figures. */
  const blockedWords = ref<string[]>([]);

  function applyModeration(m: ModerationState): void {
    if (JSON.stringify(m.pinned) !== JSON.stringify(pinned.value)) pinned.value = m.pinned;
    if (m.blockedWords.join('\n') !== blockedWords.value.join('\n')) blockedWords.value = m.blockedWords;
  }
  const blocked = (text: string) => blockedWordIn(text, blockedWords.value) !== null;

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

  /** Ticks carry the questions every time; a new array only when they changed keeps the inbox still. */
  let lastQuestionsJson = '';
  function takeState(s: LiveState): void {
    const json = JSON.stringify([s.questions, s.promptedQuestion, s.questionsWaiting]);
    if (json !== lastQuestionsJson) {
      lastQuestionsJson = json;
      applyQuestions(s.questions, s.promptedQuestion, s.questionsWaiting);
    }
    if (s.moderation) applyModeration(s.moderation);
  }
  listen('snapshot', (s) => {
    takeState(s);
    replaceFeed(s.comments);
  });
  listen('tick', (t) => {
    takeState(t);
    if (t.comments.length) appendFeed(t.comments);
  });

  /** The feed without blocked comments: what the inbox draws. */
  const visibleFeed = computed(() => (blockedWords.value.length ? feed.value.filter((c) => !blocked(c.text)) : feed.value));
  /** Oldest first (as the hub sends them): the one waiting longest is answered first. Blocked ones are left out. */
  const openQuestions = computed(() => questions.value.filter((q) => q.status !== 'answered' && !blocked(q.text)));
  /** Comments held back by a blocked word among those this window was sent (feed lines and open questions). */
  const blockedCount = computed(() => {
    if (!blockedWords.value.length) return 0;
    const keys = new Set<string>();
    for (const c of feed.value) if (blocked(c.text)) keys.add(c.key);
    for (const q of questions.value) if (q.status !== 'answered' && blocked(q.text)) keys.add(q.key);
    return keys.size;
  });
  /** Unanswered questions a person can see: the hub's count less the blocked ones it sent. */
  const visibleWaiting = computed(() => Math.max(0, waiting.value - questions.value.filter((q) => q.status !== 'answered' && blocked(q.text)).length));
  /** The question on the prompter, unless a blocked word came in after it was sent there. */
  const visiblePrompted = computed(() => (promptedQuestion.value && !blocked(promptedQuestion.value.text) ? promptedQuestion.value : null));
  /** The oldest question nobody has claimed. */
  const nextUnclaimed = computed(() => openQuestions.value.find((q) => q.status === 'open') ?? null);

  async function act(action: 'comment.claim' | 'comment.release' | 'comment.answer' | 'comment.prompt' | 'comment.pin', key: string): Promise<boolean> {
    if (busy.value.has(key)) return false;
    busy.value = new Set(busy.value).add(key);
    try {
      return (await send(action, { key })).ok;
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

  /** Pins a comment on the prompter and the big screen (置顶); replaces the one pinned before. */
  const pin = (key: string) => act('comment.pin', key);
  /** Takes the pinned comment down. */
  async function unpin(): Promise<boolean> {
    return (await send('comment.unpin', {})).ok;
  }
  /** Replaces the studio's blocked words. */
  async function setBlockedWords(words: string[]): Promise<boolean> {
    return (await send('moderation.words', { words })).ok;
  }

  /** The oldest question this desk claimed, for the keyboard. */
  function mine(name: string): QuestionCard | null {
    return openQuestions.value.find((q) => q.status === 'claimed' && q.claimedBy === name) ?? null;
  }

  return {
    feed,
    questions,
    waiting,
    promptedQuestion,
    busy,
    pinned,
    blockedWords,
    visibleFeed,
    openQuestions,
    blockedCount,
    visibleWaiting,
    visiblePrompted,
    nextUnclaimed,
    replaceFeed,
    appendFeed,
    applyQuestions,
    applyModeration,
    claim,
    release,
    answer,
    prompt,
    pin,
    unpin,
    setBlockedWords,
    mine,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCommentsStore, import.meta.hot));
