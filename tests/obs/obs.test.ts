/**
 * Go on a run-sheet row switches the OBS scene it names. OBS here is a real obs-websocket v5 server
 * on loopback, written below from the protocol: Hello, Identify with the salted challenge, Identified,
 * Request and RequestResponse over the `obswebsocket.json` subprotocol.
 */
import crypto from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LiveTick } from '../../server/protocol/index.js';
import { obsConfigFromEnv } from '../../server/obs/index.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

interface ObsRequest {
  requestType: string;
  requestData?: Record<string, unknown>;
}

interface FakeObs {
  url: string;
  port: number;
  /** Every request OBS received, in order, from identified clients. */
  requests: ObsRequest[];
  /** Connections opened, and Identify messages turned away for a wrong password. */
  connections: number;
  refusedLogins: number;
  program: () => string;
  stop: () => Promise<void>;
}

const sha256Base64 = (text: string) => crypto.createHash('sha256').update(text).digest('base64');

/** An obs-websocket v5 server with a few scenes; with `password`, clients must authenticate. */
async function startFakeObs(options: { password?: string; port?: number; scenes?: string[] } = {}): Promise<FakeObs> {
  const scenes = options.scenes ?? ['开场', '商品特写', '抽奖'];
  let program = scenes[0];
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    handleProtocols: (protocols) => (protocols.has('obswebsocket.json') ? 'obswebsocket.json' : false),
  });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;
  const fake: FakeObs = {
    url: `ws://127.0.0.1:${port}`,
    port,
    requests: [],
    connections: 0,
    refusedLogins: 0,
    program: () => program,
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  const send = (ws: WebSocket, op: number, d: unknown) => ws.send(JSON.stringify({ op, d }));

  wss.on('connection', (ws) => {
    fake.connections++;
    const salt = crypto.randomBytes(16).toString('base64');
    const challenge = crypto.randomBytes(16).toString('base64');
    let identified = false;
    send(ws, 0, {
      obsWebSocketVersion: '5.5.2',
      rpcVersion: 1,
      ...(options.password ? { authentication: { challenge, salt } } : {}),
    });
    ws.on('message', (raw) => {
      const { op, d } = JSON.parse(String(raw)) as { op: number; d: Record<string, any> };
      if (op === 1) {
        if (options.password && d.authentication !== sha256Base64(sha256Base64(options.password + salt) + challenge)) {
          fake.refusedLogins++;
          return ws.close(4009, 'Authentication failed.');
        }
        if (d.rpcVersion !== 1) return ws.close(4010, 'Unsupported RPC version.');
        identified = true;
        return send(ws, 2, { negotiatedRpcVersion: 1 });
      }
      if (op !== 6) return;
      if (!identified) return ws.close(4007, 'Not identified.');
      const { requestType, requestId, requestData } = d as ObsRequest & { requestId: string };
      fake.requests.push({ requestType, requestData });
      const answer = (result: boolean, code: number, responseData?: unknown, comment?: string) =>
        send(ws, 7, { requestType, requestId, requestStatus: { result, code, ...(comment ? { comment } : {}) }, ...(responseData ? { responseData } : {}) });
      if (requestType === 'GetCurrentProgramScene') {
        const uuid = `uuid-${scenes.indexOf(program)}`;
        return answer(true, 100, { sceneName: program, sceneUuid: uuid, currentProgramSceneName: program, currentProgramSceneUuid: uuid });
      }
      if (requestType === 'SetCurrentProgramScene') {
        const name = requestData?.sceneName;
        if (typeof name !== 'string' || !scenes.includes(name)) return answer(false, 600, undefined, `No source was found by the name of \`${String(name)}\`.`);
        program = name;
        return answer(true, 100);
      }
      answer(false, 204, undefined, 'Your request type is not valid.');
    });
  });
  return fake;
}

let h: TestHub | undefined;
const fakes: FakeObs[] = [];
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = undefined;
  while (fakes.length) await fakes.pop()!.stop();
});

