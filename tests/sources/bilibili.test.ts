/**
 * The `bilibili` live room against a local danmaku feed speaking Bilibili's framing (zlib- and
 * brotli-nested), playing recorded real commands (tests/fixtures/sources/bilibili), into a real hub.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { recapFromStore } from '../../server/recap/from-store.js';
import { decodeFrame, encodePacket } from '../../server/sources/rooms/bilibili-frame.js';
import { bilibiliAdapter, createMapper, decodeInteractWordV2, signWbi } from '../../server/sources/rooms/bilibili.js';
import { roomAdapters } from '../../server/sources/kinds.js';
import type { RoomHandle, RoomSink, SourceConfig } from '../../server/sources/types.js';
import { eventually, startTestHub, type TestHub } from '../support/hub.js';
import { biliCommands, biliPacket, bilibiliFixture, hubSink, interactWordV2Pb, startBilibiliFeed, type BilibiliFeed, type RecordingSink } from '../support/room-feeds.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const clone = <T>(v: T): T => structuredClone(v);

/** A recorded DANMU_MSG, restamped now and given this viewer and text (and Bilibili's id_str when asked). */
function danmu(n: number, uid: number, text: string, options: { idStr?: boolean; template?: string } = {}): unknown {
  const m = clone(bilibiliFixture(options.template ?? 'DANMU_MSG.emoticon_normal'));
  const now = Date.now();
  m.info[0][4] = now;
  m.info[1] = text;
  m.info[2][0] = uid;
  m.info[2][1] = `观众${uid}`;
  m.info[9] = { ts: Math.floor(now / 1000), ct: (0xa4707d38 + n).toString(16).toUpperCase() };
  if (options.idStr) {
    const extra = JSON.parse(m.info[0][15].extra);
    extra.id_str = `${now}${n}`;
    m.info[0][15].extra = JSON.stringify(extra);
  }
  return m;
}

/** A recorded INTERACT_WORD (1 enter, 2 follow, 3 share) for this viewer, restamped now. */
function interact(kind: 'enter' | 'follow' | 'share', uid: number, n: number): unknown {
  const m = clone(bilibiliFixture(`INTERACT_WORD.${kind}`));
  const now = Date.now();
  m.data.uid = uid;
  m.data.timestamp = Math.floor(now / 1000);
  m.data.trigger_time = now * 1e6 + n * 1000;
  return m;
}

function onlineCount(count: number): unknown {
  const m = clone(bilibiliFixture('ONLINE_RANK_COUNT.normal'));
  m.data.count = count;
  return m;
}

function source(feed: BilibiliFeed, extra: Partial<SourceConfig> = {}): SourceConfig {
  return { id: 'bili', kind: 'bilibili', platform: 'bilibili', room: '77777777774', url: feed.url, enabled: true, ...extra };
}

async function startRoom(hub: TestHub, src: SourceConfig, options: Parameters<typeof hubSink>[1] = {}): Promise<{ sink: RecordingSink; handle: RoomHandle }> {
  const sink = hubSink(hub, options);
  const handle = bilibiliAdapter.start(src, sink);
  cleanup.push(() => handle.stop());
  return { sink, handle };
}

async function hubAndFeed(): Promise<{ hub: TestHub; feed: BilibiliFeed }> {
  const hub = await startTestHub();
  cleanup.push(() => hub.stop());
  const feed = await startBilibiliFeed();
  cleanup.push(() => feed.kill().catch(() => {}));
  return { hub, feed };
}

function storedOf(hub: TestHub, type: 'comment' | 'interaction' | 'viewer.enter' | 'stream.gap' | 'product.click' | 'viewer.snapshot') {
  const session = hub.hub.ctx.repo.latestSession();
  return session ? hub.hub.ctx.repo.eventsOfSession(session.id, { types: [type] }) : [];
}

