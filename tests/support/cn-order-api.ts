/**
 * Local stand-ins for the 抖店 open API and the 微信小店 API on 127.0.0.1 (free port): they answer in
 * the documented response shapes, check every request's signature / token as the platforms do, and
 * send 64-bit ids as bare JSON numbers where the platforms do. `close()` / `reopen()` take the API
 * down and bring it back on the same port, as a platform outage looks to the hub.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openApiSign, sortedJson } from '../../server/sources/hooks/doudian.js';
import { parseJsonLossless } from '../../server/sources/hooks/lossless-json.js';

/** JSON text in which the named keys' digit-string values are written as bare numbers (as the platforms send 64-bit ids). */
export function withBareIds(value: unknown, keys: readonly string[]): string {
  let text = JSON.stringify(value);
  for (const key of keys) text = text.replace(new RegExp(`"${key}":"(-?\\d+)"`, 'g'), `"${key}":$1`);
  return text;
}

interface FakeApi {
  url: string;
  port: number;
  /** Requests answered, by path. */
  calls: Map<string, number>;
  /** Requests refused for a bad signature, token or key. */
  refused: string[];
  close(): Promise<void>;
  reopen(): Promise<void>;
  stop(): Promise<void>;
}

async function serve(handler: (req: http.IncomingMessage, body: string, url: URL) => { status?: number; json: string }): Promise<FakeApi> {
  const calls = new Map<string, number>();
  const refused: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      calls.set(url.pathname, (calls.get(url.pathname) ?? 0) + 1);
      const out = handler(req, Buffer.concat(chunks).toString('utf8'), url);
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(out.json);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    refused,
    close,
    reopen: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    stop: close,
  };
}

// ---------------------------------------------------------------------------------------------
// 抖店

export interface DoudianApi extends FakeApi {
  /** `shop_order_detail` by parent order id (ids as digit strings; sent as bare numbers where 抖店 does). */
  orders: Map<string, Record<string, unknown>>;
  /** The `shop_order_id` of every order-detail request, exactly as received. */
  asked: string[];
  /** Makes the next N order-detail calls answer an error code, as 抖店 does when it is unwell. */
  failNext(n: number): void;
}

export async function startDoudianApi(appKey: string, secret: string): Promise<DoudianApi> {
  const orders = new Map<string, Record<string, unknown>>();
  const asked: string[] = [];
  const tokens = new Set<string>();
  let failing = 0;
  const error = (code: number, msg: string, subCode: string, subMsg: string): { json: string } => ({
    json: JSON.stringify({ code, msg, sub_code: subCode, sub_msg: subMsg, log_id: crypto.randomBytes(8).toString('hex'), data: {} }),
  });
  const api = await serve((req, body, url) => {
    const q = url.searchParams;
    const method = url.pathname.replace(/^\//, '').replace(/\//g, '.');
    const signMethod = q.get('sign_method') ?? 'md5';
    const expected = openApiSign(appKey, secret, method, body, q.get('timestamp') ?? '', signMethod === 'hmac-sha256' ? 'hmac-sha256' : 'md5');
    if (req.method !== 'POST' || q.get('app_key') !== appKey || q.get('method') !== method || q.get('v') !== '2' || q.get('sign') !== expected) {
      api.refused.push(`${url.pathname}: bad sign`);
      return error(40004, '参数错误', 'isv.sign-check-failure', '签名校验失败');
    }
    const params = parseJsonLossless(body);
    if (!params.ok || body !== sortedJson(params.value)) {
      api.refused.push(`${url.pathname}: param_json not sorted`);
      return error(40004, '参数错误', 'isv.parameter-invalid', 'param_json 无效');
    }
    const p = params.value as Record<string, unknown>;
    if (url.pathname === '/token/create') {
      if (p.grant_type !== 'authorization_self') return error(40004, '参数错误', 'isv.parameter-invalid', 'grant_type 无效');
      const token = crypto.randomUUID();
      tokens.add(token);
      return {
        json: JSON.stringify({
          code: 10000,
          msg: 'success',
          sub_code: '',
          sub_msg: '',
          log_id: 'x',
          data: { access_token: token, expires_in: 604800, refresh_token: crypto.randomUUID(), scope: 'SCOPE', shop_id: 4463798, shop_name: '测试店铺' },
        }),
      };
    }
    if (url.pathname === '/order/orderDetail') {
      if (!tokens.has(q.get('access_token') ?? '')) {
        api.refused.push('/order/orderDetail: bad token');
        return error(30001, '权限不足', 'isv.access-token-no-exist', 'access_token 不存在');
      }
      const id = p.shop_order_id;
      asked.push(String(id));
      if (failing > 0) {
        failing--;
        return error(20000, '服务不可用', 'isp.service-error', '服务暂不可用');
      }
      const order = typeof id === 'string' ? orders.get(id) : undefined;
      if (!order) return error(50002, '业务处理失败', 'isv.business-failed:100', '订单不存在');
      const bare = ['product_id', 'sku_id', 'author_id', 'shop_id', 'room_id'];
      return { json: `{"code":10000,"msg":"success","sub_code":"","sub_msg":"","log_id":"x","data":{"shop_order_detail":${withBareIds(order, bare)}}}` };
    }
    return { status: 404, json: '{"code":404}' };
  });
  return Object.assign(api, { orders, asked, failNext: (n: number) => void (failing = n) });
}

// ---------------------------------------------------------------------------------------------
// 微信小店

export interface WxshopApi extends FakeApi {
  /** `order` by order id (ids as digit strings, as the current API sends them). */
  orders: Map<string, Record<string, unknown>>;
  asked: string[];
  /** Tokens issued so far. */
  tokensIssued(): number;
  /** Expires every token issued so far: the next order call answers 42001. */
  expireTokens(): void;
}

export async function startWxshopApi(appId: string, secret: string): Promise<WxshopApi> {
  const orders = new Map<string, Record<string, unknown>>();
  const asked: string[] = [];
  const tokens = new Set<string>();
  let issued = 0;
  const api = await serve((req, body, url) => {
    if (url.pathname === '/cgi-bin/stable_token' && req.method === 'POST') {
      const p = JSON.parse(body) as { grant_type?: string; appid?: string; secret?: string };
      if (p.grant_type !== 'client_credential' || p.appid !== appId) return { json: '{"errcode":40013,"errmsg":"invalid appid"}' };
      if (p.secret !== secret) {
        api.refused.push('stable_token: bad secret');
        return { json: '{"errcode":40125,"errmsg":"invalid appsecret"}' };
      }
      const token = crypto.randomBytes(24).toString('base64url');
      tokens.add(token);
      issued++;
      return { json: JSON.stringify({ access_token: token, expires_in: 7200 }) };
    }
    if (url.pathname === '/channels/ec/order/get' && req.method === 'POST') {
      if (!tokens.has(url.searchParams.get('access_token') ?? '')) {
        api.refused.push('order/get: bad token');
        return { json: '{"errcode":42001,"errmsg":"access_token expired"}' };
      }
      const raw = /"order_id"\s*:\s*("?)(\d+)\1/.exec(body);
      asked.push(raw ? `${raw[1] === '"' ? 'string' : 'number'}:${raw[2]}` : body);
      const order = raw ? orders.get(raw[2]) : undefined;
      if (!order) return { json: '{"errcode":100002,"errmsg":"order not exist"}' };
      return { json: JSON.stringify({ errcode: 0, errmsg: 'ok', order }) };
    }
    return { status: 404, json: '{"errcode":404}' };
  });
  return Object.assign(api, { orders, asked, tokensIssued: () => issued, expireTokens: () => tokens.clear() });
}
