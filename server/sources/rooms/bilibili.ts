/**
 * Kind `bilibili`: a Bilibili live room's danmaku WebSocket (DESIGN §11, live rooms). LiveDeck
 * connects out, authenticates (op 7) as Bilibili's web client does, heartbeats every 30 s (op 2),
 * and turns the room's commands (op 5) into LiveDeck events:
 *
 * | Bilibili | LiveDeck |
 * |---|---|
 * | `DANMU_MSG`, `SUPER_CHAT_MESSAGE` | `comment` |
 * | `INTERACT_WORD` / `INTERACT_WORD_V2` msg_type 1 (enter) | `viewer.enter` |
 * | msg_type 2, 4, 5 (follow, special follow, mutual follow) / 3 (share) | `interaction` follow / share |
 * | `LIKE_INFO_V3_CLICK` (one viewer's like) | `interaction` like |
 * | `ONLINE_RANK_COUNT` | `viewer.snapshot`: `online` = its `online_count` (else `count`) |
 * | `WATCHED_CHANGE` | the snapshot's `total` (看过, people who have watched so far) |
 * | `GOTO_BUY_FLOW` (「…正在去买」) | `product.click` on the item on air, when the hub says which |
 *
 * "Online" is the room's audience count that Bilibili's web client shows (房间观众, the
 * `ONLINE_RANK_COUNT` command). The op 3 heartbeat reply's number is 人气 (a popularity score, not
 * people; Bilibili reports 1 for it to an anonymous client since 2022), so it is only taken as a sign
 * of life, never as online. `LIKE_INFO_V3_UPDATE` (the room's running like total) names nobody and
 * is not turned into likes: the per-viewer clicks are.
 *
 * With `source.url` the adapter connects there directly (a proxy, a test feed) and asks Bilibili for
 * nothing; else it asks for the room's real id (room_init) and its danmaku hosts and key
 * (getDanmuInfo, WBI-signed) at `source.apiUrl` or Bilibili's API. An optional `cookie` (a logged-in
 * browser's) gets unmasked names and user ids; it is sent only to the API, never logged.
 */
import { createHash } from 'node:crypto';
import type { RoomAdapter, RoomSink, SourceConfig } from '../types.js';
import { decodeFrame, encodePacket, Op, Protover } from './bilibili-frame.js';
import { clip, idFrom, openSocket, plausibleTs, runRoomLink, safeUrl, stableId, type LinkHooks, type RoomConnection, type RoomRecord } from './link.js';

export const HEARTBEAT_MS = 30_000;
/** No packet at all for this long (heartbeat replies included): the connection is dead. */
const SILENCE_MS = 75_000;
const DEFAULT_LIVE_API = 'https://api.live.bilibili.com';
const DEFAULT_MAIN_API = 'https://api.bilibili.com';
const DEFAULT_HOST = 'wss://broadcastlv.chat.bilibili.com/sub';
const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** Distinct unknown commands reported per connection (Bilibili has hundreds; each is said once). */
const MAX_UNKNOWN_REPORTED = 200;

