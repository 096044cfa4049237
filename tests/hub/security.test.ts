import fs from 'node:fs';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from '../../server/hub.js';
import { loadTokens, tokenFileFor } from '../../server/http/auth.js';
import { closeClients, connect, startTestHub, tempDbFile, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

describe('tokens', () => {
  it('are generated at first start beside the database, readable by the owner alone, and the same next time', () => {
    const db = tempDbFile('tokens');
    const first = loadTokens(db, {});
    expect(first.file).toBe(tokenFileFor(db));
    expect(fs.statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(new Set(Object.values(first.tokens)).size).toBe(3);
    expect(loadTokens(db, {}).tokens).toEqual(first.tokens);
  });

  it('come from the environment when set there', () => {
    const env = { LIVEDECK_TOKEN_INGEST: 'a', LIVEDECK_TOKEN_OPERATOR: 'b', LIVEDECK_TOKEN_VIEWER: 'c' };
    expect(loadTokens(tempDbFile('env'), env)).toEqual({ tokens: { ingest: 'a', operator: 'b', viewer: 'c' }, file: null });
  });

  it('rotate on demand: the old one stops working at once and its screens are disconnected', async () => {
    const db = tempDbFile('rotate');
    const hub = createHub({ db, staticDir: null });
    const { url } = await hub.listen(0);
    try {
      const oldViewer = hub.tokens.viewer;
      const op = await connect(url, '/control', hub.tokens.operator);
      const screen = await connect(url, '/view', oldViewer);
      const dropped = new Promise((r) => screen.once('disconnect', r));
      const ack = await op.timeout(5000).emitWithAck('tokens.rotate', { role: 'viewer' });
      expect(ack).toEqual({ ok: true, role: 'viewer', token: expect.any(String) });
      expect(ack.token).not.toBe(oldViewer);
      await dropped;
      await expect(connect(url, '/view', oldViewer)).rejects.toThrow(/unauthorized/);
      await connect(url, '/view', ack.token);
      expect(JSON.parse(fs.readFileSync(tokenFileFor(db), 'utf8')).viewer).toBe(ack.token);
      expect(JSON.stringify(hub.ctx.repo.auditTail())).not.toContain(ack.token);
    } finally {
      closeClients();
      await hub.close();
    }
  });
});

describe('who may connect', () => {
  it('listens on 127.0.0.1 unless told otherwise', async () => {
    h = await startTestHub();
    expect(new URL(h.url).hostname).toBe('127.0.0.1');
    expect((h.hub.httpServer.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('refuses web pages from another origin, over HTTP and Socket.IO, even with a good token', async () => {
    h = await startTestHub();
    const res = await fetch(`${h.url}/api/sessions`, { headers: { authorization: `Bearer ${TEST_TOKENS.operator}`, origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    const own = await fetch(`${h.url}/api/sessions`, { headers: { authorization: `Bearer ${TEST_TOKENS.operator}`, origin: h.url } });
    expect(own.status).toBe(200);
    const s = io(`${h.url}/control`, { auth: { token: TEST_TOKENS.operator }, transports: ['polling'], extraHeaders: { origin: 'https://evil.example' }, reconnection: false });
    const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    s.close();
    expect(err).toBeInstanceOf(Error);
  });

  it('makes an address that keeps failing wait for its wrong guesses, but never refuses a valid token for them', async () => {
    h = await startTestHub();
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${h.url}/api/sessions`, { headers: { authorization: `Bearer guess-${i}` } });
      expect(r.status).toBe(401);
    }
    const guess = await fetch(`${h.url}/api/sessions`, { headers: { authorization: 'Bearer guess-21' } });
    expect(guess.status).toBe(429);
    await expect(connect(h.url, '/view', 'guess-22')).rejects.toThrow(/rate_limited/);
    const valid = await fetch(`${h.url}/api/sessions`, { headers: { authorization: `Bearer ${TEST_TOKENS.operator}` } });
    expect(valid.status).toBe(200);
    await expect(connect(h.url, '/view', TEST_TOKENS.viewer)).resolves.toBeTruthy();
  });
});
