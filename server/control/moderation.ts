/**
 * Comment moderation: the pinned comment (置顶) and the studio's blocked words (屏蔽词), kept in the
 * studio's settings so a restart keeps both, and pushed to every screen with the live state.
 */
import type { ModerationState, PinnedComment } from '../protocol/index.js';
import { cleanBlockedWords } from '../rules/index.js';
import type { Repository } from '../store/index.js';
import { fail, type Handlers, type HubContext } from './context.js';

const PINNED = 'moderation.pinned';
const WORDS = 'moderation.blockedWords';

/** The moderation state and a change counter, so the hub pushes it only when it changed. */
export interface Moderation {
  state(): ModerationState;
  /** Increases on every change. */
  readonly version: number;
  pin(comment: PinnedComment | null): void;
  setWords(words: string[]): void;
}

export function createModeration(repo: Repository): Moderation {
  const stored = repo.setting(WORDS);
  let pinned = (repo.setting(PINNED) as PinnedComment | null | undefined) ?? null;
  let blockedWords = Array.isArray(stored) ? cleanBlockedWords(stored.filter((w): w is string => typeof w === 'string')) : [];
  let version = 0;
  return {
    state: () => ({ pinned, blockedWords }),
    get version() {
      return version;
    },
    pin(comment) {
      repo.putSetting(PINNED, comment);
      pinned = comment;
      version++;
    },
    setWords(words) {
      repo.putSetting(WORDS, words);
      blockedWords = words;
      version++;
    },
  };
}

export type ModerationHandlers = Handlers<'comment.pin' | 'comment.unpin' | 'moderation.words', Pick<HubContext, 'live' | 'repo' | 'now' | 'moderation'>>;

export const moderationHandlers: ModerationHandlers = {
  'comment.pin'({ key }, ctx, caller) {
    const now = ctx.now();
    // A question card, else a line of the feed the screens were sent.
    const source = ctx.live.question(key) ?? ctx.live.snapshot(now).comments.find((c) => c.key === key);
    if (!source) return fail('not_found', 'That comment is no longer in the feed.');
    const pinned: PinnedComment = { key, platform: source.platform, nick: source.nick || source.userId, text: source.text, ts: source.ts, pinnedAt: now, by: caller.actor };
    ctx.repo.transaction(() => {
      ctx.moderation.pin(pinned);
      ctx.repo.audit(now, caller.actor, 'comment.pin', { key, text: source.text });
    });
    return { ok: true, key };
  },
  'comment.unpin'(_input, ctx, caller) {
    const was = ctx.moderation.state().pinned;
    if (was) {
      ctx.repo.transaction(() => {
        ctx.moderation.pin(null);
        ctx.repo.audit(ctx.now(), caller.actor, 'comment.unpin', { key: was.key });
      });
    }
    return { ok: true, key: was?.key ?? null };
  },
  'moderation.words'({ words }, ctx, caller) {
    const kept = cleanBlockedWords(words);
    ctx.repo.transaction(() => {
      ctx.moderation.setWords(kept);
      ctx.repo.audit(ctx.now(), caller.actor, 'moderation.words', { words: kept });
    });
    return { ok: true, words: kept };
  },
};
