/**
 * An event's stored JSON body: the event without `type`, `platform`, `id` and `ts`, which are columns
 * of the row beside it. Bodies written before this (schema 7 and older) hold those fields too; read
 * back, both give the same event.
 *
 * Why: the four fields were a third of a typical body, and every byte of a row is written twice on
 * the way to disk (WAL, then checkpoint) under the hub's highest-rate table.
 */
import type { LiveEvent } from '../protocol/index.js';

export function eventBody(event: LiveEvent): string {
  const { type: _type, platform: _platform, id: _id, ts: _ts, ...rest } = event;
  return JSON.stringify(rest);
}

/** The event of a stored row (the columns set on the parsed body: no copy of a million objects). */
export function storedEvent(type: string, platform: string, id: string, ts: number, body: string): LiveEvent {
  const e = JSON.parse(body) as Record<string, unknown>;
  e.type = type;
  e.platform = platform;
  e.id = id;
  e.ts = ts;
  return e as unknown as LiveEvent;
}