/** Commands a room sends that LiveDeck has no use for: skipped without a warning. */
const IGNORED = new Set([
  'SEND_GIFT',
  'COMBO_SEND',
  'GIFT_STAR_PROCESS',
  'ENTRY_EFFECT',
  'ENTRY_EFFECT_MUST_RECEIVE',
  'LIKE_INFO_V3_UPDATE',
  'LIKE_INFO_V3_NOTICE',
  'ONLINE_RANK_V2',
  'ONLINE_RANK_V3',
  'ONLINE_RANK_TOP3',
  'NOTICE_MSG',
  'WIDGET_BANNER',
  'WIDGET_GIFT_STAR_PROCESS',
  'ROOM_REAL_TIME_MESSAGE_UPDATE',
  'HOT_RANK_CHANGED',
  'HOT_RANK_CHANGED_V2',
  'HOT_RANK_SETTLEMENT',
  'HOT_RANK_SETTLEMENT_V2',
  'STOP_LIVE_ROOM_LIST',
  'PREPARING',
  'LIVE',
  'CUT_OFF',
  'WARNING',
  'ROOM_CHANGE',
  'ROOM_BLOCK_MSG',
  'ROOM_SILENT_ON',
  'ROOM_SILENT_OFF',
  'ROOM_ADMINS',
  'ROOM_ADMIN_ENTRANCE',
  'room_admin_entrance',
  'ROOM_ADMIN_REVOKE',
  'GUARD_BUY',
  'USER_TOAST_MSG',
  'USER_TOAST_MSG_V2',
  'SUPER_CHAT_MESSAGE_JPN',
  'SUPER_CHAT_MESSAGE_DELETE',
  'SUPER_CHAT_ENTRANCE',
  'RECALL_DANMU_MSG',
  'ANCHOR_LOT_START',
  'ANCHOR_LOT_END',
  'ANCHOR_LOT_AWARD',
  'ANCHOR_LOT_CHECKSTATUS',
  'POPULARITY_RED_POCKET_START',
  'POPULARITY_RED_POCKET_NEW',
  'POPULARITY_RED_POCKET_WINNER_LIST',
  'POPULAR_RANK_CHANGED',
  'AREA_RANK_CHANGED',
  'DM_INTERACTION',
  'LIVE_INTERACTIVE_GAME',
  'WATCHED_CHANGE_V2',
  'PK_BATTLE_START',
  'PK_BATTLE_END',
  'PK_BATTLE_PROCESS',
  'PK_BATTLE_SETTLE',
  'VOICE_JOIN_LIST',
  'VOICE_JOIN_ROOM_COUNT_INFO',
  'LIVE_MULTI_VIEW_NEW_INFO',
  'WEALTH_NOTIFY',
  'LOG_IN_NOTICE',
  'POPULARITY_RANK_TAB_CHG',
  'LIVE_PANEL_CHANGE_CONTENT',
  'GUARD_HONOR_THOUSAND',
  'SYS_MSG',
  'PLAY_TAG',
  'ROOM_SKIN_MSG',
]);

/** Where to connect and how to say who we are. */
interface Target {
  url: string;
  roomid: number;
  uid: number;
  key?: string;
  buvid?: string;
}

export const bilibiliAdapter: RoomAdapter = {
  kind: 'bilibili',
  needs: ['room'],
  may: ['cookie', 'url', 'apiUrl'],
  start(source, sink) {
    return runRoomLink({
      source,
      sink,
      gapPlatforms: () => [source.platform],
      connect: (hooks) => connectOnce(source, sink, hooks),
    });
  },
};

async function connectOnce(source: SourceConfig, sink: RoomSink, hooks: LinkHooks): Promise<RoomConnection> {
  let target: Target;
  try {
    target = await resolveTarget(source, hooks.signal);
  } catch (err) {
    if (hooks.signal.aborted) throw err;
    const problem = err instanceof RoomProblem ? err : new RoomProblem('api_failed', err instanceof Error ? err.message : String(err), false);
    if (problem.fatal) hooks.fatal(problem.message);
    sink.warn(problem.code, problem.message);
    throw problem;
  }
  const mapper = createMapper(source, sink);
  let heartbeat: NodeJS.Timeout | null = null;
  let silence: NodeJS.Timeout | null = null;
  let paused = false;
  let conn: (RoomConnection & { ws: import('ws').WebSocket }) | null = null;
  const alive = (): void => {
    if (silence) clearTimeout(silence);
    silence = setTimeout(() => {
      // A paused reader hears nothing by its own choice.
      if (paused) return alive();
      sink.warn('silent', `nothing from the room for ${SILENCE_MS / 1000} s; reconnecting`);
      conn?.close();
    }, SILENCE_MS);
  };
  const stopTimers = (): void => {
    if (heartbeat) clearInterval(heartbeat);
    if (silence) clearTimeout(silence);
    heartbeat = silence = null;
  };

  const opened = await openSocket(
    target.url,
    {
      onOpen(ws) {
        const auth: Record<string, unknown> = { uid: target.uid, roomid: target.roomid, protover: 3, platform: 'web', type: 2 };
        if (target.buvid) auth.buvid = target.buvid;
        if (target.key) auth.key = target.key;
        ws.send(encodePacket(Op.auth, JSON.stringify(auth), Protover.int32));
        alive();
      },
      onMessage(data, isBinary) {
        alive();
        if (!isBinary) {
          sink.warn('bad_frame', 'a text message where the room speaks binary packets; skipped');
          return;
        }
        const { packets, problems } = decodeFrame(data);
        for (const p of problems) sink.warn(p.code, p.message);
        for (const packet of packets) {
          if (packet.op === Op.authReply) {
            const code = authCode(packet.body);
            if (code === 0) {
              hooks.up();
              heartbeat ??= setInterval(() => {
                if (conn?.ws.readyState === 1) conn.ws.send(encodePacket(Op.heartbeat, '[object Object]', Protover.int32));
              }, HEARTBEAT_MS);
              conn?.ws.send(encodePacket(Op.heartbeat, '[object Object]', Protover.int32));
            } else {
              const why = `the room refused the login (code ${code ?? 'unreadable'}); check --room and --cookie`;
              hooks.fatal(why);
              sink.warn('auth_refused', why);
              conn?.close();
            }
          } else if (packet.op === Op.heartbeatReply) {
            // 人气 is not a head count (see the file comment): the reply only says the room is alive.
            continue;
          } else if (packet.op === Op.message) {
            mapper.packet(packet.body, hooks.batcher.push);
          } else {
            sink.warn('unknown_op', `a packet with operation ${packet.op}; skipped`);
          }
        }
      },
    },
    { sink, signal: hooks.signal, headers: { 'User-Agent': USER_AGENT, Origin: 'https://live.bilibili.com' } },
  ).catch((err: unknown) => {
    stopTimers();
    throw err;
  });
  conn = opened;
  const closed = opened.closed.then((reason) => {
    stopTimers();
    return reason;
  });
  return {
    closed,
    close: () => opened.close(),
    pause: () => {
      paused = true;
      opened.pause();
    },
    resume: () => {
      paused = false;
      opened.resume();
    },
  };
}

