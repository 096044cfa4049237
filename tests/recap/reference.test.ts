/**
 * The recap engine against the independent reference implementation, on a 150,000-line recording
 * with duplicates, shuffled lines, timestamp ties, events before the announced start and after the
 * announced end. Every §9 key must match exactly: totals, byPlatform, items, deals, minutes, markers.
 */
import { describe, expect, it } from 'vitest';
import { parseEvent, sessionHeaderSchema, type LiveEvent } from '../../server/protocol/index.js';
import { computeRecap, type Recap } from '../../server/recap/index.js';
import { makeRecording, readRecording, storedOrder } from '../support/recording.js';
import { referenceRecap } from '../support/reference-recap.js';

const lines = makeRecording({ seed: 20_260_101, lines: 150_000 });
const { header, events: recorded } = readRecording(lines);
const stored = storedOrder(recorded);
const session = { id: 42, title: header!.title!, startedAt: header!.startedAt!, endAt: header!.endedAt! };
const MINUTE = 60_000;
/** The oracle is slow on purpose; leave it room on a busy CI machine. */
const ORACLE_TIMEOUT_MS = 120_000;

/** Compares part by part, so a failure points at the part that differs. */
function expectSameRecap(actual: Recap, expected: Recap): void {
  const { byPlatform, items, deals, minutes, markers, ...totals } = actual;
  const { byPlatform: eByPlatform, items: eItems, deals: eDeals, minutes: eMinutes, markers: eMarkers, ...eTotals } = expected;
  expect(totals).toStrictEqual(eTotals);
  expect(byPlatform).toStrictEqual(eByPlatform);
  expect(items).toStrictEqual(eItems);
  expect(deals).toStrictEqual(eDeals);
  expect(minutes).toStrictEqual(eMinutes);
  expect(markers).toStrictEqual(eMarkers);
}

describe('a 150,000-line recording', () => {
  it('holds the hazards the recap has to survive', () => {
    expect(lines).toHaveLength(150_000);
    expect(recorded.length - stored.length).toBeGreaterThan(3000);
    const outOfOrder = recorded.filter((e, i) => i > 0 && e.ts < recorded[i - 1].ts).length;
    expect(outOfOrder).toBeGreaterThan(recorded.length / 3);
    const ties = stored.filter((e, i) => i > 0 && e.ts === stored[i - 1].ts).length;
    expect(ties).toBeGreaterThan(1000);
    expect(stored[0].ts).toBeLessThan(session.startedAt);
    expect(stored[stored.length - 1].ts).toBeGreaterThan(session.endAt);
    const statuses = new Set(stored.flatMap((e) => (e.type === 'order' ? [e.status] : [])));
    expect([...statuses].sort()).toEqual(['cancelled', 'created', 'paid', 'refunded']);
    expect(stored.filter((e) => e.type === 'deal.started').length).toBeGreaterThanOrEqual(4);
    expect(stored.some((e) => e.type === 'stream.gap')).toBe(true);
  });

  it('is made of records the hub would accept, a session header first', () => {
    expect(sessionHeaderSchema.safeParse(JSON.parse(lines[0])).success).toBe(true);
    const refused = lines.slice(1).filter((line) => !parseEvent(JSON.parse(line)).ok);
    expect(refused).toEqual([]);
  });

  it('gives the same recap when events sharing a ts come in another order', () => {
    const reversedTies = [...stored].reverse().sort((a, b) => a.ts - b.ts);
    expectSameRecap(computeRecap({ session, events: reversedTies }), computeRecap({ session, events: stored }));
  });

  it('gives the same recap when the store hands events over lazily, one at a time', () => {
    function* lazily(): Generator<LiveEvent> {
      yield* stored;
    }
    expectSameRecap(computeRecap({ session, events: lazily() }), computeRecap({ session, events: stored }));
  });

  // On a whole second, so events of the platforms that stamp whole seconds fall exactly on the edges.
  const mid = Math.floor((session.startedAt + session.endAt) / 2 / MINUTE) * MINUTE + 12_000;
  const windows: [string, { from?: number; to?: number; platform?: string }][] = [
    ['the whole session', {}],
    ['a 20-minute window in the middle', { from: mid, to: mid + 20 * MINUTE }],
    ['one platform', { platform: 'douyin' }],
    ['one platform, within a window', { platform: 'taobao', from: mid - 7 * MINUTE, to: mid + 13 * MINUTE + 1 }],
    ['everything from a point on', { from: mid }],
    ['everything up to a point', { to: mid }],
    ['a platform that never streamed', { platform: 'kuaishou' }],
    ['an hour that runs past the end', { from: session.endAt - 20 * MINUTE, to: session.endAt + 40 * MINUTE }],
    ['one platform, for an hour that runs past the end', { platform: 'douyin', from: session.endAt - 20 * MINUTE, to: session.endAt + 40 * MINUTE }],
  ];
  it.each(windows)(
    'recaps %s exactly as the reference does',
    (_, query) => {
      const actual = computeRecap({ session, events: stored, ...query });
      const expected = referenceRecap({ session, events: recorded, ...query });
      expectSameRecap(actual, expected);
      if (!query.platform) expect(actual.orders).toBeGreaterThan(100);
    },
    ORACLE_TIMEOUT_MS,
  );
});
