/**
 * Live rooms (DESIGN §11): LiveDeck connects out. The runtime starts `roomAdapters[kind].start` for
 * each enabled room source, restarts it when its settings change, and stops it when the source is
 * removed or switched off and when the hub closes. What a room sends goes through the ordinary ingest
 * path; what it says of its connection becomes the source's light.
 */
import { roomAdapters } from './kinds.js';
import type { Registry } from './registry.js';
import { isHookKind } from './registry.js';
import type { RoomHandle, RoomSink, SourceConfig } from './types.js';

export interface RoomRuntimeDeps {
  registry: Registry;
  /** The sink a room of this source delivers to. */
  sinkFor: (source: SourceConfig) => RoomSink;
  /** Told when a room stops (its light goes back to waiting or disabled). */
  onStopped: (sourceId: string) => void;
}

export type RoomRuntime = ReturnType<typeof createRoomRuntime>;

/**
 * A room's settings as one string, whatever the order of their keys: the registry reloads them from
 * the file (any add, update or remove does) in another order than `source.add` wrote them, and that
 * alone must not restart — disconnect, and mark a gap on — every other room.
 */
const settingsKey = (s: SourceConfig): string =>
  JSON.stringify(
    Object.entries(s)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

export function createRoomRuntime(deps: RoomRuntimeDeps) {
  const running = new Map<string, { handle: RoomHandle; key: string }>();
  let closed = false;

  async function stop(id: string): Promise<void> {
    const r = running.get(id);
    if (!r) return;
    running.delete(id);
    try {
      await r.handle.stop();
    } catch {
      // a room that fails to stop cleanly is stopped as far as the hub is concerned
    }
    deps.onStopped(id);
  }

  return {
    /** Brings the running rooms in line with the registry: starts, restarts and stops as needed. */
    async sync(): Promise<void> {
      if (closed) return;
      const wanted = new Map<string, SourceConfig>();
      for (const s of deps.registry.list()) if (!isHookKind(s.kind) && s.enabled && roomAdapters[s.kind]) wanted.set(s.id, s);
      for (const id of [...running.keys()]) {
        const want = wanted.get(id);
        if (!want || settingsKey(want) !== running.get(id)!.key) await stop(id);
      }
      for (const [id, source] of wanted) {
        if (running.has(id) || closed) continue;
        const adapter = roomAdapters[source.kind as keyof typeof roomAdapters]!;
        try {
          running.set(id, { handle: adapter.start(source, deps.sinkFor(source)), key: settingsKey(source) });
        } catch (err) {
          deps.sinkFor(source).state('error', `could not start: ${(err as Error).message}`.slice(0, 300));
        }
      }
    },
    /** Ids of the rooms running now. */
    get running(): string[] {
      return [...running.keys()];
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all([...running.keys()].map(stop));
    },
  };
}