function authCode(body: Buffer): number | null {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { code?: unknown };
    return typeof parsed.code === 'number' ? parsed.code : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Commands → events

/** Turns a room's command bodies into records; one per connection (it remembers the latest counts). */
export function createMapper(source: SourceConfig, sink: RoomSink) {
  const platform = source.platform;
  const unknown = new Set<string>();
  let online: number | null = null;
  let watched: number | undefined;
  let unattributedSaid = false;
  // Messages with neither id nor time (likes, buy clicks) are told apart by arrival: the same content
  // arriving twice in one millisecond (one frame) is two messages, not a resend.
  let seenMs = 0;
  const seenInMs = new Map<string, number>();
  function arrival(now: number, ...parts: unknown[]): string {
    if (now !== seenMs) {
      seenMs = now;
      seenInMs.clear();
    }
    const key = stableId(...parts);
    const n = seenInMs.get(key) ?? 0;
    seenInMs.set(key, n + 1);
    return `${key}:${now}:${n}`;
  }

  function snapshot(emit: (r: RoomRecord) => void): void {
    if (online === null) return;
    const ts = sink.now();
    const record: RoomRecord = { type: 'viewer.snapshot', platform, id: `online:${source.id}:${ts}:${online}:${watched ?? ''}`, ts, online };
    if (watched !== undefined) record.total = watched;
    emit(record);
  }

  function command(msg: Record<string, unknown>, emit: (r: RoomRecord) => void): void {
    const cmd = typeof msg.cmd === 'string' ? msg.cmd : '';
    // `DANMU_MSG:4:0:2:2:2:0` and the like are DANMU_MSG with a version tail.
    const name = cmd.split(':')[0];
    const data = (typeof msg.data === 'object' && msg.data !== null ? msg.data : {}) as Record<string, unknown>;
    const now = sink.now();
    switch (name) {
      case 'DANMU_MSG':
        return danmu(msg.info, now, emit);
      case 'SUPER_CHAT_MESSAGE': {
        const user = (data.user_info ?? {}) as Record<string, unknown>;
        const text = typeof data.message === 'string' ? data.message : '';
        if (!text || data.id === undefined) return bad('SUPER_CHAT_MESSAGE without an id or a message');
        return emit({
          type: 'comment',
          platform,
          id: idFrom('sc', String(data.id)),
          ts: plausibleTs(typeof data.start_time === 'number' ? data.start_time * 1000 : undefined, now),
          userId: userIdOf(data.uid, user.uname),
          nick: clip(String(user.uname ?? ''), 100),
          text: clip(text, 2000),
        });
      }
      case 'INTERACT_WORD':
        return interact(data, now, emit);
      case 'INTERACT_WORD_V2': {
        const decoded = typeof data.pb === 'string' ? decodeInteractWordV2(data.pb) : null;
        if (!decoded) return bad('INTERACT_WORD_V2 whose pb does not decode');
        return interact(decoded, now, emit);
      }
      case 'LIKE_INFO_V3_CLICK': {
        if (data.uid === undefined) return bad('LIKE_INFO_V3_CLICK without a uid');
        // No id and no time on a like: Bilibili never replays a room's past, so arrival time keeps it unique.
        return emit({ type: 'interaction', platform, id: `like:${arrival(now, data.uid, data.uname)}`, ts: now, userId: userIdOf(data.uid, data.uname), kind: 'like' });
      }
      case 'ONLINE_RANK_COUNT': {
        const n = count(data.online_count) ?? count(data.count);
        if (n === null) return bad('ONLINE_RANK_COUNT without a count');
        online = n;
        return snapshot(emit);
      }
      case 'WATCHED_CHANGE': {
        const n = count(data.num);
        if (n === null) return bad('WATCHED_CHANGE without a number');
        watched = n;
        return snapshot(emit);
      }
      case 'GOTO_BUY_FLOW': {
        const sku = sink.onAirSku?.();
        if (!sku) {
          if (!unattributedSaid) sink.warn('buy_flow_unattributed', 'someone went to buy, but no item is on air to count the click for; such clicks are skipped until one is');
          unattributedSaid = true;
          return;
        }
        const text = typeof data.text === 'string' ? data.text : '';
        // The only trace of the buyer is the masked name in the text (「叔***正在去买」).
        return emit({ type: 'product.click', platform, id: `buy:${arrival(now, text)}`, ts: now, userId: `masked:${stableId(text.replace(/正在去买.*$/, ''))}`, sku });
      }
      default:
        if (IGNORED.has(name)) return;
        if (!name) return bad('a message without a cmd');
        if (!unknown.has(name) && unknown.size < MAX_UNKNOWN_REPORTED) {
          unknown.add(name);
          sink.warn('unknown_command', `command ${JSON.stringify(clip(name, 40))} is not one LiveDeck reads; skipped`);
        }
    }
  }

  function danmu(info: unknown, now: number, emit: (r: RoomRecord) => void): void {
    if (!Array.isArray(info) || !Array.isArray(info[0]) || typeof info[1] !== 'string' || !Array.isArray(info[2])) return bad('DANMU_MSG whose info is not [meta, text, user, …]');
    const meta = info[0] as unknown[];
    const text = info[1] as string;
    const user = info[2] as unknown[];
    if (!text.trim()) return;
    const extra = parseExtra(meta[15]);
    const sentMs = typeof meta[4] === 'number' ? meta[4] : undefined;
    const check = (info[9] ?? {}) as { ct?: unknown; ts?: unknown };
    const userId = userIdOf(user[0], user[1], typeof extra.user_hash === 'string' ? extra.user_hash : undefined);
    let id: string;
    if (typeof extra.id_str === 'string' && extra.id_str) id = idFrom('dm', extra.id_str);
    else if (typeof check.ct === 'string' && check.ct && sentMs !== undefined) id = idFrom('dm', `${userId}:${sentMs}:${check.ct}`);
    else id = `dm:h:${stableId(userId, text, sentMs ?? check.ts ?? null)}`;
    emit({ type: 'comment', platform, id, ts: plausibleTs(sentMs, now), userId, nick: clip(typeof user[1] === 'string' ? user[1] : '', 100), text: clip(text, 2000) });
  }

  function interact(data: Record<string, unknown>, now: number, emit: (r: RoomRecord) => void): void {
    const type = data.msg_type;
    if (data.uid === undefined || typeof type !== 'number') return bad('INTERACT_WORD without a uid or msg_type');
    const userId = userIdOf(data.uid, data.uname);
    const trigger = data.trigger_time !== undefined ? String(data.trigger_time) : String(data.timestamp ?? '');
    const ts = plausibleTs(typeof data.timestamp === 'number' ? data.timestamp * 1000 : undefined, now);
    const id = idFrom(`iw${type}`, `${userId}:${trigger || stableId(now)}`);
    if (type === 1) return emit({ type: 'viewer.enter', platform, id, ts, userId });
    const kind = type === 3 ? 'share' : type === 2 || type === 4 || type === 5 ? 'follow' : null;
    if (kind) emit({ type: 'interaction', platform, id, ts, userId, kind });
  }

  function bad(message: string): void {
    sink.warn('bad_message', `${message}; skipped`);
  }

  return {
    /** One op 5 packet: a JSON command. */
    packet(body: Buffer, emit: (r: RoomRecord) => void): void {
      let msg: unknown;
      try {
        msg = JSON.parse(body.toString('utf8'));
      } catch {
        return sink.warn('bad_json', `a message of ${body.length} bytes that is not JSON; skipped`);
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return bad('a message that is not a JSON object');
      try {
        command(msg as Record<string, unknown>, emit);
      } catch (err) {
        bad(`a command that does not read (${err instanceof Error ? err.message : String(err)})`);
      }
    },
  };
}

/** A user id scoped to the platform: the uid when the room shows it, else a hash of what it does show. */
function userIdOf(uid: unknown, uname: unknown, userHash?: string): string {
  if ((typeof uid === 'number' && uid > 0) || (typeof uid === 'string' && /^[1-9]\d{0,19}$/.test(uid))) return String(uid);
  if (userHash) return `hash:${clip(userHash, 40)}`;
  return `masked:${stableId(typeof uname === 'string' ? uname : '')}`;
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}

function parseExtra(meta15: unknown): Record<string, unknown> {
  const extra = (meta15 as { extra?: unknown } | undefined)?.extra;
  if (typeof extra !== 'string' || extra.length > 64 * 1024) return {};
  try {
    const parsed = JSON.parse(extra) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The fields LiveDeck reads of an `INTERACT_WORD_V2` protobuf (base64): uid 1, uname 2, msg_type 5,
 * timestamp 7, trigger_time 15. Other fields are skipped by their wire type; null when it does not parse.
 */
export function decodeInteractWordV2(pb: string): Record<string, unknown> | null {
  const buf = Buffer.from(pb, 'base64');
  if (!buf.length || buf.length > 64 * 1024) return null;
  const out: Record<string, unknown> = {};
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= buf.length || shift > 63n) throw new Error('truncated varint');
      const byte = buf[at++];
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7n;
    }
  };
  try {
    while (at < buf.length) {
      const tag = varint();
      const field = Number(tag >> 3n);
      const wire = Number(tag & 7n);
      if (wire === 0) {
        const v = varint();
        if (field === 1) out.uid = v.toString();
        else if (field === 5) out.msg_type = Number(v);
        else if (field === 7) out.timestamp = Number(v);
        else if (field === 15) out.trigger_time = v.toString();
      } else if (wire === 2) {
        const len = Number(varint());
        if (at + len > buf.length) return null;
        if (field === 2) out.uname = buf.toString('utf8', at, at + len);
        at += len;
      } else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return null;
    }
  } catch {
    return null;
  }
  return at === buf.length ? out : null;
}

// ---------------------------------------------------------------------------------------------
// The room's address and key

class RoomProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fatal: boolean,
  ) {
    super(message);
  }
}