describe('the danmaku framing', () => {
  it('reads several packets nested in zlib and in brotli, and says what is wrong with a bad frame instead of throwing', () => {
    const cmds = [{ cmd: 'A' }, { cmd: 'B' }, { cmd: 'C' }];
    for (const compress of ['zlib', 'brotli', 'none'] as const) {
      const { packets, problems } = decodeFrame(biliCommands(cmds, compress));
      expect(problems).toEqual([]);
      expect(packets.map((p) => JSON.parse(p.body.toString()).cmd)).toEqual(['A', 'B', 'C']);
    }
    // The adapter's encoder writes what the feed's reads.
    const auth = encodePacket(7, '{"roomid":1}', 1);
    expect([auth.readUInt32BE(0), auth.readUInt16BE(4), auth.readUInt16BE(6), auth.readUInt32BE(8)]).toEqual([16 + 12, 16, 1, 7]);

    const short = biliPacket(5, '{"cmd":"A"}', 0);
    short.writeUInt32BE(1000, 0);
    expect(decodeFrame(short).problems.map((p) => p.code)).toEqual(['bad_frame']);
    expect(decodeFrame(Buffer.from([1, 2, 3])).problems.map((p) => p.code)).toEqual(['bad_frame']);
    expect(decodeFrame(biliPacket(5, Buffer.from('not zlib at all'), 2)).problems.map((p) => p.code)).toEqual(['bad_compression']);
    const bomb = biliPacket(5, zlib.deflateSync(Buffer.alloc(20 * 1024 * 1024)), 2);
    expect(decodeFrame(bomb).problems.map((p) => p.code)).toEqual(['too_large']);
    // Good packets before a bad one are kept.
    const mixed = Buffer.concat([biliPacket(5, '{"cmd":"A"}', 0), short]);
    expect(decodeFrame(mixed).packets).toHaveLength(1);
  });

  it('reads INTERACT_WORD_V2 protobuf (the recorded decoded message, encoded back)', () => {
    const rec = bilibiliFixture('INTERACT_WORD_V2.decoded_no_medal');
    const pb = interactWordV2Pb({ uid: BigInt(rec.uid), uname: rec.uname, msg_type: rec.msg_type, timestamp: rec.timestamp, trigger_time: 1769539536825720600n });
    expect(decodeInteractWordV2(pb)).toEqual({ uid: '77777777771', uname: '__MOCK_UNAME__', msg_type: 1, timestamp: 1769539537, trigger_time: '1769539536825720600' });
    expect(decodeInteractWordV2(Buffer.from([0x08, 0xff]).toString('base64'))).toBeNull();
  });

  it('signs getDanmuInfo as Bilibili publishes WBI (its documented example keys and query)', () => {
    // img_key 7cd08494…, sub_key 4932caff… give the mixin key ea1db124af3c7062474693fa704f4ff8 (bilibili-API-collect, docs/misc/sign/wbi.md).
    const mixin = 'ea1db124af3c7062474693fa704f4ff8';
    const query = signWbi({ foo: '114', bar: '514', zab: '1919810' }, mixin, 1702204169);
    const expected = createHash('md5')
      .update('bar=514&foo=114&wts=1702204169&zab=1919810' + mixin)
      .digest('hex');
    expect(query).toBe(`bar=514&foo=114&wts=1702204169&zab=1919810&w_rid=${expected}`);
    expect(expected).toBe('8f6f2b5b3d485fe1886cec6a0be8c5d4');
  });
});

describe('the command mapper', () => {
  it('counts two likes of one viewer arriving in the same millisecond twice, and a resent danmaku once', () => {
    const warnings: string[] = [];
    const sink = { now: () => 1_800_000_000_000, warn: (code: string) => warnings.push(code) } as unknown as RoomSink;
    const mapper = createMapper({ id: 'b', kind: 'bilibili', platform: 'bilibili', enabled: true }, sink);
    const out: Record<string, unknown>[] = [];
    const like = Buffer.from(JSON.stringify(bilibiliFixture('LIKE_INFO_V3_CLICK.normal')));
    mapper.packet(like, (r) => out.push(r));
    mapper.packet(like, (r) => out.push(r));
    const dm = Buffer.from(JSON.stringify(bilibiliFixture('DANMU_MSG.emoticon_normal')));
    mapper.packet(dm, (r) => out.push(r));
    mapper.packet(dm, (r) => out.push(r));
    expect(out.map((r) => r.type)).toEqual(['interaction', 'interaction', 'comment', 'comment']);
    expect(new Set(out.slice(0, 2).map((r) => r.id)).size).toBe(2);
    expect(out[2].id).toBe(out[3].id);
    // The recorded danmaku's id: its uid, its time and its check code.
    expect(out[2].id).toBe('dm:77777777771:1664107099792:A4707D38');
    expect(warnings).toEqual([]);
  });
});

