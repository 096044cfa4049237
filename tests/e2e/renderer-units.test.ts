/**
 * The renderer's pure parts, without a browser: both languages carry the same keys, buckets merge and
 * carry `online` forward, pace compares two ten-minute windows, the run-sheet forecast carries delay.
 */
import { describe, expect, it } from 'vitest';
import type { Bucket, ItemAiring, RunsheetItem } from '../../server/protocol/index.js';
import en from '../../renderer/i18n/en.js';
import zhCN from '../../renderer/i18n/zh-CN.js';
import { formatDuration, formatMoney, formatPercent } from '../../renderer/i18n/format.js';
import { contiguousMinutes, emptyBucket, mergeBuckets, onlineSeries, pruneOlderThan } from '../../renderer/lib/buckets.js';
import { computePace, notablePace } from '../../renderer/lib/pace.js';
import { forecast, itemTimings } from '../../renderer/lib/timing.js';

/** Every leaf key path of a message tree, e.g. `kpi.gmv`. */
function keysOf(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

const bucket = (sec: number, patch: Partial<Bucket> = {}): Bucket => ({ ...emptyBucket(sec), ...patch });

describe('languages', () => {
  it('zh-CN and en have exactly the same keys, and no empty message', () => {
    const zh = keysOf(zhCN).sort();
    const english = keysOf(en).sort();
    expect(english).toEqual(zh);
    expect(zh.length).toBeGreaterThan(100);
    for (const [name, tree] of [
      ['zh-CN', zhCN],
      ['en', en],
    ] as const) {
      for (const key of keysOf(tree)) {
        const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree);
        expect(typeof value === 'string' && value.trim().length > 0, `${name} ${key}`).toBe(true);
        // `|` and `@` are vue-i18n syntax (plural, linked message); a stray one breaks the text.
        expect(/[|@]/.test(value as string), `${name} ${key} uses | or @`).toBe(false);
      }
    }
  });

  it('formats money from integer fen with ¥ in both locales', () => {
    expect(formatMoney(1234560, 'zh-CN')).toBe('¥12,345.60');
    expect(formatMoney(1234500, 'en')).toBe('¥12,345');
    expect(formatMoney(123_456_789, 'zh-CN', { compact: true })).toBe('¥123.46万');
    expect(formatMoney(123_456_789, 'en', { compact: true })).toBe('¥1.23M');
    expect(formatPercent(0.034, 'en')).toBe('3.4%');
    expect(formatDuration(-75, true)).toBe('−1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('buckets', () => {
  it('replaces a bucket by sec and keeps a bounded window of seconds', () => {
    const map = new Map<number, Bucket>();
    mergeBuckets(map, [bucket(100, { orders: 1 }), bucket(101, { orders: 2 })]);
    mergeBuckets(map, [bucket(101, { orders: 5 })]);
    expect(map.get(101)!.orders).toBe(5);
    pruneOlderThan(map, 1900, 1800);
    expect([...map.keys()]).toEqual([101]);
  });

  it('carries the last known online count through seconds without a snapshot (-1)', () => {
    const series = onlineSeries([bucket(1, { online: -1 }), bucket(2, { online: 40 }), bucket(3), bucket(4, { online: 0 }), bucket(5)]);
    expect(series).toEqual([
      [2, 40],
      [3, 40],
      [4, 0],
      [5, 0],
    ]);
  });

  it('fills minutes in which nothing happened, so charts have no holes', () => {
    const map = new Map([
      [60, bucket(60, { gmvFen: 100 })],
      [240, bucket(240, { gmvFen: 300 })],
    ]);
    expect(contiguousMinutes(map, 60, 240).map((b) => [b.sec, b.gmvFen])).toEqual([
      [60, 100],
      [120, 0],
      [180, 0],
      [240, 300],
    ]);
  });
});

describe('pace', () => {
  const now = 100 * 60 + 30; // half a minute into minute 100
  const minutes = new Map<number, Bucket>();
  for (let m = 80; m < 90; m++) minutes.set(m * 60, bucket(m * 60, { clicks: 10, comments: 4, enters: 20, gmvFen: 1000 }));
  for (let m = 90; m < 100; m++) minutes.set(m * 60, bucket(m * 60, { clicks: 6, comments: 4, enters: 30, gmvFen: 1000 }));
  minutes.set(100 * 60, bucket(100 * 60, { clicks: 1 }));

  it('compares the last ten complete minutes with the ten before, leaving out the running minute', () => {
    const pace = computePace(minutes, now, 80 * 60);
    expect(pace.ready).toBe(true);
    const byMetric = Object.fromEntries(pace.lines.map((l) => [l.metric, l.change]));
    expect(byMetric.clicks).toBeCloseTo((6 - 10) / 10); // −40%
    expect(byMetric.enters).toBeCloseTo((30 - 20) / 20); // +50%
    expect(byMetric.comments).toBe(0);
    expect(notablePace(pace).map((l) => l.metric)).toEqual(['enters', 'clicks']);
  });

  it('waits until two full windows exist', () => {
    expect(computePace(minutes, now, 85 * 60).ready).toBe(false);
  });
});

describe('run-sheet timing', () => {
  const item = (itemId: number, plannedSec: number): RunsheetItem => ({ itemId, position: itemId, sku: `S${itemId}`, plannedSec, sellingPoints: '', script: '', dealPreset: null });
  const items = [item(1, 300), item(2, 300), item(3, 600)];
  const t0 = 1_000_000;
  const airings: ItemAiring[] = [
    { itemId: 1, sku: 'S1', startedAt: t0, endedAt: t0 + 420_000 },
    { itemId: 2, sku: 'S2', startedAt: t0 + 420_000, endedAt: null },
  ];

  it('counts actual time on air against plan', () => {
    const timings = itemTimings(items, airings, t0 + 480_000);
    expect(timings.get(1)).toMatchObject({ actualSec: 420, overSec: 120 });
    expect(timings.get(2)).toMatchObject({ actualSec: 60, overSec: -240 });
    expect(timings.get(3)).toMatchObject({ actualSec: null, overSec: null });
  });

  it('carries the delay so far into the expected end of the show', () => {
    const now = t0 + 480_000;
    const f = forecast(items, airings, airings[1], now);
    // Item 2 has 300 − 60 = 240 s left, item 3 600 s: end = now + 840 s; plan ended t0 + 1200 s.
    expect(f.expectedEndMs).toBe(now + 840_000);
    expect(f.delaySec).toBe(480 + 840 - 1200);
  });
});