async function resolveTarget(source: SourceConfig, signal: AbortSignal): Promise<Target> {
  const room = Number(source.room);
  if (source.url) {
    // Tests and proxies: no call to Bilibili; the room id (if any) still goes in the login packet.
    return { url: source.url, roomid: Number.isSafeInteger(room) && room > 0 ? room : 0, uid: uidFromCookie(source.cookie) };
  }
  if (!Number.isSafeInteger(room) || room <= 0) throw new RoomProblem('bad_room', `room ${JSON.stringify(clip(String(source.room ?? ''), 20))} is not a Bilibili room number`, true);
  const liveApi = (source.apiUrl ?? DEFAULT_LIVE_API).replace(/\/+$/, '');
  const mainApi = (source.apiUrl ?? DEFAULT_MAIN_API).replace(/\/+$/, '');
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Referer: `https://live.bilibili.com/${room}` };
  if (source.cookie) headers.Cookie = source.cookie;

  const init = await getJson(`${liveApi}/room/v1/Room/room_init?id=${room}`, headers, signal);
  if (init.code !== 0) throw new RoomProblem('no_room', `Bilibili does not know room ${room} (code ${String(init.code)})`, true);
  const roomid = Number((init.data as { room_id?: unknown } | undefined)?.room_id);
  if (!Number.isSafeInteger(roomid) || roomid <= 0) throw new RoomProblem('no_room', `Bilibili's room_init for ${room} named no room id`, true);

  const params: Record<string, string> = { id: String(roomid), type: '0' };
  const mixin = await wbiKey(mainApi, headers, signal).catch(() => null);
  const query = mixin ? signWbi(params, mixin, Math.floor(Date.now() / 1000)) : new URLSearchParams(params).toString();
  const info = await getJson(`${liveApi}/xlive/web-room/v1/index/getDanmuInfo?${query}`, headers, signal).catch(() => null);
  if (signal.aborted) throw new RoomProblem('stopped', 'stopped', false);
  const uid = uidFromCookie(source.cookie);
  const buvid = cookieValue(source.cookie, 'buvid3');
  const data = info?.code === 0 ? (info.data as { token?: unknown; host_list?: unknown } | undefined) : undefined;
  const hosts = Array.isArray(data?.host_list) ? (data.host_list as { host?: unknown; wss_port?: unknown; ws_port?: unknown }[]) : [];
  const host = hosts.find((h) => typeof h.host === 'string' && /^[a-z0-9.-]+$/i.test(h.host));
  if (!host || typeof data?.token !== 'string') {
    // Without a key the room still answers, with names masked; the light says why it may be thin.
    return { url: DEFAULT_HOST, roomid, uid, buvid };
  }
  // An API reached over plain HTTP (a local proxy or test double) hands out plain-WebSocket hosts.
  const secure = !liveApi.startsWith('http://');
  const port = secure ? (typeof host.wss_port === 'number' ? host.wss_port : 443) : typeof host.ws_port === 'number' ? host.ws_port : 2244;
  return { url: `${secure ? 'wss' : 'ws'}://${String(host.host)}:${port}/sub`, roomid, uid, key: data.token, buvid };
}

