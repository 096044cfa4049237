import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/hub.js';
import { here, RELAY_TOKEN, startChild, tempDir, type Child } from './support.js';

const env = { LIVEDECK_TOKEN_RELAY: RELAY_TOKEN, LIVEDECK_RELAY_TEST_LIMITS: JSON.stringify({ ratePerSec: 1e6, burst: 1e6 }) };
const startRelayChild = (dbFile: string, port = 0) => startChild(path.join(here, 'relay-process.ts'), [dbFile, String(port)], env);
// The receiving side: a stand-in for the hub's inbox (see receiver-process.ts). To run this against the
// real hub once the sources registry is merged, start tests/support/hub-process.ts with
// LIVEDECK_RELAY_URL instead and read the delivered orders from its recap.
const startReceiver = (dbFile: string, relayUrl: string) => startChild(path.join(here, 'receiver-process.ts'), [dbFile, relayUrl], env);

function received(dbFile: string): { ids: Map<string, string>; repeats: number } {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT source_id, delivery_id, body_sha256 FROM inbox').all() as { source_id: string; delivery_id: string; body_sha256: string }[];
    const repeats = (db.prepare('SELECT n FROM repeats').get() as { n: number }).n;
    return { ids: new Map(rows.map((r) => [`${r.source_id}/${r.delivery_id}`, r.body_sha256])), repeats };
  } catch {
    return { ids: new Map(), repeats: 0 };
  } finally {
    db.close();
  }
}

const children = new Set<Child>();
afterEach(async () => {
  for (const c of children) await c.kill();
  children.clear();
});

describe('relay crash safety', () => {
  it('brings every delivery it answered 200 to the receiver exactly once through kill -9 of the relay and of the receiver', { timeout: 240_000 }, async () => {
    const dir = tempDir('relay-crash');
    const relayDb = path.join(dir, 'relay.db');
    const receiverDb = path.join(dir, 'receiver.db');
    let relay = await startRelayChild(relayDb);
    children.add(relay);
    const relayUrl = relay.info.url as string;
    const port = Number(new URL(relayUrl).port);
    let receiver = await startReceiver(receiverDb, relayUrl);
    children.add(receiver);

    // 10,000 deliveries to three shops, each posted as a platform does: again until it gets a 200.
    const TOTAL = 10_000;
    const sources = ['shop-a', 'shop-b', 'shop-c'];
    const expected = new Map<string, string>();
    const answered = new Set<string>();
    let next = 0;
    let retries = 0;
    const body = (i: number) => Buffer.from(JSON.stringify({ id: i, line_items: [{ sku: `SKU-${i % 37}`, price: `${(i % 500) + 1}.${String(i % 100).padStart(2, '0')}` }], pad: 'x'.repeat(i % 1500) }));

    // Kills at fixed points of the stream, each while posts are in flight; the relay comes back on its
    // file and port, the receiver on its file.
    const kills = [
      { at: 2500, what: 'relay' },
      { at: 5000, what: 'receiver' },
      { at: 7500, what: 'relay' },
      { at: 9000, what: 'receiver' },
    ];
    let killing: Promise<void> | null = null;
    const killed: string[] = [];
    const maybeKill = () => {
      if (killing || !kills.length || answered.size < kills[0].at) return;
      const { what } = kills.shift()!;
      killed.push(`${what} at ${answered.size} answered / ${received(receiverDb).ids.size} received`);
      killing = (async () => {
        if (what === 'relay') {
          children.delete(relay);
          await relay.kill();
          await new Promise((r) => setTimeout(r, 200));
          relay = await startRelayChild(relayDb, port);
          children.add(relay);
        } else {
          children.delete(receiver);
          await receiver.kill();
          await new Promise((r) => setTimeout(r, 200));
          receiver = await startReceiver(receiverDb, relayUrl);
          children.add(receiver);
        }
        killing = null;
      })();
    };

    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= TOTAL) return;
        const sourceId = sources[i % 3];
        const deliveryId = `d-${i}`;
        const bytes = body(i);
        expected.set(`${sourceId}/${deliveryId}`, crypto.createHash('sha256').update(bytes).digest('hex'));
        for (;;) {
          try {
            const res = await fetch(`${relayUrl}/hooks/${sourceId}`, { method: 'POST', body: new Uint8Array(bytes), headers: { 'content-type': 'application/json', 'x-shopify-webhook-id': deliveryId } });
            await res.arrayBuffer();
            if (res.status === 200) break;
          } catch {
            // The relay is down (killed): the platform tries again later.
          }
          retries++;
          await new Promise((r) => setTimeout(r, 50));
        }
        answered.add(`${sourceId}/${deliveryId}`);
        maybeKill();
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    while (killing || kills.length) {
      maybeKill();
      await killing;
    }
    expect(answered.size).toBe(TOTAL);

    const got = await eventually(() => {
      const r = received(receiverDb);
      expect(r.ids.size).toBe(TOTAL);
      return r;
    }, 120_000);
    // Exactly the answered deliveries, each once (the inbox key), with the bytes that were posted.
    const wrong = [...expected].filter(([key, sha]) => got.ids.get(key) !== sha);
    expect(wrong).toEqual([]);
    expect([...got.ids.keys()].every((k) => answered.has(k))).toBe(true);
    // And the relay forgot them all once acknowledged.
    await eventually(async () => expect(await (await fetch(`${relayUrl}/health`)).json()).toMatchObject({ hub: 'connected', waiting: 0 }), 30_000);
    expect(killed).toHaveLength(4);
    console.log(`relay crash test: ${TOTAL} deliveries, kill -9 of the ${killed.join(', ')}; ${retries} platform retries, ${got.repeats} repeats absorbed by the receiver's inbox key`);
  });
});
