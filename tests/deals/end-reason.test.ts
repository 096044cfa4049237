/**
 * Every reason the hub records for the end of a deal or coupon reads in both languages on the deal
 * panel and the big screen (`endReasonKey`): the reasons are collected from the deals code itself —
 * the literal passed to `endDeal`/`endCoupon` as the reason (its third argument), and the sweep's `const reason = … ? 'x' : …` — so a
 * new way to end a deal without words fails here rather than leaving a blank on the screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { endReasonKey } from '../../renderer/components/deal/endReason.js';
import en from '../../renderer/i18n/en.js';
import zhCN from '../../renderer/i18n/zh-CN.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'deals');

/** The end reasons written in some deals source. */
export function reasonsIn(source: string): Set<string> {
  const found = new Set<string>();
  for (const m of source.matchAll(/\bend(?:Deal|Coupon)\(\s*[^,()]+,\s*[^,()]+,\s*'([a-z_]+)'/g)) found.add(m[1]);
  for (const m of source.matchAll(/\bconst reason = ([^;]+);/g)) for (const r of m[1].matchAll(/'([a-z_]+)'/g)) found.add(r[1]);
  return found;
}

type Tree = { [key: string]: string | Tree };
const word = (tree: Tree, key: string) => key.split('.').reduce<string | Tree | undefined>((n, k) => (n && typeof n === 'object' ? n[k] : undefined), tree);

describe('deal end reasons', () => {
  it('finds the reasons however the deals code writes them', () => {
    expect(reasonsIn("await endDeal(ctx, d.dealId, 'session_end', actor); endCoupon(ctx, c.couponId, reason, 'hub'); const reason = a ? 'sold_out' : b ? 'time' : null;")).toEqual(
      new Set(['session_end', 'sold_out', 'time']),
    );
  });

  it('words every reason the hub records, in zh-CN and English', () => {
    const reasons = new Set(fs.readdirSync(dir).flatMap((f) => (f.endsWith('.ts') ? [...reasonsIn(fs.readFileSync(path.join(dir, f), 'utf8'))] : [])));
    expect([...reasons].sort()).toEqual(expect.arrayContaining(['claimed_out', 'session_end', 'sold_out', 'stopped', 'time']));
    for (const reason of reasons) {
      const key = endReasonKey(reason);
      expect(key, reason).not.toBeNull();
      expect(typeof word(zhCN as unknown as Tree, key!), `${key} (zh-CN)`).toBe('string');
      expect(typeof word(en as unknown as Tree, key!), `${key} (en)`).toBe('string');
    }
    expect(endReasonKey(null)).toBeNull();
    expect(endReasonKey('made_up')).toBeNull();
  });
});
