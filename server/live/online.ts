/**
 * Online viewers as DESIGN §6 reads them, kept live from snapshots arriving in any order: per platform
 * the `online` of its latest snapshot (same ts: the greatest id), in total the sum, and the peak over
 * every instant — a total taken only once every snapshot of an instant is in, so no half-applied tie of
 * two platforms is ever a peak. The control room's peak is then the recap's, however a connector's
 * resent batch shuffles them.
 *
 * Each platform's snapshots and the total at every instant are kept as step functions (sorted times,
 * values, and the running maximum of the values). A snapshot changes the values from its instant to
 * its platform's next snapshot, and leaves the running maximum to be redone from there when next read.
 * A snapshot in time order so touches only the newest instants: its cost does not grow with the
 * show, and neither does a tick's read of the peaks. A late one costs the instants after it, once.
 */

/** Sorted instants with a value each and the running maximum of the values (0 before the first). */
class Steps {
  readonly ts: number[] = [];
  readonly values: number[] = [];
  private readonly runMax: number[] = [];
  /** Index from which `runMax` is out of date. */
  private staleFrom = 0;

  constructor(private readonly count: (visited: number) => void) {}

  get length(): number {
    return this.ts.length;
  }

  /** Where an instant at `ts` goes (the index of the one at `ts`, if any). */
  indexOf(ts: number): number {
    const a = this.ts;
    let lo = 0;
    let hi = a.length;
    // The usual case first: the newest instant or after it.
    if (hi === 0 || a[hi - 1] < ts) return hi;
    if (a[hi - 1] === ts) return hi - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(i: number, ts: number, value: number): void {
    if (i === this.ts.length) {
      this.ts.push(ts);
      this.values.push(value);
      this.runMax.push(0);
    } else {
      this.ts.splice(i, 0, ts);
      this.values.splice(i, 0, value);
      this.runMax.splice(i, 0, 0);
    }
    this.staleFrom = Math.min(this.staleFrom, i);
  }

  /** Adds `delta` to the values of instants [from, to). */
  add(from: number, to: number, delta: number): void {
    if (delta === 0 || from >= to) return;
    for (let i = from; i < to; i++) this.values[i] += delta;
    this.count(to - from);
    this.staleFrom = Math.min(this.staleFrom, from);
  }

  /** The greatest value over every instant (0 with none). */
  peak(): number {
    const n = this.ts.length;
    if (n === 0) return 0;
    const from = this.staleFrom;
    if (from < n) {
      let max = from > 0 ? this.runMax[from - 1] : 0;
      for (let i = from; i < n; i++) this.runMax[i] = max = Math.max(max, this.values[i]);
      this.count(n - from);
      this.staleFrom = n;
    }
    return this.runMax[n - 1];
  }
}

interface PlatformOnline {
  steps: Steps;
  /** The id of each instant's winning snapshot, by index as in `steps`. */
  ids: string[];
}

export interface OnlineTrackerOptions {
  /**
   * Told how many kept instants each step visited (values changed, running maxima redone): for tests
   * that hold the work of a snapshot or a read to what changed, not to the length of the show.
   */
  countWork?: (visited: number) => void;
}

export type OnlineTracker = ReturnType<typeof createOnlineTracker>;

export function createOnlineTracker(options: OnlineTrackerOptions = {}) {
  const count = options.countWork ?? (() => {});
  const platforms = new Map<string, PlatformOnline>();
  /** The total over platforms at every instant any platform sent. */
  const totals = new Steps(count);
  /** The sum of each platform's latest snapshot. */
  let total = 0;

  /**
   * The platform's value changes by `delta` from instant `ts` until its next snapshot (`untilTs`, or
   * for good): so does the total at the instants in between. An instant new to the total starts from
   * the total just before it, which every platform's value at `ts` agreed with until now.
   */
  function changeTotal(ts: number, untilTs: number, delta: number): void {
    // Even unchanged, the instant is kept: it bounds the change a later snapshot before it makes.
    const i = totals.indexOf(ts);
    if (i === totals.length || totals.ts[i] !== ts) totals.insert(i, ts, i > 0 ? totals.values[i - 1] : 0);
    totals.add(i, untilTs === Infinity ? totals.length : totals.indexOf(untilTs), delta);
  }

  return {
    /** Takes one snapshot; answers whether the platform's online now (and so the total) changed. */
    apply(platform: string, ts: number, id: string, online: number): boolean {
      let p = platforms.get(platform);
      if (!p) platforms.set(platform, (p = { steps: new Steps(count), ids: [] }));
      const { steps, ids } = p;
      const i = steps.indexOf(ts);
      const last = i === steps.length - 1;
      const untilTs = i + 1 < steps.length ? steps.ts[i + 1] : Infinity;
      let delta: number;
      if (i < steps.length && steps.ts[i] === ts) {
        // A second snapshot of the same instant: the greater id stands.
        if (id <= ids[i]) return false;
        ids[i] = id;
        delta = online - steps.values[i];
        steps.add(i, i + 1, delta);
        if (delta === 0) return false;
        changeTotal(ts, untilTs, delta);
        if (!last) return false;
        total += delta;
        return true;
      }
      const before = i > 0 ? steps.values[i - 1] : 0;
      const newest = i === steps.length;
      steps.insert(i, ts, online);
      if (newest) ids.push(id);
      else ids.splice(i, 0, id);
      delta = online - before;
      changeTotal(ts, newest ? Infinity : steps.ts[i + 1], delta);
      // Older than the platform's latest: it only changes the peaks.
      if (!newest) return false;
      total += delta;
      return true;
    },
    /** The platform's online now (its latest snapshot's), 0 before its first. */
    online(platform: string): number {
      const p = platforms.get(platform);
      return p && p.steps.length ? p.steps.values[p.steps.length - 1] : 0;
    },
    get total(): number {
      return total;
    },
    /** The highest online of one platform, or in total. */
    peak(platform?: string): number {
      if (platform !== undefined) return platforms.get(platform)?.steps.peak() ?? 0;
      return totals.peak();
    },
  };
}