async function obsOnPort(options: Parameters<typeof startFakeObs>[0] = {}): Promise<FakeObs> {
  const fake = await startFakeObs(options);
  fakes.push(fake);
  return fake;
}

const cream = { sku: 'SKU-CREAM', title: '修护面霜 50ml', listPriceFen: 29900 };
const scenesSet = (fake: FakeObs) => fake.requests.filter((r) => r.requestType === 'SetCurrentProgramScene').map((r) => r.requestData?.sceneName);

/** A hub with one product and two rows: one naming the close-up scene, one naming none. */
async function studio() {
  h = await startTestHub();
  const op = await connect(h.url, '/control', TEST_TOKENS.operator, '场控小王');
  await op.timeout(5000).emitWithAck('catalog.upsert', cream);
  const closeUp = await op.timeout(5000).emitWithAck('runsheet.add', { sku: cream.sku, plannedSec: 300, obsScene: '商品特写' });
  const plain = await op.timeout(5000).emitWithAck('runsheet.add', { sku: cream.sku, plannedSec: 120 });
  return { op, closeUpId: closeUp.itemId as number, plainId: plain.itemId as number };
}

describe('OBS link', () => {
  it('connects with the password through obs.configure, and Go switches OBS to the row’s scene', async () => {
    const obs = await obsOnPort({ password: 'obs-secret' });
    const { op, closeUpId } = await studio();
    const ticks: LiveTick[] = [];
    op.on('tick', (t: LiveTick) => ticks.push(t));

    const configured = await op.timeout(5000).emitWithAck('obs.configure', { url: obs.url, password: 'obs-secret' });
    expect(configured).toEqual({ ok: true, connected: true, lastError: null });
    expect(h!.hub.ctx.repo.runsheet().find((i) => i.itemId === closeUpId)?.obsScene).toBe('商品特写');

    expect(await op.timeout(5000).emitWithAck('item.go', { itemId: closeUpId })).toEqual({ ok: true, itemId: closeUpId, sku: cream.sku });
    await eventually(() => expect(scenesSet(obs)).toEqual(['商品特写']));
    expect(obs.program()).toBe('商品特写');
    await eventually(() => expect(ticks[ticks.length - 1].obs).toEqual({ connected: true, scene: '商品特写' }));

    const audit = h!.hub.ctx.repo.auditTail().find((a) => a.action === 'obs.configure');
    expect(audit).toMatchObject({ actor: '场控小王', detail: { url: obs.url, withPassword: true } });
    expect(JSON.stringify(h!.hub.ctx.repo.auditTail())).not.toContain('obs-secret');
  });

  it('leaves OBS alone for a row that names no scene', async () => {
    const obs = await obsOnPort();
    const { op, closeUpId, plainId } = await studio();
    expect(await op.timeout(5000).emitWithAck('obs.configure', { url: obs.url })).toMatchObject({ ok: true, connected: true });

    expect(await op.timeout(5000).emitWithAck('item.go', { itemId: plainId })).toMatchObject({ ok: true });
    expect(await op.timeout(5000).emitWithAck('item.go', { itemId: closeUpId })).toMatchObject({ ok: true });
    // Requests arrive in order on one socket: had the plain row sent anything, it would come first.
    await eventually(() => expect(scenesSet(obs)).toEqual(['商品特写']));
  });

  it('answers a wrong password with a clear error, stops trying it, and Go still works', async () => {
    const obs = await obsOnPort({ password: 'right' });
    const { op, closeUpId } = await studio();

    const configured = await op.timeout(5000).emitWithAck('obs.configure', { url: obs.url, password: 'wrong' });
    expect(configured).toMatchObject({ ok: true, connected: false });
    expect(configured.lastError).toMatch(/password/);
    expect(obs.refusedLogins).toBe(1);

    expect(await op.timeout(5000).emitWithAck('item.go', { itemId: closeUpId })).toEqual({ ok: true, itemId: closeUpId, sku: cream.sku });
    const refused = await h!.hub.ctx.obs.switchScene('商品特写');
    expect(refused).toMatchObject({ ok: false, error: { code: 'obs_offline', message: expect.stringMatching(/password/) } });
    // The first retry would come after 250 ms; a wrong password is not retried at all.
    await new Promise((r) => setTimeout(r, 600));
    expect(obs.connections).toBe(1);
    expect(obs.requests).toEqual([]);
  });

  it('keeps Go working while OBS is gone, reconnects when it is back on the same port, and switches again', async () => {
    const first = await obsOnPort();
    const { op, closeUpId, plainId } = await studio();
    expect(await op.timeout(5000).emitWithAck('obs.configure', { url: first.url })).toMatchObject({ ok: true, connected: true });

    await first.stop();
    fakes.splice(fakes.indexOf(first), 1);
    await eventually(() => expect(h!.hub.ctx.obs.status()).toMatchObject({ configured: true, connected: false, lastError: expect.any(String) }));
    const startedAt = Date.now();
    expect(await op.timeout(5000).emitWithAck('item.go', { itemId: closeUpId })).toEqual({ ok: true, itemId: closeUpId, sku: cream.sku });
    expect(Date.now() - startedAt).toBeLessThan(1000);

    const back = await obsOnPort({ port: first.port });
    await eventually(() => expect(h!.hub.ctx.obs.status()).toMatchObject({ connected: true, lastError: null }), 10_000);
    expect(await op.timeout(5000).emitWithAck('item.go', { itemId: plainId })).toMatchObject({ ok: true });
    expect(await op.timeout(5000).emitWithAck('item.go', { itemId: closeUpId })).toMatchObject({ ok: true });
    await eventually(() => expect(scenesSet(back)).toEqual(['商品特写']));
  });

  it('names an unknown scene in its answer, and stops when configured to null', async () => {
    const obs = await obsOnPort();
    const { op } = await studio();
    const ticks: LiveTick[] = [];
    op.on('tick', (t: LiveTick) => ticks.push(t));
    await op.timeout(5000).emitWithAck('obs.configure', { url: obs.url });
    expect(h!.hub.ctx.obs.status()).toEqual({ configured: true, connected: true, lastError: null, currentScene: '开场' });

    expect(await h!.hub.ctx.obs.switchScene('不存在的场景')).toEqual({
      ok: false,
      error: { code: 'obs_unknown_scene', message: 'OBS has no scene named “不存在的场景”.' },
    });
    const wrongScheme = await op.timeout(5000).emitWithAck('obs.configure', { url: 'http://127.0.0.1:4455' });
    expect(wrongScheme).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringMatching(/ws:\/\//) } });

    expect(await op.timeout(5000).emitWithAck('obs.configure', { url: null })).toEqual({ ok: true, connected: false, lastError: null });
    expect(await h!.hub.ctx.obs.switchScene('商品特写')).toMatchObject({ ok: false, error: { code: 'obs_not_configured' } });
    await eventually(() => expect(ticks[ticks.length - 1].obs).toBeNull());
  });

  it('reads the address at hub start from LIVEDECK_OBS_URL and LIVEDECK_OBS_PASSWORD', () => {
    expect(obsConfigFromEnv({ LIVEDECK_OBS_URL: 'ws://192.168.1.20:4455', LIVEDECK_OBS_PASSWORD: 'pw' })).toEqual({ url: 'ws://192.168.1.20:4455', password: 'pw' });
    expect(obsConfigFromEnv({ LIVEDECK_OBS_URL: 'wss://obs.local' })).toEqual({ url: 'wss://obs.local' });
    expect(obsConfigFromEnv({ LIVEDECK_OBS_URL: 'http://obs.local' })).toBeNull();
    expect(obsConfigFromEnv({})).toBeNull();
  });
});
