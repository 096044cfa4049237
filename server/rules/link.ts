/**
 * 链接号 (小黄车序号): viewers ask for a product by its number in the shopping bag — "7号链接",
 * "7号多少钱", "#7", "七号有货吗", "链接7". One reading, so the question inbox and anything else that
 * answers them agree on which number a comment names.
 */

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A Chinese numeral up to 99 (七, 十二, 二十, 二十三), or null. */
function chineseNumber(s: string): number | null {
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  if (!m[2]) return m[3] ? null : DIGIT[m[1]];
  return (m[1] ? DIGIT[m[1]] : 1) * 10 + (m[3] ? DIGIT[m[3]] : 0);
}

// The number, then what marks it as a link: 号 (not 号码/号数: a size or a phone), or before it 链接/#.
const MENTION = /(?:链接|#|＃)\s*([0-9０-９]{1,3}|[一二两三四五六七八九十]{1,3})(?![0-9０-９])|([0-9０-９]{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:号(?!码|数|前|后|之前|之后|发货|到货|开始)|链接)/g;

/**
 * The link numbers a comment names, in order of appearance, without repeats. A number is read only
 * where it is marked as a link: "7号", "7号链接", "#7", "链接7", "七号"; "双11", "37码" and "12点" are
 * not links. A date ("12号发货吗") reads as a number too; the caller shows it only when a run-sheet
 * item has that link, beside the question, for the operator to judge.
 */
export function linkNosMentioned(text: string): number[] {
  const found: number[] = [];
  for (const m of text.normalize('NFKC').matchAll(MENTION)) {
    const raw = m[1] ?? m[2];
    const n = /^[0-9]+$/.test(raw) ? Number(raw) : chineseNumber(raw);
    if (n !== null && n >= 1 && !found.includes(n)) found.push(n);
  }
  return found;
}
