import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from '../../server/hub.js';
import { MAX_HOOK_BODY_BYTES } from '../../server/protocol/index.js';
import { relayUrl } from '../../server/cli/relay.js';
import { createRelayPull, type RelayPull } from '../../server/relay/pull.js';
import { DEFAULT_DELIVERY_ANSWER } from '../../server/relay/server.js';
import type { HookAnswer, HookRequest, ReceiveHook } from '../../server/sources/types.js';
import { eventually as eventuallyWithin, TEST_TOKENS, tempDbFile } from '../support/hub.js';
import { postHook, RELAY_TOKEN, startRelay, tempDir, type TestRelay } from './support.js';

const cleanup: (() => Promise<void> | void)[] = [];
/** The relay and its hub side run on the same two cores as the rest of the suite: generous waits. */
const eventually = <T>(check: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> => eventuallyWithin(check, timeoutMs);
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function relayUp(limits?: Parameters<typeof startRelay>[0]): Promise<TestRelay> {
  const r = await startRelay(limits);
  cleanup.push(r.stop);
  return r;
}

/** A hub side that records what it is handed and answers as `answer` says. */
function pullInto(url: string, answer: (sourceId: string, req: HookRequest) => HookAnswer | Promise<HookAnswer> = () => ({ status: 200, body: 'ok' }), token = RELAY_TOKEN, hubId?: string) {
  const got: { sourceId: string; req: HookRequest }[] = [];
  const receive: ReceiveHook = async (sourceId, req) => {
    got.push({ sourceId, req });
    return answer(sourceId, req);
  };
  const pull: RelayPull = createRelayPull({ url, token, hubId, receive, retryBaseMs: 50, retryMaxMs: 200, logger: { warn() {} } });
  cleanup.push(() => pull.close());
  return { pull, got };
}

describe('livedeck relay: taking deliveries', () => {
  it('answers 200 once a delivery is in its outbox, and hands it to the hub later, in order, exactly as the platform sent it', async () => {
    const { url, relay, dbFile } = await relayUp();
    const bodies = Array.from({ length: 5 }, (_, i) => Buffer.from(JSON.stringify({ id: 1000 + i, note: '直播间订单', bytes: [0, 255, i] })));
    const before = Date.now();
    for (const [i, body] of bodies.entries()) {
      const res = await fetch(`${url}/hooks/shop-1?topic=orders%2Fpaid&shop=a&shop=b`, { method: 'POST', body, headers: { 'X-Shopify-Webhook-Id': `wh-${i}`, 'X-Shopify-Hmac-Sha256': `sig${i}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(DEFAULT_DELIVERY_ANSWER.body);
    }
    // On disk, not just in memory: another connection to the file sees the five rows.
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(dbFile, { readonly: true });
    expect((other.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(5);
    other.close();
    expect(relay.outbox.count).toBe(5);

    const { got } = pullInto(url);
    await eventually(() => expect(got).toHaveLength(5));
    await eventually(() => expect(relay.outbox.count).toBe(0));
    expect(got.map((g) => g.req.body.equals(bodies[got.indexOf(g)]))).toEqual([true, true, true, true, true]);
    const first = got[0];
    expect(first.sourceId).toBe('shop-1');
    expect(first.req.method).toBe('POST');
    expect(first.req.headers['x-shopify-webhook-id']).toBe('wh-0');
    expect(first.req.headers['x-shopify-hmac-sha256']).toBe('sig0');
    expect(first.req.headers.host).toBeUndefined();
    expect(first.req.query).toEqual({ topic: 'orders/paid', shop: 'a' });
    expect(first.req.receivedAt).toBeGreaterThanOrEqual(before);
    expect(got.map((g) => g.req.headers['x-shopify-webhook-id'])).toEqual(['wh-0', 'wh-1', 'wh-2', 'wh-3', 'wh-4']);
  });

  it('sends its deliveries in batches bounded by count and bytes, in the order it took them', async () => {
    const { url, relay } = await relayUp({ limits: { batchCount: 7, batchBytes: 3000 } });
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      const body = JSON.stringify({ i, pad: 'x'.repeat((i * 97) % 900) });
      expect((await postHook(url, `shop-${i % 3}`, body)).status).toBe(200);
      sent.push(body);
    }
    const { got } = pullInto(url);
    await eventually(() => expect(relay.outbox.count).toBe(0));
    expect(got.map((g) => g.req.body.toString())).toEqual(sent);
  });

  it('refuses a body past 1 MiB with 413 and keeps nothing of it; exactly 1 MiB is taken', async () => {
    const { url, relay } = await relayUp();
    expect((await postHook(url, 'big', Buffer.alloc(MAX_HOOK_BODY_BYTES, 0x61))).status).toBe(200);
    const over = await postHook(url, 'big', Buffer.alloc(MAX_HOOK_BODY_BYTES + 1, 0x61));
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text).error.code).toBe('too_large');
    expect(relay.outbox.count).toBe(1);
  });

  it('answers 429 when the outbox is full, per source and in total, and takes deliveries again once the hub has them', async () => {
    const { url, relay } = await relayUp({ limits: { maxCount: 3, maxCountPerSource: 2 } });
    expect((await postHook(url, 'a', '{}')).status).toBe(200);
    expect((await postHook(url, 'a', '{}')).status).toBe(200);
    const perSource = await postHook(url, 'a', '{}');
    expect(perSource.status).toBe(429);
    expect(JSON.parse(perSource.text).error.code).toBe('outbox_full');
    expect(perSource.headers.get('retry-after')).toBe('60');
    expect((await postHook(url, 'b', '{}')).status).toBe(200);
    expect((await postHook(url, 'c', '{}')).status).toBe(429);
    expect(relay.outbox.count).toBe(3);

    const { got } = pullInto(url);
    await eventually(() => expect(relay.outbox.count).toBe(0));
    expect(got.map((g) => g.sourceId)).toEqual(['a', 'a', 'b']);
    expect((await postHook(url, 'c', '{}')).status).toBe(200);
  });

  it('keeps its deliveries, their counts and its relay id across a restart on the same file', async () => {
    const first = await startRelay();
    for (const source of ['a', 'a', 'b']) expect((await postHook(first.url, source, `{"from":"${source}"}`)).status).toBe(200);
    const relayId = first.relay.outbox.relayId;
    await first.stop();
    const again = await relayUp({ dbFile: first.dbFile, limits: { maxCountPerSource: 2 } });
    expect(again.relay.outbox.relayId).toBe(relayId);
    expect(again.relay.outbox.count).toBe(3);
    expect((await postHook(again.url, 'a', '{}')).status).toBe(429);
    const { got } = pullInto(again.url);
    await eventually(() => expect(got.map((g) => g.req.body.toString())).toEqual(['{"from":"a"}', '{"from":"a"}', '{"from":"b"}']));
  });

  it('answers 429 past the outbox byte cap', async () => {
    const { url } = await relayUp({ limits: { maxBytes: 10_000 } });
    expect((await postHook(url, 'a', Buffer.alloc(6000))).status).toBe(200);
    expect((await postHook(url, 'b', Buffer.alloc(6000))).status).toBe(429);
    expect((await postHook(url, 'b', Buffer.alloc(1000))).status).toBe(200);
  });

  it('caps the requests of one address, counting the address a local terminator forwards', async () => {
    const { url, relay } = await relayUp({ limits: { ratePerSec: 0.001, burst: 3 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await postHook(url, 'a', '{}')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Behind Caddy on the same machine every request comes from 127.0.0.1: the forwarded client counts.
    const viaProxy = [];
    for (let i = 0; i < 4; i++) viaProxy.push((await postHook(url, 'a', '{}', { 'x-forwarded-for': '203.0.113.9' })).status);
    expect(viaProxy).toEqual([200, 200, 200, 429]);
    expect(relay.outbox.count).toBe(6);
  });

  it('answers 404 off /hooks/<source id>, 405 to other methods, and /health for the terminator', async () => {
    const { url } = await relayUp();
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/hooks/Not_A_Slug!`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${url}/api/ingest`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${url}/hooks/a`, { method: 'PUT', body: '{}' })).status).toBe(405);
    await postHook(url, 'a', '{}');
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toMatchObject({ ok: true, hub: 'none', waiting: 1 });
    expect(health.oldestWaitingSec).toBeGreaterThanOrEqual(0);
  });
});

describe('livedeck relay: the hub connection', () => {
  it('refuses a wrong or missing token on /relay, and the hub side says so and keeps nothing', async () => {
    const { url, relay } = await relayUp();
    await postHook(url, 'a', '{"n":1}');
    for (const auth of [{ token: 'wrong-token-wrong-token' }, {}]) {
      const socket = io(`${url}/relay`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
      const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      socket.close();
      expect(err.message).toMatch(/^unauthorized/);
    }
    // The default namespace serves nobody.
    const root = io(url, { auth: { token: RELAY_TOKEN }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<Error>((resolve) => root.once('connect_error', resolve));
    root.close();

    const { pull, got } = pullInto(url, undefined, 'wrong-token-wrong-token');
    await eventually(() => expect(pull.status().state).toBe('error'));
    expect(pull.status().lastError).toMatch(/LIVEDECK_TOKEN_RELAY/);
    expect(pull.status().lastError).not.toContain('wrong-token');
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toHaveLength(0);
    expect(relay.outbox.count).toBe(1);
  });

  it('passes a GET URL check to the hub and returns its answer; 503 with a sentence when no hub answers', async () => {
    const { url } = await relayUp({ limits: { forwardTimeoutMs: 300 } });
    const none = await fetch(`${url}/hooks/wx-1?echostr=abc`);
    expect(none.status).toBe(503);
    expect(await none.text()).toMatch(/No studio hub is connected/);

    let hang = false;
    const { pull, got } = pullInto(url, (_id, req) => (hang ? new Promise<HookAnswer>(() => {}) : { status: 200, body: req.query.echostr ?? '', contentType: 'text/plain' }));
    await eventually(() => expect(pull.status().state).toBe('connected'));
    const check = await fetch(`${url}/hooks/wx-1?signature=s&timestamp=1&nonce=2&echostr=${encodeURIComponent('回声123')}`);
    expect(check.status).toBe(200);
    expect(await check.text()).toBe('回声123');
    expect(got[0].req.method).toBe('GET');
    expect(got[0].req.query.signature).toBe('s');

    hang = true;
    const slow = await fetch(`${url}/hooks/wx-1?echostr=x`);
    expect(slow.status).toBe(503);
    expect(await slow.text()).toMatch(/did not answer within 0.3 s/);
  });

  it('acknowledges a refusal for good (a forgery, an unknown source) but keeps a delivery the hub could not store until it can', async () => {
    const { url, relay } = await relayUp();
    let failing = 2;
    const { got, pull } = pullInto(url, (sourceId) => {
      if (sourceId === 'ghost') return { status: 404, body: 'no such source' };
      if (sourceId === 'forged') return { status: 401, body: 'bad signature' };
      if (failing > 0) {
        failing--;
        return { status: 503, body: 'database write failed' };
      }
      return { status: 200, body: 'stored' };
    });
    await eventually(() => expect(pull.status().state).toBe('connected'));
    await postHook(url, 'ghost', '{}');
    await postHook(url, 'forged', '{}');
    await postHook(url, 'real', '{"n":1}');
    await eventually(() => expect(relay.outbox.count).toBe(0), 15_000);
    // ghost and forged once each; real refused twice with 503, then stored.
    expect(got.map((g) => g.sourceId)).toEqual(['ghost', 'forged', 'real', 'real', 'real']);
    expect(pull.status()).toMatchObject({ state: 'connected', received: 3, refused: 2 });
  });

  it('holds back a source the hub cannot take now, in its order, while the other sources keep coming', async () => {
    const { url, relay } = await relayUp();
    let switchedOn = false;
    const { got, pull } = pullInto(url, (sourceId) => (sourceId === 'off' && !switchedOn ? { status: 503, body: 'switched off' } : { status: 200, body: 'ok' }));
    await eventually(() => expect(pull.status().state).toBe('connected'));
    for (let i = 0; i < 3; i++) {
      await postHook(url, 'off', `{"off":${i}}`);
      await postHook(url, 'on', `{"on":${i}}`);
    }
    const bodiesOf = (id: string) => got.filter((g) => g.sourceId === id).map((g) => g.req.body.toString());
    await eventually(() => expect(bodiesOf('on')).toEqual(['{"on":0}', '{"on":1}', '{"on":2}']));
    // Tried again after its pause, always its oldest first: never a later one of it before.
    await eventually(() => expect(bodiesOf('off').length).toBeGreaterThanOrEqual(2));
    expect(new Set(bodiesOf('off'))).toEqual(new Set(['{"off":0}']));
    // Only the held-back source's three remain once the relay has the acks of the others.
    await eventually(() => expect(relay.outbox.count).toBe(3));
    expect(pull.status().state).toBe('error');
    // A later delivery of the working source is not held behind the paused one.
    await postHook(url, 'on', '{"on":3}');
    await eventually(() => expect(bodiesOf('on')).toContain('{"on":3}'));
    switchedOn = true;
    await eventually(() => expect(relay.outbox.count).toBe(0));
    expect(bodiesOf('off').filter((b, i, all) => all.indexOf(b) === i)).toEqual(['{"off":0}', '{"off":1}', '{"off":2}']);
    expect(pull.status().state).toBe('connected');
  });

  it('answers later deliveries of a source the way the hub answered the last one', async () => {
    const { url } = await relayUp();
    const { pull } = pullInto(url, () => ({ status: 200, body: 'success', contentType: 'text/plain' }));
    await eventually(() => expect(pull.status().state).toBe('connected'));
    expect((await postHook(url, 'wx', '<xml/>')).text).toBe(DEFAULT_DELIVERY_ANSWER.body);
    await eventually(async () => expect((await postHook(url, 'wx', '<xml/>')).text).toBe('success'));
    expect((await postHook(url, 'other', '{}')).text).toBe(DEFAULT_DELIVERY_ANSWER.body);
  });

  it('gives the batch again to the same hub restarted, which takes the relay over at once', async () => {
    const { url, relay } = await relayUp();
    const first = pullInto(url, () => new Promise<HookAnswer>(() => {}), RELAY_TOKEN, 'studio-a');
    await eventually(() => expect(first.pull.status().state).toBe('connected'));
    await postHook(url, 'a', '{"n":1}');
    await eventually(() => expect(first.got).toHaveLength(1));
    // The studio's hub restarted while its old connection hangs: the new one gets the same delivery.
    const second = pullInto(url, undefined, RELAY_TOKEN, 'studio-a');
    await eventually(() => expect(second.got).toHaveLength(1));
    await eventually(() => expect(relay.outbox.count).toBe(0));
    expect(second.got[0].req.body.toString()).toBe('{"n":1}');
    await eventually(() => expect(first.pull.status().state).toBe('error'));
  });
});

describe('two hubs on one token', () => {
  it('refuses a second, different hub while the first is connected, so two studios never split a shop', async () => {
    const { url } = await relayUp();
    const first = pullInto(url, undefined, RELAY_TOKEN, 'studio-a');
    await eventually(() => expect(first.pull.status().state).toBe('connected'));
    const other = pullInto(url, undefined, RELAY_TOKEN, 'studio-b');
    await eventually(() => expect(other.pull.status().state).toBe('error'));
    expect(other.pull.status().lastError).toMatch(/another studio hub is connected/);
    for (let i = 0; i < 5; i++) await postHook(url, 'a', `{"n":${i}}`);
    await eventually(() => expect(first.got).toHaveLength(5));
    expect(other.got).toHaveLength(0);
    expect(first.pull.status().state).toBe('connected');
  });
});

describe('the hub side remembers what it acknowledged', () => {
  it('skips deliveries it already acknowledged when a relay sends them again (a relay stopped before it could forget them)', async () => {
    const first = await startRelay();
    for (let i = 1; i <= 3; i++) await postHook(first.url, 'a', `{"n":${i}}`);
    await first.stop();
    // The relay's file as it was before the hub took the three: what a relay killed between the ack
    // and its delete comes back with.
    const before = `${first.dbFile}.before`;
    fs.copyFileSync(first.dbFile, before);

    const second = await startRelay({ dbFile: first.dbFile });
    const { got } = pullInto(second.url);
    await eventually(() => expect(second.relay.outbox.count).toBe(0));
    expect(got).toHaveLength(3);
    await second.stop();
    fs.copyFileSync(before, first.dbFile);

    const third = await relayUp({ dbFile: first.dbFile, port: second.port });
    expect(third.relay.outbox.count).toBe(3);
    await eventually(() => expect(third.relay.outbox.count).toBe(0));
    expect(got).toHaveLength(3);
    await postHook(third.url, 'a', '{"n":4}');
    await eventually(() => expect(got.map((g) => g.req.body.toString())).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']));
  });
});

describe('a relay on a new database', () => {
  it('is not taken for the old one: its sequence numbers start again and nothing is skipped', async () => {
    const first = await startRelay();
    const { got } = pullInto(first.url);
    for (let i = 1; i <= 3; i++) await postHook(first.url, 'a', `{"old":${i}}`);
    await eventually(() => expect(got).toHaveLength(3));
    await first.stop();
    // The relay's file lost and started afresh on the same address: seqs 1 and 2 again, a new relay id.
    const fresh = await relayUp({ port: first.port });
    await postHook(fresh.url, 'a', '{"new":1}');
    await postHook(fresh.url, 'a', '{"new":2}');
    await eventually(() => expect(got.map((g) => g.req.body.toString()).slice(3)).toEqual(['{"new":1}', '{"new":2}']));
  });
});

describe('the hub with --relay', () => {
  it('hands relayed deliveries to its webhook entry and shows the relay link on /health', async () => {
    const r = await relayUp();
    const got: string[] = [];
    const hub = createHub({
      db: tempDbFile('relay-hub'),
      tokens: TEST_TOKENS,
      relay: { url: r.url, token: RELAY_TOKEN, receive: async (sourceId, req) => (got.push(`${sourceId}:${req.body.toString()}`), { status: 200, body: 'ok' }) },
    });
    cleanup.push(() => hub.close());
    const { url } = await hub.listen(0);
    await postHook(r.url, 'shop', '{"order":1}');
    await eventually(() => expect(got).toEqual(['shop:{"order":1}']));
    const health = await (await fetch(`${url}/health`)).json();
    expect(health.relay).toMatchObject({ state: 'connected', url: r.url, received: 1 });
    expect(JSON.stringify(health)).not.toContain(RELAY_TOKEN);
    await r.stop();
    await eventually(async () => expect((await (await fetch(`${url}/health`)).json()).relay.state).toBe('waiting'));
  });

  it("hands deliveries to the hub's own webhook door: a shop's stored, an unknown shop's let go, a switched-off shop's held at the relay", async () => {
    const r = await relayUp();
    const hub = createHub({ db: tempDbFile('relay-hub'), tokens: TEST_TOKENS, relay: { url: r.url, token: RELAY_TOKEN } });
    cleanup.push(() => hub.close());
    const secret = 'shpss_relay_test_secret';
    expect((await hub.sources.add({ kind: 'shopify', id: 'shop', secret })).ok).toBe(true);
    expect((await hub.sources.add({ kind: 'shopify', id: 'closed-shop', secret, enabled: false })).ok).toBe(true);
    await eventually(() => expect(hub.relay?.status().state).toBe('connected'));
    const signed = (body: string, id: string) => ({
      'X-Shopify-Hmac-Sha256': crypto.createHmac('sha256', secret).update(body).digest('base64'),
      'X-Shopify-Webhook-Id': id,
      'X-Shopify-Topic': 'orders/paid',
    });
    const body = JSON.stringify({ id: 820982911946154500, line_items: [] });
    // No such source at the hub: a 404 is final, acknowledged, gone from the relay.
    await postHook(r.url, 'ghost', '{}');
    // The shop's delivery is verified and stored in the hub's inbox, then leaves the relay.
    await postHook(r.url, 'shop', body, signed(body, 'relay-wh-1'));
    await eventually(() => expect(hub.sources.statuses().find((s) => s.id === 'shop')).toMatchObject({ deliveries: 1, badSignatures: 0 }));
    await eventually(() => expect(r.relay.outbox.count).toBe(0));
    expect(hub.relay?.status()).toMatchObject({ refused: 1 });
    // A switched-off shop answers 503 at the hub: its delivery waits at the relay, nothing stored.
    await postHook(r.url, 'closed-shop', body, signed(body, 'relay-wh-2'));
    await eventually(() => expect(hub.relay?.status().lastError).toMatch(/source closed-shop: 503/));
    expect(r.relay.outbox.count).toBe(1);
    expect(hub.sources.statuses().find((s) => s.id === 'closed-shop')?.deliveries).toBe(0);
  });
});

describe('the command line', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'livedeck.mjs');
  const env = { ...process.env };
  delete env.LIVEDECK_TOKEN_RELAY;

  it('takes a relay address for --relay and says what is wrong with anything else', () => {
    expect(relayUrl('https://relay.example.com/')).toEqual({ url: 'https://relay.example.com', warning: null });
    expect(relayUrl('http://127.0.0.1:8080').warning).toBeNull();
    expect(relayUrl('http://relay.example.com').warning).toMatch(/unencrypted/);
    expect(() => relayUrl('relay.example.com')).toThrow(/not a URL/);
    expect(() => relayUrl('ftp://relay.example.com')).toThrow(/http\(s\)/);
    expect(() => relayUrl('https://relay.example.com/livedeck')).toThrow(/without a path/);
    expect(() => relayUrl('https://relay.example.com/?token=abc')).toThrow(/LIVEDECK_TOKEN_RELAY/);
  });

  it('refuses to start a relay, or a studio with --relay, without a relay token', () => {
    const db = path.join(tempDir('relay-cli'), 'relay.db');
    const relay = spawnSync(process.execPath, [bin, 'relay', '--port', '0', '--db', db], { env, encoding: 'utf8', timeout: 60_000 });
    expect(relay.status).toBe(2);
    expect(relay.stderr).toMatch(/LIVEDECK_TOKEN_RELAY/);
    expect(fs.existsSync(db)).toBe(false);
    const short = spawnSync(process.execPath, [bin, 'relay', '--port', '0', '--db', db], { env: { ...env, LIVEDECK_TOKEN_RELAY: 'abc' }, encoding: 'utf8', timeout: 60_000 });
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/too short/);
    const studio = spawnSync(process.execPath, [bin, 'studio', '--relay', 'https://relay.example.com', '--db', path.join(tempDir('relay-cli'), 's.db')], { env, encoding: 'utf8', timeout: 60_000 });
    expect(studio.status).toBe(2);
    expect(studio.stderr).toMatch(/LIVEDECK_TOKEN_RELAY/);
  });
});
