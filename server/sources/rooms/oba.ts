/**
 * Kind `oba`: a client of oba-live-tool's local WebSocket broadcast (default `ws://127.0.0.1:12354`,
 * the port its 自动回复 → WebSocket setting opens). oba-live-tool watches the platform's own web
 * consoles and sends one JSON text message per comment or room event: `{msg_type, msg_id, nick_name,
 * user_id?, content?, time, …}`, `time` being its own clock in epoch ms. The messages name no
 * platform; the type does:
 *
 * | msg_type | platform | LiveDeck |
 * |---|---|---|
 * | `comment` | Douyin (巨量百应 / 抖店罗盘 / 抖音 control page) or Kuaishou | `comment` |
 * | `room_enter` / `room_like` / `room_follow` (Douyin 罗盘) | douyin | `viewer.enter` / `interaction` like / follow |
 * | `live_order` (Douyin 罗盘 `live_order_stream`) | douyin | `order`, estimated (see below), or a warning |
 * | `wechat_channel_live_msg` | channels (视频号) | `comment` |
 * | `xiaohongshu_comment` | xiaohongshu | `comment` |
 * | `taobao_comment` | taobao | `comment` |
 *
 * `comment` is both Douyin's and Kuaishou's: it goes to the source's `platform` when that is
 * `kuaishou` (or any platform other than the default `oba`), else to `douyin`.
 *
 * `live_order` carries a product id and a status (已下单 / 已付款) but no amount. It becomes an order
 * only when the product id is one of the catalog's (`sink.skuFor`), for one unit at the catalog price,
 * marked `estimated: true` (the recap counts such orders and their GMV apart); otherwise it is
 * skipped with `unmapped_order`. No amount is ever made up.
 */
import type { RoomAdapter, RoomSink, SourceConfig } from '../types.js';
import { clip, idFrom, openSocket, plausibleTs, runRoomLink, stableId, type LinkHooks, type RoomConnection, type RoomRecord } from './link.js';

export const DEFAULT_OBA_URL = 'ws://127.0.0.1:12354';
/** Largest text message read (oba's are a few hundred bytes). */
const MAX_TEXT_BYTES = 256 * 1024;
const MAX_UNKNOWN_REPORTED = 100;

/** Message types that say which platform they come from. */
const platformOfType: Record<string, string> = {
  room_enter: 'douyin',
  room_like: 'douyin',
  room_follow: 'douyin',
  live_order: 'douyin',
  subscribe_merchant_brand_vip: 'douyin',
  ecom_fansclub_participate: 'douyin',
  wechat_channel_live_msg: 'channels',
  xiaohongshu_comment: 'xiaohongshu',
  taobao_comment: 'taobao',
};

/** Douyin room events LiveDeck has no event for (joined the brand's membership, the fan club). */
const IGNORED = new Set(['subscribe_merchant_brand_vip', 'ecom_fansclub_participate']);

export const obaAdapter: RoomAdapter = {
  kind: 'oba',
  needs: [],
  may: ['url'],
  start(source, sink) {
    const mapper = createObaMapper(source, sink);
    return runRoomLink({
      source,
      sink,
      gapPlatforms: () => mapper.platformsSeen(),
      connect: (hooks) => connectOnce(source, sink, hooks, mapper),
    });
  },
};

async function connectOnce(source: SourceConfig, sink: RoomSink, hooks: LinkHooks, mapper: ObaMapper): Promise<RoomConnection> {
  const url = source.url || DEFAULT_OBA_URL;
  const conn = await openSocket(
    url,
    {
      onMessage(data, isBinary) {
        if (isBinary) return sink.warn('bad_frame', `a binary message of ${data.length} bytes where oba-live-tool sends JSON text; skipped`);
        if (data.length > MAX_TEXT_BYTES) return sink.warn('too_large', `a message of ${data.length} bytes, more than the ${MAX_TEXT_BYTES} taken; skipped`);
        mapper.message(data.toString('utf8'), hooks.batcher.push);
      },
    },
    { sink, signal: hooks.signal },
  );
  // oba-live-tool says nothing on connect and has no login: an open socket is a connected room.
  hooks.up();
  return conn;
}

export type ObaMapper = ReturnType<typeof createObaMapper>;

