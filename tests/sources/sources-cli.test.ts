/** `livedeck sources add|list|remove|replay` on a studio file, with a hub running on it as in a studio. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../server/cli/main.js';
import { eventually, startTestHub, tempDbFile, type TestHub } from '../support/hub.js';
import { startBilibiliFeed } from '../support/room-feeds.js';
import { control, fixture, hmacBase64, isoAgo, postHook, recapOf, sourcesOf } from './shop-support.js';

const SECRET = 'shpss_cli_secret_do_not_print';
let out: string[];
let err: string[];
let t: TestHub | null = null;
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await t?.stop();
  t = null;
});

const cli = (...args: string[]) => main(['sources', ...args]);

describe('livedeck sources', () => {
  it('adds a shop the running hub takes deliveries for, lists it without its secret, replays and removes it', async () => {
    const db = tempDbFile('sources-cli');
    t = await startTestHub({ dbFile: db });
    expect(await cli('add', 'shopify', '--id', 'brand-site', '--secret', SECRET, '--db', db)).toBe(0);
    expect(out.join('\n')).toMatch(/\/hooks\/brand-site/);

    // The hub reads the file again when another process wrote it.
    const body = fixture('shopify', 'orders-create.json', { '2021-12-31T19:00:00-05:00': isoAgo(60_000) }).replace('"financial_status":"pending"', '"financial_status":"paid"');
    const headers = { 'x-shopify-topic': 'orders/paid', 'x-shopify-webhook-id': 'cli-1', 'x-shopify-hmac-sha256': hmacBase64(SECRET, body) };
    await eventually(async () => expect((await postHook(t!.url, 'brand-site', body, headers)).status).toBe(200));
    await eventually(async () => expect(await recapOf(t!.url)).toMatchObject({ paidGmvFen: 59700, orders: 2 }));

    out = [];
    // The counters reach the file within a second.
    await eventually(async () => {
      out = [];
      expect(await cli('list', '--json', '--db', db)).toBe(0);
      const [listed] = JSON.parse(out.join('\n'));
      expect(listed).toMatchObject({ id: 'brand-site', kind: 'shopify', state: 'connected', deliveries: 1, waiting: 0, mappingErrors: 0 });
      expect(listed.lastEventAt).toBeGreaterThan(0);
    }, 5000);
    out = [];
    expect(await cli('list', '--db', db)).toBe(0);
    expect(out.join('\n')).toMatch(/brand-site\s+shopify\s+shopify\s+● connected/);

    // The show is ended and deleted: a replay of the stored delivery brings its orders back.
    const sessionId = (await recapOf(t.url)).sessionId;
    expect((await control(t.url, 'session.end', {})).body.ok).toBe(true);
    expect((await control(t.url, 'session.delete', { sessionId })).body.ok).toBe(true);
    expect(t.hub.db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(0);
    expect(await cli('replay', 'brand-site', '--db', db)).toBe(0);
    expect(out.join('\n')).toMatch(/1 deliveries of “brand-site” queued/);
    await eventually(() => expect(t!.hub.db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(2), 5000);

    expect(await cli('remove', 'brand-site', '--db', db)).toBe(0);
    await eventually(async () => expect(await sourcesOf(t!.url)).toEqual([]));
    expect((await postHook(t.url, 'brand-site', body, headers)).status).toBe(404);

    expect([...out, ...err].join('\n')).not.toContain(SECRET);
  });

  it('adds a Bilibili room from the shell that the running hub connects to, and lists it', async () => {
    const db = tempDbFile('sources-cli-room');
    const feed = await startBilibiliFeed();
    try {
      t = await startTestHub({ dbFile: db });
      expect(await cli('add', 'bilibili', '--id', 'bili-room', '--room', '21452505', '--url', feed.url, '--db', db)).toBe(0);
      // The hub sees the new source in the file and logs in to the room (op 7 answered by op 8).
      await feed.loggedIn();
      await eventually(async () => expect((await sourcesOf(t!.url)).find((s) => s.id === 'bili-room')).toMatchObject({ kind: 'bilibili', state: 'connected' }), 10_000);
      out = [];
      expect(await cli('list', '--json', '--db', db)).toBe(0);
      expect(JSON.parse(out.join('\n'))).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'bili-room', kind: 'bilibili', platform: 'bilibili' })]));
    } finally {
      await t?.stop();
      t = null;
      await feed.kill();
    }
  });

  it('refuses a kind without what it needs, an unknown kind and a bad id, with one sentence each', async () => {
    const db = tempDbFile('sources-cli-bad');
    expect(await cli('add', 'shopify', '--id', 'shop', '--db', db)).toBe(1);
    expect(err.join('\n')).toMatch(/needs secret \(--secret\)/);
    expect(await cli('add', 'etsy', '--id', 'shop', '--db', db)).toBe(2);
    expect(await cli('add', 'shopify', '--id', 'Bad Id!', '--secret', 'x', '--db', db)).toBe(2);
    expect(err.join('\n')).toMatch(/lower-case/);
    expect(await cli('add', 'shopify', '--id', 'shop', '--secret', 'x', '--db', db)).toBe(0);
    expect(await cli('add', 'shopify', '--id', 'shop', '--secret', 'x', '--db', db)).toBe(1);
    expect(err.join('\n')).toMatch(/already a source “shop”/);
    expect(await cli('remove', 'nope', '--db', db)).toBe(1);
  });
});
