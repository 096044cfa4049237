/**
 * Run-sheet timing, pure: how long each item has been on air against its plan, and when the show
 * will end if the rest runs to plan (the delay so far carried forward).
 */
import type { ItemAiring, RunsheetItem } from '../../server/protocol/index.js';

export interface ItemTiming {
  itemId: number;
  /** Seconds on air over all of its airings; null if it has not aired. */
  actualSec: number | null;
  /** actual − planned; positive is over plan. Null if it has not aired. */
  overSec: number | null;
}

export function itemTimings(items: readonly RunsheetItem[], airings: readonly ItemAiring[], nowMs: number): Map<number, ItemTiming> {
  const actual = new Map<number, number>();
  for (const a of airings) {
    const ms = Math.max(0, (a.endedAt ?? nowMs) - a.startedAt);
    actual.set(a.itemId, (actual.get(a.itemId) ?? 0) + ms);
  }
  const out = new Map<number, ItemTiming>();
  for (const item of items) {
    const ms = actual.get(item.itemId);
    const actualSec = ms === undefined ? null : Math.floor(ms / 1000);
    out.set(item.itemId, { itemId: item.itemId, actualSec, overSec: actualSec === null ? null : actualSec - item.plannedSec });
  }
  return out;
}

export interface ShowForecast {
  /** When the show ends if the current item runs to plan (or is already over) and the rest run to plan. */
  expectedEndMs: number;
  /** Expected end against the plan (first airing + every slot as planned); positive is late. Null before the first airing. */
  delaySec: number | null;
}

/**
 * `current` is the item on air now (or null). Items after it in run-sheet order are still to come; with
 * nothing on air, every item not yet aired is.
 */
export function forecast(items: readonly RunsheetItem[], airings: readonly ItemAiring[], current: ItemAiring | null, nowMs: number): ShowForecast {
  let remainingSec = 0;
  const currentIndex = current ? items.findIndex((i) => i.itemId === current.itemId) : -1;
  if (current && currentIndex >= 0) {
    const elapsedSec = (nowMs - current.startedAt) / 1000;
    remainingSec += Math.max(0, items[currentIndex].plannedSec - elapsedSec);
    for (const item of items.slice(currentIndex + 1)) remainingSec += item.plannedSec;
  } else {
    const aired = new Set(airings.map((a) => a.itemId));
    for (const item of items) if (!aired.has(item.itemId)) remainingSec += item.plannedSec;
  }
  const expectedEndMs = nowMs + remainingSec * 1000;
  const first = airings.length ? Math.min(...airings.map((a) => a.startedAt)) : null;
  const plannedTotalSec = items.reduce((s, i) => s + i.plannedSec, 0);
  const delaySec = first === null ? null : Math.round((expectedEndMs - (first + plannedTotalSec * 1000)) / 1000);
  return { expectedEndMs, delaySec };
}