describe('a Bilibili room into the hub', () => {
  it('is registered for the runtime under its kind', () => {
    expect(roomAdapters.bilibili).toBe(bilibiliAdapter);
    expect(bilibiliAdapter.needs).toContain('room');
  });

  it('logs in, heartbeats, and gives exactly the comments, entries, online counts, interactions and buy clicks the room sent', async () => {
    const { hub, feed } = await hubAndFeed();
    const { sink } = await startRoom(hub, source(feed), { onAirSku: () => 'MUG' });
    await feed.loggedIn();
    expect(feed.auths[0]).toMatchObject({ uid: 0, roomid: 77777777774, protover: 3, platform: 'web', type: 2 });
    await eventually(() => expect(feed.heartbeats).toBeGreaterThanOrEqual(1));
    await eventually(() => expect(sink.states.at(-1)?.state).toBe('connected'));

    // 12 comments from 4 viewers, half with Bilibili's id_str, over both compressions and the plain form.
    const comments = Array.from({ length: 12 }, (_, i) =>
      danmu(i, 1000 + (i % 4), i % 3 === 0 ? '这个杯子多少钱？' : `第${i}条`, { idStr: i % 2 === 0, template: i % 2 ? 'DANMU_MSG.emoticon_normal' : 'DANMU_MSG-4-0-2-2-2-0.normal_no_badge' }),
    );
    feed.sendCommands(comments.slice(0, 4), 'zlib');
    feed.sendCommands(comments.slice(4, 8), 'brotli');
    feed.sendCommands(comments.slice(8), 'none');
    const sc = clone(bilibiliFixture('SUPER_CHAT_MESSAGE.normal'));
    sc.data.start_time = Math.floor(Date.now() / 1000);
    // 5 entries by 4 viewers (one came back), 2 follows, 1 share, V2 enters for 2 more viewers.
    const now = Date.now();
    const v2 = [2001, 2002].map((uid, i) => ({
      cmd: 'INTERACT_WORD_V2',
      data: { dmscore: 20, pb: interactWordV2Pb({ uid, uname: `V2观众${i}`, msg_type: 1, timestamp: Math.floor(now / 1000), trigger_time: BigInt(now) * 1_000_000n + BigInt(i) }) },
    }));
    feed.sendCommands(
      [
        sc,
        interact('enter', 1000, 1),
        interact('enter', 1001, 2),
        interact('enter', 1002, 3),
        interact('enter', 1003, 4),
        interact('enter', 1000, 5),
        interact('follow', 1001, 6),
        interact('follow', 1002, 7),
        interact('share', 1003, 8),
        ...v2,
      ],
      'brotli',
    );
    // 3 likes, the online count rising to 180 and settling at 150, 看过 1127, two buy clicks, and
    // commands LiveDeck has no use for (gift, entry effect, like total).
    const like = (uid: number) => ({ ...clone(bilibiliFixture('LIKE_INFO_V3_CLICK.normal')), data: { ...bilibiliFixture('LIKE_INFO_V3_CLICK.normal').data, uid } });
    feed.sendCommands([like(1000), like(1001), like(1000), onlineCount(120), onlineCount(180)], 'zlib');
    await new Promise((r) => setTimeout(r, 20));
    feed.sendCommands(
      [
        onlineCount(150),
        bilibiliFixture('WATCHED_CHANGE.1k'),
        { cmd: 'GOTO_BUY_FLOW', data: { text: '观***正在去买' } },
        { cmd: 'GOTO_BUY_FLOW', data: { text: '叔***正在去买' } },
        bilibiliFixture('SEND_GIFT.latiao'),
        bilibiliFixture('ENTRY_EFFECT.guard_none'),
        bilibiliFixture('LIKE_INFO_V3_UPDATE.normal'),
      ],
      'zlib',
    );

    await eventually(() => expect(storedOf(hub, 'product.click')).toHaveLength(2));
    expect(storedOf(hub, 'comment')).toHaveLength(12 + 1);
    expect(storedOf(hub, 'viewer.enter')).toHaveLength(5 + 2);
    const interactions = storedOf(hub, 'interaction') as { kind: string }[];
    expect(interactions.filter((e) => e.kind === 'follow')).toHaveLength(2);
    expect(interactions.filter((e) => e.kind === 'share')).toHaveLength(1);
    expect(interactions.filter((e) => e.kind === 'like')).toHaveLength(3);
    const snapshots = storedOf(hub, 'viewer.snapshot') as { online: number; total?: number }[];
    expect(snapshots.map((s) => s.online)).toEqual([120, 180, 150, 150]);
    expect(snapshots.at(-1)!.total).toBe(1127);
    expect(sink.warnings).toEqual([]);

    const recap = recapFromStore(hub.hub.ctx.repo, 'latest', Date.now(), { platform: 'bilibili' })!;
    const b = recap.byPlatform.bilibili;
    expect(b.views).toBe(7);
    expect(b.viewers).toBe(6); // 1000–1003 and the two V2 viewers
    expect(b.peakOnline).toBe(180);
    expect(recap.minutes.reduce((n, m) => n + m.comments, 0)).toBe(13);
    expect(recap.minutes.reduce((n, m) => n + m.clicks, 0)).toBe(2);
    expect(recap.items.find((i) => i.sku === 'MUG')?.clickers).toBe(2);
    // The question reached the control room's inbox.
    expect(JSON.stringify(hub.hub.ctx.live.snapshot(Date.now()))).toContain('这个杯子多少钱？');
  });

  it('marks the outage as a stream gap when the feed dies and comes back, and counts nothing twice', async () => {
    const { hub, feed } = await hubAndFeed();
    const { sink } = await startRoom(hub, source(feed));
    await feed.loggedIn();
    const first = Array.from({ length: 10 }, (_, i) => danmu(i, 3000 + i, `before ${i}`, { idStr: i % 2 === 0 }));
    feed.sendCommands(first, 'brotli');
    const enters = [interact('enter', 3000, 1), interact('enter', 3001, 2)];
    feed.sendCommands(enters, 'zlib');
    await eventually(() => expect(storedOf(hub, 'comment')).toHaveLength(10));
    await eventually(() => expect(storedOf(hub, 'viewer.enter')).toHaveLength(2));

    const port = feed.port;
    const killedAt = Date.now();
    await feed.kill();
    await eventually(() => expect(sink.states.at(-1)?.state).toBe('reconnecting'));
    await new Promise((r) => setTimeout(r, 500));
    const again = await startBilibiliFeed({ port });
    cleanup.push(() => again.kill().catch(() => {}));
    await again.loggedIn();
    const backAt = Date.now();
    // The restarted feed replays its last frames before going on: those must not count again.
    feed.auths.length = 0;
    again.sendCommands([...first.slice(5), enters[1]], 'brotli');
    again.sendCommands(
      Array.from({ length: 5 }, (_, i) => danmu(100 + i, 4000 + i, `after ${i}`)),
      'zlib',
    );

    await eventually(() => expect(storedOf(hub, 'comment')).toHaveLength(15));
    await eventually(() => expect(storedOf(hub, 'stream.gap')).toHaveLength(1));
    expect(storedOf(hub, 'viewer.enter')).toHaveLength(2);
    const gap = storedOf(hub, 'stream.gap')[0] as { platform: string; fromTs: number; toTs: number };
    expect(gap.platform).toBe('bilibili');
    expect(gap.fromTs).toBeGreaterThanOrEqual(killedAt);
    expect(gap.toTs).toBeGreaterThan(gap.fromTs);
    expect(gap.toTs).toBeLessThanOrEqual(backAt + 1000);
    expect(sink.states.map((s) => s.state)).toEqual(expect.arrayContaining(['connecting', 'connected', 'reconnecting']));
    expect(sink.states.at(-1)?.state).toBe('connected');
    const recap = recapFromStore(hub.hub.ctx.repo, 'latest', Date.now())!;
    expect(recap.markers.filter((m) => m.kind === 'gap')).toHaveLength(1);
  });

  it('skips each kind of bad input with its code and keeps the connection', async () => {
    const { hub, feed } = await hubAndFeed();
    const { sink } = await startRoom(hub, source(feed));
    await feed.loggedIn();
    await eventually(() => expect(sink.states.at(-1)?.state).toBe('connected'));

    const wrongLength = biliPacket(5, '{"cmd":"DANMU_MSG"}', 0);
    wrongLength.writeUInt32BE(4096, 0);
    feed.send(wrongLength);
    feed.send(biliPacket(5, zlib.deflateSync(Buffer.alloc(24 * 1024 * 1024)), 2)); // zlib bomb
    feed.send(biliPacket(5, zlib.brotliCompressSync(Buffer.alloc(24 * 1024 * 1024), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }), 3)); // brotli bomb
    feed.send(biliPacket(5, Buffer.from('this is not zlib'), 2));
    feed.send(biliPacket(5, Buffer.alloc(10 * 1024 * 1024, 0x41), 0)); // a 10 MB message
    feed.send('{"cmd":"DANMU_MSG"}', false); // text, not binary
    feed.send(biliPacket(5, 'not json {', 0));
    feed.sendCommands([{ cmd: 'SOMETHING_NEW_FROM_BILIBILI', data: {} }, { cmd: 'DANMU_MSG', info: 'garbage' }, [1, 2]], 'zlib');
    feed.send(biliPacket(9, '', 1)); // an operation nobody knows
    feed.sendCommands([danmu(1, 5000, 'still here')], 'brotli');

    await eventually(() => expect(storedOf(hub, 'comment')).toHaveLength(1), 15_000);
    const codes = sink.warnings.map((w) => w.code);
    for (const code of ['bad_frame', 'too_large', 'bad_compression', 'bad_json', 'unknown_command', 'bad_message', 'unknown_op']) expect(codes).toContain(code);
    expect(codes.filter((c) => c === 'too_large')).toHaveLength(2);
    expect(codes.filter((c) => c === 'bad_json')).toHaveLength(2); // the 10 MB body and the broken one
    expect(feed.connections).toBe(1);
    expect(sink.states.map((s) => s.state)).not.toContain('reconnecting');
    // A warning names the problem, never the payload.
    expect(sink.warnings.every((w) => w.message.length < 300 && !w.message.includes('AAAA'))).toBe(true);
  });

  it('reopens the connection after a message too large to read whole (past 16 MiB), saying so, and goes on', async () => {
    const { hub, feed } = await hubAndFeed();
    const { sink } = await startRoom(hub, source(feed));
    await feed.loggedIn();
    feed.sendCommands([danmu(1, 7000, 'before')], 'zlib');
    await eventually(() => expect(storedOf(hub, 'comment')).toHaveLength(1));
    feed.send(biliPacket(5, Buffer.alloc(17 * 1024 * 1024, 0x20), 0));
    await feed.loggedIn(2);
    expect(sink.warnings.map((w) => w.code)).toContain('too_large');
    feed.sendCommands([danmu(2, 7001, 'after')], 'brotli');
    await eventually(() => expect(storedOf(hub, 'comment')).toHaveLength(2));
    await eventually(() => expect(storedOf(hub, 'stream.gap')).toHaveLength(1));
  });

  it('takes a flood at the hub’s pace: one batch in flight, at most 500 records each, nothing lost', async () => {
    const { hub, feed } = await hubAndFeed();
    const { sink } = await startRoom(hub, source(feed), { submitDelayMs: 20 });
    await feed.loggedIn();
    const total = 50_000;
    const perFrame = 500;
    const t = Date.now();
    for (let f = 0; f < total / perFrame; f++) {
      const cmds = Array.from({ length: perFrame }, (_, i) => {
        const n = f * perFrame + i;
        return {
          cmd: 'DANMU_MSG',
          info: [
            [0, 1, 25, 16777215, t, 0, 0, '', 0, 0, 0, '', 0, '{}', '{}', { extra: JSON.stringify({ id_str: `flood${n}` }) }],
            `弹幕${n}`,
            [10_000 + (n % 997), 'u'],
            [],
            [],
            [],
            0,
            0,
            null,
            { ts: 0, ct: '' },
          ],
        };
      });
      feed.sendCommands(cmds, f % 2 ? 'brotli' : 'zlib');
    }
    await eventually(() => expect(sink.accepted).toBe(total), 120_000);
    console.log(`bilibili flood: ${total} comments stored in ${Date.now() - t} ms, ${sink.batches.length} batches`);
    expect(storedOf(hub, 'comment')).toHaveLength(total);
    expect(sink.duplicates).toBe(0);
    expect(sink.maxInFlight).toBe(1);
    expect(Math.max(...sink.batches)).toBeLessThanOrEqual(500);
    expect(sink.batches.reduce((a, b) => a + b, 0)).toBe(total);
  }, 180_000);

  it('without --url asks Bilibili’s API for the real room id, host and key (signed, with the cookie) and logs in with them', async () => {
    const hub = await startTestHub();
    cleanup.push(() => hub.stop());
    const feed = await startBilibiliFeed();
    cleanup.push(() => feed.kill().catch(() => {}));
    const seen: { path: string; cookie?: string; query: URLSearchParams }[] = [];
    const api = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      seen.push({ path: url.pathname, cookie: req.headers.cookie, query: url.searchParams });
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/room/v1/Room/room_init') return res.end(JSON.stringify({ code: 0, data: { room_id: url.searchParams.get('id') === '123' ? 7734200 : 0 } }));
      if (url.pathname === '/x/web-interface/nav') {
        return res.end(
          JSON.stringify({
            code: -101,
            data: { wbi_img: { img_url: 'https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png', sub_url: 'https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png' } },
          }),
        );
      }
      if (url.pathname === '/xlive/web-room/v1/index/getDanmuInfo') {
        return res.end(JSON.stringify({ code: 0, data: { token: 'KEY-FROM-BILIBILI', host_list: [{ host: '127.0.0.1', port: 2243, wss_port: 1, ws_port: feed.port }] } }));
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => api.close(() => r())));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const cookie = 'SESSDATA=secret-session; DedeUserID=424242; buvid3=BUVID-XYZ';
    const { sink } = await startRoom(hub, { id: 'shop-room', kind: 'bilibili', platform: 'bilibili', room: '123', apiUrl, cookie, enabled: true });

    await feed.loggedIn();
    expect(feed.auths[0]).toEqual({ uid: 424242, roomid: 7734200, protover: 3, platform: 'web', type: 2, key: 'KEY-FROM-BILIBILI', buvid: 'BUVID-XYZ' });
    const info = seen.find((s) => s.path === '/xlive/web-room/v1/index/getDanmuInfo')!;
    expect(info.cookie).toBe(cookie);
    expect(info.query.get('id')).toBe('7734200');
    const wts = info.query.get('wts')!;
    const mixin = 'ea1db124af3c7062474693fa704f4ff8';
    expect(info.query.get('w_rid')).toBe(createHash('md5').update(`id=7734200&type=0&wts=${wts}${mixin}`).digest('hex'));
    feed.sendCommands([danmu(1, 6000, '你好')], 'brotli');
    await eventually(() => expect(storedOf(hub, 'comment')).toHaveLength(1));
    const said = JSON.stringify([sink.states, sink.warnings]);
    expect(said).not.toContain('secret-session');
    expect(said).not.toContain('KEY-FROM-BILIBILI');
  });

  it('stops at once while Bilibili’s API has not answered yet', async () => {
    const hub = await startTestHub();
    cleanup.push(() => hub.stop());
    const api = http.createServer(() => {}); // never answers
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => {
      api.closeAllConnections();
      return new Promise<void>((r) => api.close(() => r()));
    });
    const sink = hubSink(hub);
    const handle = bilibiliAdapter.start({ id: 'slow', kind: 'bilibili', platform: 'bilibili', room: '123', apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, enabled: true }, sink);
    await new Promise((r) => setTimeout(r, 300));
    const t = Date.now();
    await handle.stop();
    expect(Date.now() - t).toBeLessThan(2000);
    expect(sink.states.map((s) => s.state)).toEqual(['connecting', 'stopped']);
    expect(sink.warnings).toEqual([]);
  });

  it('turns red with the reason when the room refuses the login, and when the room does not exist', async () => {
    const hub = await startTestHub();
    cleanup.push(() => hub.stop());
    const feed = await startBilibiliFeed({ authCode: -101 });
    cleanup.push(() => feed.kill().catch(() => {}));
    const { sink } = await startRoom(hub, source(feed));
    await eventually(() => expect(sink.states.some((s) => s.state === 'error')).toBe(true));
    expect(sink.states.find((s) => s.state === 'error')!.reason).toMatch(/refused the login/);
    expect(sink.warnings.map((w) => w.code)).toContain('auth_refused');

    const bad = hubSink(hub);
    const handle = bilibiliAdapter.start({ id: 'x', kind: 'bilibili', platform: 'bilibili', room: 'not-a-room', enabled: true }, bad);
    cleanup.push(() => handle.stop());
    await eventually(() => expect(bad.states.some((s) => s.state === 'error')).toBe(true));
    expect(bad.warnings.map((w) => w.code)).toContain('bad_room');
  });
});