async function getJson(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<{ code?: unknown; data?: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
  } catch (err) {
    throw new RoomProblem('api_unreachable', `cannot reach ${safeUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, false);
  }
  if (!res.ok) throw new RoomProblem('api_failed', `${safeUrl(url)} answered HTTP ${res.status}`, false);
  const text = await res.text();
  if (text.length > 1024 * 1024) throw new RoomProblem('api_failed', `${safeUrl(url)} answered more than 1 MiB`, false);
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null) throw new Error('not an object');
    return body as { code?: unknown; data?: unknown };
  } catch {
    throw new RoomProblem('api_failed', `${safeUrl(url)} answered something that is not JSON`, false);
  }
}

/** The order Bilibili's web client picks characters of img_key + sub_key in (its published WBI recipe). */
const MIXIN_ORDER = [46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13];

async function wbiKey(mainApi: string, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
  const nav = await getJson(`${mainApi}/x/web-interface/nav`, headers, signal);
  const img = (nav.data as { wbi_img?: { img_url?: unknown; sub_url?: unknown } } | undefined)?.wbi_img;
  const stem = (u: unknown): string => (typeof u === 'string' ? (u.split('/').pop() ?? '').split('.')[0] : '');
  const raw = stem(img?.img_url) + stem(img?.sub_url);
  if (raw.length < 64) throw new Error('no WBI keys');
  return MIXIN_ORDER.map((i) => raw[i]).join('');
}

/** The query string with `wts` and `w_rid` (md5 of the sorted, filtered query and the mixin key). */
export function signWbi(params: Record<string, string>, mixinKey: string, wts: number): string {
  const all: Record<string, string> = { ...params, wts: String(wts) };
  const query = Object.keys(all)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(all[k].replace(/[!'()*]/g, ''))}`)
    .join('&');
  const rid = createHash('md5')
    .update(query + mixinKey)
    .digest('hex');
  return `${query}&w_rid=${rid}`;
}

function cookieValue(cookie: string | undefined, name: string): string | undefined {
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=') || undefined;
  }
  return undefined;
}

function uidFromCookie(cookie: string | undefined): number {
  const uid = Number(cookieValue(cookie, 'DedeUserID'));
  return Number.isSafeInteger(uid) && uid > 0 ? uid : 0;
}
