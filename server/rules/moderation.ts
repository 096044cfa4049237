/**
 * The studio's blocked words (屏蔽词): a comment containing one is hidden from the inbox, the prompter
 * and the screens — still counted in the show's figures and the recap, never deleted. One rule, so
 * every screen hides the same comments.
 */

/** How a word and a comment are compared: full-width folded to half-width, case and spaces ignored. */
const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/** The words as the studio keeps them: trimmed, empty ones dropped, repeats (after folding) once. */
export function cleanBlockedWords(words: readonly string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const w of words) {
    const word = w.trim();
    const key = fold(word);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    kept.push(word);
  }
  return kept;
}

/** The first blocked word a comment contains, or null. */
export function blockedWordIn(text: string, words: readonly string[]): string | null {
  if (!words.length) return null;
  const folded = fold(text);
  for (const w of words) {
    const key = fold(w);
    if (key && folded.includes(key)) return w;
  }
  return null;
}