export function createObaMapper(source: SourceConfig, sink: RoomSink) {
  const commentPlatform = source.platform && source.platform !== 'oba' ? source.platform : 'douyin';
  const seen = new Set<string>();
  const unknown = new Set<string>();

  function bad(code: string, message: string): void {
    sink.warn(code, `${message}; skipped`);
  }

  function map(msg: Record<string, unknown>, emit: (r: RoomRecord) => void): void {
    const type = typeof msg.msg_type === 'string' ? msg.msg_type : '';
    if (!type) return bad('bad_message', 'a message without a msg_type');
    const platform = type === 'comment' ? commentPlatform : platformOfType[type];
    if (!platform) {
      if (!unknown.has(type) && unknown.size < MAX_UNKNOWN_REPORTED) {
        unknown.add(type);
        sink.warn('unknown_message', `msg_type ${JSON.stringify(clip(type, 40))} is not one LiveDeck reads; skipped`);
      }
      return;
    }
    if (IGNORED.has(type)) return;
    const now = sink.now();
    const ts = plausibleTs(msg.time, now);
    const nick = typeof msg.nick_name === 'string' ? clip(msg.nick_name, 100) : '';
    const userId = userIdOf(msg.user_id, nick);
    const msgId = typeof msg.msg_id === 'string' && msg.msg_id ? msg.msg_id : typeof msg.msg_id === 'number' ? String(msg.msg_id) : null;
    // Without the platform's id, the message itself and its time identify it (a resend is the same).
    const id = (prefix: string): string => (msgId ? idFrom(prefix, msgId) : `${prefix}:h:${stableId(type, userId, msg.content ?? null, msg.time ?? null)}`);
    seen.add(platform);

    switch (type) {
      case 'comment':
      case 'wechat_channel_live_msg':
      case 'xiaohongshu_comment':
      case 'taobao_comment': {
        const text = typeof msg.content === 'string' ? msg.content : '';
        if (!text.trim()) return bad('bad_message', `${type} without content`);
        return emit({ type: 'comment', platform, id: id('c'), ts, userId, nick, text: clip(text, 2000) });
      }
      case 'room_enter':
        return emit({ type: 'viewer.enter', platform, id: id('enter'), ts, userId });
      case 'room_like':
        return emit({ type: 'interaction', platform, id: id('like'), ts, userId, kind: 'like' });
      case 'room_follow':
        return emit({ type: 'interaction', platform, id: id('follow'), ts, userId, kind: 'follow' });
      case 'live_order':
        return order(msg, platform, msgId, userId, ts, now, emit);
      default:
        return;
    }
  }

  function order(msg: Record<string, unknown>, platform: string, msgId: string | null, userId: string, ts: number, now: number, emit: (r: RoomRecord) => void): void {
    const status = msg.order_status === '已付款' ? 'paid' : msg.order_status === '已下单' ? 'created' : null;
    if (!status) return bad('unmapped_order', `live_order with status ${JSON.stringify(clip(String(msg.order_status ?? ''), 10))}`);
    const productId = typeof msg.product_id === 'string' || typeof msg.product_id === 'number' ? String(msg.product_id) : '';
    // oba's msg_id is `<order_id>#<status code>`: the order is the part before '#'.
    const orderId = msgId ? msgId.split('#')[0] : '';
    if (!orderId || !productId) return bad('unmapped_order', 'live_order without an order id or a product id');
    // Douyin's product id: a catalog product carrying it (shop ids, platform douyin), or a sku that is it.
    const sku = sink.skuFor({ productId, platform, sku: productId });
    const priceFen = sku === undefined ? undefined : sink.priceFor(sku);
    if (sku === undefined || priceFen === undefined) {
      return bad('unmapped_order', `live_order for product ${clip(productId, 40)}, which no catalog product carries, so its amount is unknown`);
    }
    // Douyin's order_ts is in seconds; oba passes it on as it came.
    const orderTs = typeof msg.order_ts === 'number' ? (msg.order_ts < 1e12 ? msg.order_ts * 1000 : msg.order_ts) : undefined;
    emit({
      type: 'order',
      platform,
      id: idFrom('order', `${orderId}:${status}`),
      ts: orderTs !== undefined ? plausibleTs(orderTs, now) : ts,
      orderId: clip(orderId, 128),
      userId,
      sku,
      qty: 1,
      amountFen: priceFen,
      status,
      estimated: true,
    });
  }

  return {
    /** One text message from oba-live-tool. */
    message(text: string, emit: (r: RoomRecord) => void): void {
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        return bad('bad_json', `a message of ${text.length} characters that is not JSON`);
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return bad('bad_message', 'a message that is not a JSON object');
      try {
        map(msg as Record<string, unknown>, emit);
      } catch (err) {
        bad('bad_message', `a message that does not read (${err instanceof Error ? err.message : String(err)})`);
      }
    },
    /** The platforms this feed has spoken for (an outage is a gap of each); the comment platform before any. */
    platformsSeen(): string[] {
      return seen.size ? [...seen] : [commentPlatform];
    },
  };
}

/** The platform's user id where oba passes one, else a hash of the nickname (Douyin's comments carry none). */
function userIdOf(userId: unknown, nick: string): string {
  if ((typeof userId === 'string' && userId) || typeof userId === 'number') return clip(String(userId), 128);
  return `nick:${stableId(nick)}`;
}
