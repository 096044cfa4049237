import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOnlineTracker } from '../../server/live/online.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

interface Snap {
  platform: string;
  id: string;
  ts: number;
  online: number;
}

/** DESIGN §6 read off the whole set at once, the way the recap does: the reference to agree with. */
function byDefinition(snaps: Snap[]) {
  const winners = new Map<string, Map<number, Snap>>();
  for (const s of snaps) {
    let m = winners.get(s.platform);
    if (!m) winners.set(s.platform, (m = new Map()));
    const had = m.get(s.ts);
    if (!had || s.id > had.id) m.set(s.ts, s);
  }
  const at = (platform: string, t: number) => {
    let best: Snap | undefined;
    for (const s of winners.get(platform)!.values()) if (s.ts <= t && (!best || s.ts > best.ts)) best = s;
    return best?.online ?? 0;
  };
  const instants = [...new Set(snaps.map((s) => s.ts))];
  let peak = 0;
  for (const t of instants)
    peak = Math.max(
      peak,
      [...winners.keys()].reduce((sum, p) => sum + at(p, t), 0),
    );
  const platforms = new Map<string, { online: number; peak: number }>();
  for (const [p, m] of winners) platforms.set(p, { online: at(p, Infinity), peak: Math.max(0, ...[...m.values()].map((s) => s.online)) });
  const total = [...platforms.values()].reduce((sum, p) => sum + p.online, 0);
  return { total, peak, platforms };
}

/** Snapshots of three platforms over a few instants, so ties and late arrivals are common. */
const snapshots = fc.array(
  fc.record({
    platform: fc.constantFrom('douyin', 'channels', 'taobao'),
    id: fc.string({ minLength: 1, maxLength: 3 }),
    ts: fc.integer({ min: 0, max: 12 }).map((s) => T0 + s * 1000),
    online: fc.integer({ min: 0, max: 5_000 }),
  }),
  { maxLength: 60 },
);

describe('online viewers, kept live', () => {
  it('agrees with DESIGN §6 read off the whole set after every snapshot, in any arrival order', () => {
    fc.assert(
      fc.property(snapshots, (snaps) => {
        const tracker = createOnlineTracker();
        snaps.forEach((s, i) => {
          tracker.apply(s.platform, s.ts, s.id, s.online);
          const want = byDefinition(snaps.slice(0, i + 1));
          expect(tracker.total).toBe(want.total);
          expect(tracker.peak()).toBe(want.peak);
          for (const [p, w] of want.platforms) {
            expect(tracker.online(p)).toBe(w.online);
            expect(tracker.peak(p)).toBe(w.peak);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it("answers whether the platform's online now changed", () => {
    const tracker = createOnlineTracker();
    expect(tracker.apply('douyin', T0 + 2000, 'b', 300)).toBe(true);
    // Older than douyin's latest: only the peaks may move.
    expect(tracker.apply('douyin', T0 + 1000, 'a', 900)).toBe(false);
    // The same instant under a smaller id loses; under a greater one it stands.
    expect(tracker.apply('douyin', T0 + 2000, 'a', 50)).toBe(false);
    expect(tracker.apply('douyin', T0 + 2000, 'c', 400)).toBe(true);
    expect([tracker.total, tracker.peak(), tracker.peak('douyin')]).toEqual([400, 900, 900]);
  });

  /** Kept instants visited by `steps` snapshots (each followed by a tick's reads) after `before` were taken. */
  function workOf(before: number, steps: number, lateBy = 0): number {
    let visited = 0;
    const tracker = createOnlineTracker({ countWork: (n) => (visited += n) });
    const platforms = ['douyin', 'channels', 'taobao'];
    const snap = (i: number) => tracker.apply(platforms[i % 3], T0 + i * 1000, `e${i}`, 1000 + ((i * 37) % 500));
    for (let i = 0; i < before; i++) snap(i);
    tracker.peak();
    for (const p of platforms) tracker.peak(p);
    visited = 0;
    for (let i = before; i < before + steps; i++) {
      snap(i);
      // A connector lagging behind: its snapshot lands `lateBy` instants back.
      if (lateBy) tracker.apply('late', T0 + (i - lateBy) * 1000 + 500, `l${i}`, 7);
      tracker.peak();
      for (const p of platforms) tracker.peak(p);
    }
    return visited;
  }

  it('does work per snapshot and per tick that does not grow with the length of the show', () => {
    // Work is counted, not timed: a snapshot in time order and the tick after it visit a few kept
    // instants whether the show has kept 1,000 or 50,000. Redoing the peaks from every snapshot
    // at each tick (as before) visits about `before` a tick.
    const short = workOf(1_000, 200);
    const long = workOf(50_000, 200);
    expect(short).toBeGreaterThan(0);
    expect(long).toBe(short);
    expect(long).toBeLessThan(200 * 10);
  });

  it('makes a late snapshot cost the instants after it, not the whole show', () => {
    const short = workOf(1_000, 200, 5);
    const long = workOf(50_000, 200, 5);
    expect(long).toBe(short);
    expect(long).toBeLessThan(200 * 40);
  });
});
