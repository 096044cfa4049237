/**
 * The rules every layer applies (server/rules): on-air price, brand floor, question detection and
 * coupon terms, each checked here once, and the folder's promise that the renderer can take it
 * without pulling zod or the protocol schemas into the UI bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  couponKey,
  couponTermsProblem,
  couponTitle,
  discountUnderThreshold,
  floorFen,
  isQuestion,
  linkNosMentioned,
  livePriceFen,
  onAirPriceFen,
  priceWithCouponFen,
  questionGroupKey,
  triageComment,
} from '../../server/rules/index.js';

const rulesDir = path.resolve(import.meta.dirname, '../../server/rules');

describe('the rules folder', () => {
  it('imports nothing at run time from outside itself (types only), so the UI bundle gets no zod', () => {
    const files = fs.readdirSync(rulesDir).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const file of files) {
      const text = fs.readFileSync(path.join(rulesDir, file), 'utf8');
      const imports = [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)];
      for (const [line, typeOnly, from] of imports) {
        if (typeOnly) continue;
        expect(from, `${file}: ${line}`).toMatch(/^\.\/[\w-]+\.js$/);
      }
      expect(text, file).not.toMatch(/from\s+'(zod|node:[^']*)'|require\(/);
    }
  });
});

describe('on-air price', () => {
  const product = { listPriceFen: 19900, livePriceFen: 12900 };
  it("is the row's live price first", () => {
    expect(onAirPriceFen({ livePriceFen: 9900 }, product)).toBe(9900);
  });
  it("then the product's live price", () => {
    expect(onAirPriceFen({}, product)).toBe(12900);
    expect(onAirPriceFen(null, product)).toBe(12900);
  });
  it('then the list price', () => {
    expect(onAirPriceFen({ livePriceFen: undefined }, { listPriceFen: 19900 })).toBe(19900);
  });
  it('is null with nothing to price', () => {
    expect(onAirPriceFen({}, undefined)).toBeNull();
    expect(onAirPriceFen({ livePriceFen: 500 }, undefined)).toBe(500);
  });
  it('a live price set is the on-air price without the list-price fallback', () => {
    expect(livePriceFen({}, { listPriceFen: 19900 })).toBeNull();
    expect(livePriceFen(null, product)).toBe(12900);
  });
});

describe('brand floor', () => {
  it('is the product ratio of list price, rounded up to a whole fen', () => {
    // 9999 × 0.5 = 4999.5 → 5000
    expect(floorFen({ listPriceFen: 9999, floorRatio: 0.5 })).toBe(5000);
  });

  it('is the brand’s number, never invented: the product’s floor, else the studio default when set, else none', () => {
    expect(floorFen({ listPriceFen: 19900 })).toBeNull();
    expect(floorFen({ listPriceFen: 19900 }, 0.3)).toBe(5970); // 19900 × 0.3
    expect(floorFen({ listPriceFen: 19900, floorFen: 7900 }, 0.3)).toBe(7900);
  });
});

describe('question detection', () => {
  it.each(['多少钱', '链接在哪', '尺码怎么选', '敏感肌能用吗', '有没有优惠券', '能不能便宜点', 'Does it ship abroad?', '几号发货'])('“%s” is a question', (t) => {
    expect(isQuestion(t)).toBe(true);
  });
  it.each(['主播好美', '已拍', '好看', '666', '来了来了'])('“%s” is not', (t) => {
    expect(isQuestion(t)).toBe(false);
  });
  it('lifts out the keywords a comment carries, in the order given', () => {
    expect(triageComment('秒杀的链接呢')).toEqual({ question: true, keywords: ['链接', '秒杀'] });
    expect(triageComment('好看', ['好看'])).toEqual({ question: false, keywords: ['好看'] });
  });
});

describe('coupon terms', () => {
  it('read as buyers read them', () => {
    expect(couponTitle({ discountFen: 3000, thresholdFen: 19900 })).toBe('满199减30');
    expect(couponTitle({ discountFen: 1990 })).toBe('立减19.9元');
    expect(couponTitle({ discountFen: 2000, thresholdFen: 0 })).toBe('立减20元');
  });
  it('are the same drop when sku, threshold and discount agree', () => {
    expect(couponKey({ sku: 'A', discountFen: 3000, thresholdFen: 19900 })).toBe(couponKey({ sku: 'A', discountFen: 3000, thresholdFen: 19900 }));
    expect(couponKey({ discountFen: 3000 })).toBe(couponKey({ sku: null, discountFen: 3000, thresholdFen: 0 }));
    expect(couponKey({ sku: 'A', discountFen: 3000 })).not.toBe(couponKey({ sku: 'B', discountFen: 3000 }));
  });
  it('need a discount under the threshold', () => {
    expect(discountUnderThreshold({ discountFen: 19899, thresholdFen: 19900 })).toBe(true);
    expect(discountUnderThreshold({ discountFen: 19900, thresholdFen: 19900 })).toBe(false);
    expect(discountUnderThreshold({ discountFen: 99999 })).toBe(true);
  });
  it('say what is wrong, first thing first', () => {
    expect(couponTermsProblem({ discountFen: 0, quantity: 0 })).toEqual({ code: 'bad_discount', reason: 'not_positive' });
    expect(couponTermsProblem({ discountFen: 100, quantity: 0 })).toEqual({ code: 'bad_quantity' });
    expect(couponTermsProblem({ discountFen: 5000, thresholdFen: 5000, quantity: 1 })).toEqual({ code: 'bad_threshold' });
    expect(couponTermsProblem({ discountFen: 5000, quantity: 1 }, 4900)).toEqual({ code: 'bad_discount', reason: 'free', priceFen: 4900 });
    expect(couponTermsProblem({ discountFen: 5000, thresholdFen: 9900, quantity: 1 }, 4900)).toBeNull();
    expect(couponTermsProblem({ discountFen: 4800, quantity: 1 }, 4900)).toBeNull();
  });
});

describe('what a coupon does to the price on air, and which questions are the same', () => {
  it('gives the price with a coupon only where it applies: its product or the whole shop, and the threshold met', () => {
    // 满199减30 on a ¥219 item: 219 − 30 = ¥189; under the threshold (¥99) it does not apply.
    expect(priceWithCouponFen(21900, { thresholdFen: 19900, discountFen: 3000, sku: null }, 'A')).toBe(21900 - 3000);
    expect(priceWithCouponFen(9900, { thresholdFen: 19900, discountFen: 3000, sku: null }, 'A')).toBeNull();
    expect(priceWithCouponFen(9900, { discountFen: 1000, sku: 'B' }, 'A')).toBeNull();
    expect(priceWithCouponFen(9900, { discountFen: 1000, sku: 'A' }, 'A')).toBe(9900 - 1000);
    expect(priceWithCouponFen(500, { discountFen: 1000 }, 'A')).toBe(0);
  });

  it('takes questions that differ in spaces, punctuation, width or case as the same', () => {
    expect(questionGroupKey('多少钱？')).toBe(questionGroupKey('多少 钱?'));
    expect(questionGroupKey('ＸＬ有吗？？')).toBe(questionGroupKey('xl有吗'));
    expect(questionGroupKey('有没有大码？')).not.toBe(questionGroupKey('有没有小码？'));
  });
});

describe('the link numbers a comment names (链接号)', () => {
  it('reads 7号, 7号链接, #7, 链接7 and 七号, and not 双11, 37码, 手机号 or 7个链接', () => {
    const cases: [string, number[]][] = [
      ['7号链接多少钱', [7]],
      ['7号有货吗', [7]],
      ['#7 还有吗', [7]],
      ['＃７多少钱', [7]],
      ['链接7怎么拍', [7]],
      ['七号有货吗', [7]],
      ['十二号还有吗', [12]],
      ['二十三号链接', [23]],
      ['3号和5号哪个好', [3, 5]],
      ['7号7号7号', [7]],
      ['双11有活动吗', []],
      ['37码有吗', []],
      ['手机号多少', []],
      ['7个链接都要', []],
      ['12号发货吗', []],
    ];
    for (const [text, nos] of cases) expect(linkNosMentioned(text), text).toEqual(nos);
  });
});
