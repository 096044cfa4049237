/**
 * The live-room runtime with a tiny room adapter of this test's own (the real ones live on the rooms
 * branch): started for an enabled room source, restarted on update, stopped on remove and hub close,
 * its events through the ingest path and its state on the light.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roomAdapters } from '../../server/sources/kinds.js';
import type { RoomAdapter, RoomSink, SourceConfig } from '../../server/sources/types.js';
import { closeClients, connect, eventually, next, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { control, sourcesOf } from './shop-support.js';

interface Started {
  source: SourceConfig;
  sink: RoomSink;
  stopped: boolean;
}
let started: Started[] = [];

const tinyRoom: RoomAdapter = {
  kind: 'bilibili',
  needs: ['room'],
  start(source, sink) {
    const run: Started = { source, sink, stopped: false };
    started.push(run);
    sink.state('connecting');
    return {
      async stop() {
        run.stopped = true;
      },
    };
  },
};

let t: TestHub;
// The real adapters (once the rooms branch is merged) are put back after each test.
const realBilibili = roomAdapters.bilibili;
const realOba = roomAdapters.oba;
beforeEach(async () => {
  started = [];
  roomAdapters.bilibili = tinyRoom;
  t = await startTestHub();
});
afterEach(async () => {
  closeClients();
  await t.stop();
  roomAdapters.bilibili = realBilibili;
  roomAdapters.oba = realOba;
});

describe('live-room runtime', () => {
  it('starts a room on add, restarts it on update, stops it on remove, and lights it from what it says', async () => {
    expect((await control(t.url, 'source.add', { kind: 'bilibili', id: 'bili', room: '21452505' })).body).toEqual({ ok: true, id: 'bili', hookPath: null });
    expect(started).toHaveLength(1);
    expect(started[0].source).toMatchObject({ id: 'bili', room: '21452505', platform: 'bilibili', enabled: true });
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ state: 'waiting' }));

    const sink = started[0].sink;
    sink.state('connected');
    const ts = Date.now() - 1000;
    const ack = await sink.submit([
      { type: 'comment', platform: 'bilibili', id: 'dm-1', ts, userId: 'u1', nick: '观众', text: '多少钱？' },
      { type: 'comment', platform: 'bilibili', id: 'dm-1', ts, userId: 'u1', nick: '观众', text: '多少钱？' },
      { type: 'viewer.enter', platform: 'bilibili', id: 'in-1', ts, userId: 'u2' },
    ]);
    expect(ack).toMatchObject({ accepted: 2, duplicates: 1 });
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ state: 'connected', events1m: 2, deliveries: 0 }));

    // Every screen sees the light in the live snapshot.
    const view = await connect(t.url, '/view', TEST_TOKENS.viewer);
    view.emit('snapshot.request');
    const snap = await next<{ sources: { id: string; state: string }[] }>(view, 'snapshot');
    expect(snap.sources).toEqual([expect.objectContaining({ id: 'bili', kind: 'bilibili', state: 'connected', events1m: 2 })]);

    sink.state('error', 'room_closed: the room is not live');
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ state: 'error', lastError: 'room_closed: the room is not live' }));

    expect((await control(t.url, 'source.update', { id: 'bili', room: '6' })).body.ok).toBe(true);
    expect(started).toHaveLength(2);
    expect(started[0].stopped).toBe(true);
    expect(started[1].source.room).toBe('6');

    expect((await control(t.url, 'source.update', { id: 'bili', enabled: false })).body.ok).toBe(true);
    expect(started[1].stopped).toBe(true);
    await eventually(async () => expect((await sourcesOf(t.url))[0]).toMatchObject({ state: 'disabled' }));
    expect((await control(t.url, 'source.update', { id: 'bili', enabled: true })).body.ok).toBe(true);
    expect(started).toHaveLength(3);

    expect((await control(t.url, 'source.remove', { id: 'bili' })).body).toEqual({ ok: true, id: 'bili' });
    expect(started[2].stopped).toBe(true);
    expect(await sourcesOf(t.url)).toEqual([]);
  });

  it('leaves a running room alone when other sources are added, updated or removed (no reconnect, no gap)', async () => {
    await control(t.url, 'source.add', { kind: 'bilibili', id: 'bili', room: '21452505' });
    expect(started).toHaveLength(1);
    // Each of these reloads the registry from the file, where the room's settings are kept in another order.
    expect((await control(t.url, 'source.add', { kind: 'shopify', id: 'brand-site', secret: 'shpss_runtime' })).body.ok).toBe(true);
    expect((await control(t.url, 'source.update', { id: 'brand-site', secret: 'shpss_runtime_2' })).body.ok).toBe(true);
    expect((await control(t.url, 'source.remove', { id: 'brand-site' })).body.ok).toBe(true);
    expect(started).toHaveLength(1);
    expect(started[0].stopped).toBe(false);
  });

  it('starts the rooms kept in the file when the hub starts, and stops them when it closes', async () => {
    await control(t.url, 'source.add', { kind: 'bilibili', id: 'bili', room: '1' });
    const dbFile = t.dbFile;
    await t.stop();
    expect(started[0].stopped).toBe(true);
    t = await startTestHub({ dbFile });
    await eventually(() => expect(started).toHaveLength(2));
    expect(started[1].source.id).toBe('bili');
  });

  it('refuses a room source without its room, a kind change, and an unknown id', async () => {
    expect((await control(t.url, 'source.add', { kind: 'bilibili', id: 'bili' })).body.error).toMatchObject({ code: 'missing_field' });
    await control(t.url, 'source.add', { kind: 'bilibili', id: 'bili', room: '1' });
    expect((await control(t.url, 'source.update', { id: 'bili', kind: 'shopify' })).body.error.code).toBe('kind_change');
    expect((await control(t.url, 'source.remove', { id: 'nope' })).body.error.code).toBe('not_found');
    delete roomAdapters.oba;
    expect((await control(t.url, 'source.add', { kind: 'oba', id: 'oba' })).body.error.code).toBe('unsupported_kind');
  });
});
