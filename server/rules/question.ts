/**
 * Comment triage: which comments are questions worth a host's answer, and which carry a producer's
 * keywords. One rule, so the live feed, the question inbox and the recap's unanswered questions agree
 * on what a question is (DESIGN §5).
 */

/** Marks that make a Chinese or English comment a question. */
const QUESTION_PATTERN =
  /[?？]|吗|么$|多少|怎么|怎样|有没有|能不能|可不可以|可以.{0,6}[吗嘛]|尺码|尺寸|链接|几号|哪里|哪个|什么时候|啥时候|包邮|发货|优惠券|还有货|有货|适合|敏感肌|how |what |when |where |does |can i|is it/i;

/** Words a producer wants lifted out even when they are not phrased as questions. */
export const DEFAULT_KEYWORDS: readonly string[] = ['链接', '优惠券', '尺码', '价格', '发货', '退货', '库存', '秒杀'];

/** What triage makes of one comment. */
export interface Triage {
  question: boolean;
  /** The keywords the text contains, in the order they were given. */
  keywords: string[];
}

/** True when a comment asks something (a question mark, 吗, 多少, 怎么, 有没有, 尺码, 链接 …). */
export function isQuestion(text: string): boolean {
  return QUESTION_PATTERN.test(text);
}

/**
 * What makes two questions the same for grouping: the text with spaces and punctuation left out,
 * full-width letters and digits made half-width, case folded — "多少钱？", "多少钱?" and "多少 钱" agree.
 */
export function questionGroupKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

export function triageComment(text: string, keywords: readonly string[] = DEFAULT_KEYWORDS): Triage {
  const hits = keywords.filter((k) => text.includes(k));
  return { question: isQuestion(text), keywords: hits };
}
