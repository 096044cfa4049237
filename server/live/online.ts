/**
 * Online viewers as DESIGN §6 reads them, kept live from snapshots arriving in any order: per platform
 * the `online` of its latest snapshot (same ts: the greatest id), in total the sum, and the peak over
 * every instant — a total taken only once every snapshot of an instant is in, so no half-applied tie of
 * two platforms is ever a peak. The control room's peak is then the recap's, however a connector's
 * resent batch shuffles them. In-order snapshots cost O(1); one arriving after a later one marks the
 * peak stale, and it is worked out again from the kept snapshots when next read (once a tick at most).
 */

interface Snap {
  ts: number;
  id: string;
  online: number;
}

interface PlatformOnline {
  /** The instant's winner per ts, in ts order. */
  snaps: Snap[];
  peak: number;
}

export type OnlineTracker = ReturnType<typeof createOnlineTracker>;

export function createOnlineTracker() {
  const platforms = new Map<string, PlatformOnline>();
  let total = 0;
  /** The latest instant of any platform, and the peak of the total over the instants before it. */
  let lastInstant = -Infinity;
  let peakBefore = 0;
  let stale = false;

  const latest = (p: PlatformOnline): Snap | undefined => p.snaps[p.snaps.length - 1];

  /** Where a snapshot at `ts` goes in a platform's list (the index of one at the same ts, if any). */
  function indexOf(snaps: Snap[], ts: number): number {
    let lo = 0;
    let hi = snaps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (snaps[mid].ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Peaks worked out again from every kept snapshot: a sweep over the instants of all platforms. */
  function recompute(): void {
    const instants: { ts: number; platform: PlatformOnline; online: number }[] = [];
    for (const p of platforms.values()) {
      p.peak = 0;
      for (const s of p.snaps) {
        instants.push({ ts: s.ts, platform: p, online: s.online });
        if (s.online > p.peak) p.peak = s.online;
      }
    }
    instants.sort((a, b) => a.ts - b.ts);
    const current = new Map<PlatformOnline, number>();
    let sum = 0;
    peakBefore = 0;
    for (let i = 0; i < instants.length; i++) {
      const x = instants[i];
      sum += x.online - (current.get(x.platform) ?? 0);
      current.set(x.platform, x.online);
      const instantDone = i + 1 === instants.length || instants[i + 1].ts !== x.ts;
      if (instantDone && x.ts < lastInstant && sum > peakBefore) peakBefore = sum;
    }
    stale = false;
  }

  return {
    /** Takes one snapshot; answers whether the platform's online now (and so the total) changed. */
    apply(platform: string, ts: number, id: string, online: number): boolean {
      let p = platforms.get(platform);
      if (!p) platforms.set(platform, (p = { snaps: [], peak: 0 }));
      const last = latest(p);
      if (!last || ts > last.ts) {
        // The usual case: the newest snapshot of its platform.
        if (ts > lastInstant) {
          if (lastInstant !== -Infinity && total > peakBefore) peakBefore = total;
          lastInstant = ts;
        } else if (ts < lastInstant) stale = true;
        p.snaps.push({ ts, id, online });
        total += online - (last?.online ?? 0);
        if (online > p.peak) p.peak = online;
        return true;
      }
      const i = indexOf(p.snaps, ts);
      const same = p.snaps[i];
      if (same && same.ts === ts) {
        if (id <= same.id) return false;
        same.id = id;
        const was = same.online;
        same.online = online;
        stale = true;
        if (same === last) {
          total += online - was;
          return true;
        }
        return false;
      }
      // Older than the platform's latest: it only changes the peaks.
      p.snaps.splice(i, 0, { ts, id, online });
      stale = true;
      return false;
    },
    /** The platform's online now (its latest snapshot's), 0 before its first. */
    online(platform: string): number {
      const p = platforms.get(platform);
      return (p && latest(p)?.online) ?? 0;
    },
    get total(): number {
      return total;
    },
    /** The highest online of one platform, or in total. */
    peak(platform?: string): number {
      if (stale) recompute();
      if (platform !== undefined) return platforms.get(platform)?.peak ?? 0;
      return Math.max(peakBefore, total);
    },
  };
}
