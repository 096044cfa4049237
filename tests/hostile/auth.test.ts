import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub, type HubOptions } from '../../server/hub.js';
import { closeClients, connect, tempDbFile, TEST_TOKENS } from '../support/hub.js';
import { startBenchHub } from '../bench/lib.js';
import { CHILD_TOKENS } from '../support/child-hub.js';
import { goodTraffic, watchHealth } from './support.js';

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  closeClients();
  for (const stop of stops.splice(0)) await stop();
});

async function start(options: Partial<HubOptions> = {}) {
  const hub = createHub({ db: tempDbFile('hostile-auth'), tokens: TEST_TOKENS, ...options });
  const { url, port } = await hub.listen(0);
  stops.push(() => hub.close());
  return { hub, url, port };
}

/** A raw HTTP/1.1 request with any Host header (fetch will not send a forged one). */
function rawGet(port: number, pathname: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const viewer = { authorization: `Bearer ${TEST_TOKENS.viewer}` };

describe('auth that cannot be turned against the studio', () => {
  it('a storm of wrong tokens (no-cors <img> with ?token=, wrong bearers, wrong handshakes) never locks out a valid token', async () => {
    // The hub in its own process, so the storm's senders do not share its thread.
    const child = await startBenchHub();
    stops.push(() => child.stop());
    const url = child.url;
    const TEST_TOKENS = CHILD_TOKENS;
    const viewer = { authorization: `Bearer ${TEST_TOKENS.viewer}` };
    const show = await goodTraffic(url, TEST_TOKENS);
    const health = watchHealth(url);
    const stopGood = show.keepGoing(30);
    // What a hostile page can make a browser on the studio machine send: credential-less GETs with a query token.
    await Promise.all(Array.from({ length: 100 }, (_, i) => fetch(`${url}/api/sessions?token=wrong-${i}`).then((r) => r.status)));
    const bearers = await Promise.all(Array.from({ length: 60 }, (_, i) => fetch(`${url}/api/sessions`, { headers: { authorization: `Bearer wrong-${i}` } }).then((r) => r.status)));
    expect(new Set(bearers)).toEqual(new Set([401, 429]));
    expect(bearers.filter((s) => s === 429).length).toBeGreaterThan(0);
    await Promise.all(Array.from({ length: 20 }, (_, i) => connect(url, '/view', `wrong-${i}`).catch((err: Error) => err.message)));
    // The studio's own screens and scripts, with their tokens, carry on.
    expect((await fetch(`${url}/api/sessions`, { headers: viewer })).status).toBe(200);
    expect((await fetch(`${url}/api/state`, { headers: { authorization: `Bearer ${TEST_TOKENS.operator}` } })).status).toBe(200);
    await expect(connect(url, '/view', TEST_TOKENS.viewer)).resolves.toBeTruthy();
    await expect(connect(url, '/control', TEST_TOKENS.operator)).resolves.toBeTruthy();
    await expect(connect(url, '/view', 'wrong-again')).rejects.toThrow(/rate_limited/);
    await stopGood();
    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.worstMs).toBeLessThan(500);
    expect(show.figures.problems).toEqual([]);
    expect(show.figures.granted).toBe(show.figures.sent);
    show.close();
  });

  it('takes ?token= only on page loads: the API wants the Authorization header', async () => {
    const webDir = path.resolve('out/renderer');
    const { url } = await start({ staticDir: webDir });
    const api = await fetch(`${url}/api/sessions?token=${TEST_TOKENS.viewer}`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await fetch(`${url}/api/sessions/latest/recap.xlsx?token=${TEST_TOKENS.operator}`)).status).toBe(401);
    const page = await fetch(`${url}/?token=${TEST_TOKENS.viewer}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    expect((await fetch(`${url}/overlay/deal?token=${TEST_TOKENS.viewer}`)).status).toBe(200);
  });

  it('answers only to its own host names: a DNS-rebound name is refused 421 over HTTP and Socket.IO', async () => {
    const { url, port } = await start({ allowedHosts: ['deck.studio.lan'] });
    const rebound = await rawGet(port, '/api/sessions', `evil.example:${port}`, viewer);
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body).error.code).toBe('host_not_allowed');
    expect((await rawGet(port, '/health', `evil.example:${port}`)).status).toBe(421);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'deck.studio.lan']) {
      expect((await rawGet(port, '/api/sessions', host, viewer)).status).toBe(200);
    }
    const handshake = await rawGet(port, '/socket.io/?EIO=4&transport=polling', `evil.example:${port}`);
    expect(handshake.status).toBe(403);
    // A websocket upgrade under the rebound name gets no 101.
    const upgrade = (host: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.write(
          `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
        socket.once('data', (c: Buffer) => {
          resolve(c.toString().split('\r\n')[0]);
          socket.destroy();
        });
        socket.once('close', () => resolve('closed'));
      });
    expect(await upgrade(`evil.example:${port}`)).not.toMatch(/101/);
    expect(await upgrade(`127.0.0.1:${port}`)).toMatch(/^HTTP\/1\.1 101/);
    await expect(connect(url, '/view', TEST_TOKENS.viewer)).resolves.toBeTruthy();
  });

  it('caps requests in progress per address and closes slow bodies: authenticated after the body deadline, unauthenticated at once', async () => {
    const { url, port } = await start({ limits: { requestsPerAddress: 8, bodyTimeoutMs: 1500 } });
    const health = watchHealth(url);
    // Eight authenticated requests whose bodies never finish hold every slot of 127.0.0.1 …
    const slow = Array.from({ length: 8 }, () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.write(`POST /api/control/deal.fire HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TEST_TOKENS.operator}\r\nContent-Length: 1000\r\n\r\n{`);
      return new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString()));
        socket.on('close', () => resolve(text));
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    // … so a ninth is refused with a code, while /health still answers.
    const ninth = await fetch(`${url}/api/sessions`, { headers: viewer });
    expect(ninth.status).toBe(429);
    expect(((await ninth.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
    // The slow bodies are answered 408 within the deadline and their connections closed.
    const t = performance.now();
    const answers = await Promise.all(slow);
    expect(performance.now() - t).toBeLessThan(3000);
    for (const a of answers) expect(a).toMatch(/^HTTP\/1\.1 408[\s\S]*body_timeout/);
    expect((await fetch(`${url}/api/sessions`, { headers: viewer })).status).toBe(200);

    // A body behind a wrong token is never read: answered 401 and the connection closed at once.
    const unauth = net.connect(port, '127.0.0.1');
    unauth.write(`POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer nope\r\nContent-Length: 10000000\r\n\r\n{"type":`);
    const u0 = performance.now();
    const unauthAnswer = await new Promise<string>((resolve) => {
      let text = '';
      unauth.on('data', (c: Buffer) => (text += c.toString()));
      unauth.on('close', () => resolve(text));
    });
    expect(performance.now() - u0).toBeLessThan(1000);
    expect(unauthAnswer).toMatch(/^HTTP\/1\.1 401/);
    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.worstMs).toBeLessThan(500);
  });

  it('caps open connections per address', async () => {
    const { url, port } = await start({ limits: { connectionsPerAddress: 20 } });
    const sockets = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(port, '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    const extra = net.connect(port, '127.0.0.1');
    const closed = await new Promise<boolean>((resolve) => {
      extra.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 2000);
    });
    expect(closed).toBe(true);
    for (const s of sockets) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});
