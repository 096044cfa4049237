/**
 * Issue #14 "Done means": kill -9 of the relay and of the hub, separately, mid-stream of 10,000 signed
 * Shopify deliveries — every delivery the relay answered 200 reaches the hub's recap exactly once. Both
 * sides run as real processes on their own SQLite files: tests/relay/relay-process.ts and the hub
 * itself (tests/support/hub-process.ts with LIVEDECK_RELAY_URL, as `livedeck studio --relay` runs it).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../server/cli/main.js';
import { eventually } from '../support/hub.js';
import { here, RELAY_TOKEN, startChild, tempDir, type Child } from './support.js';

const env = { LIVEDECK_TOKEN_RELAY: RELAY_TOKEN, LIVEDECK_RELAY_TEST_LIMITS: JSON.stringify({ ratePerSec: 1e6, burst: 1e6 }) };
const startRelayChild = (dbFile: string, port = 0) => startChild(path.join(here, 'relay-process.ts'), [dbFile, String(port)], env);
const startHubChild = (dbFile: string, relayUrl: string) => startChild(path.join(here, '..', 'support', 'hub-process.ts'), [dbFile], { ...env, LIVEDECK_RELAY_URL: relayUrl });

/** The child hub's operator token (hub-process.ts). */
const OPERATOR = 'child-operator';
async function hubJson(hubUrl: string, p: string): Promise<any> {
  const res = await fetch(`${hubUrl}${p}`, { headers: { authorization: `Bearer ${OPERATOR}` } });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

const SECRETS: Record<string, string> = { 'brand-site': 'shpss_crash_brand_site', 'outlet-site': 'shpss_crash_outlet_site' };

/**
 * Delivery i: one paid Shopify order of one line, its 64-bit ids sent as bare JSON numbers as Shopify
 * sends them (the hub must keep them exact, or two orders would fold into one), with padding so bodies
 * run from ~0.4 to ~1.9 KB.
 */
function delivery(i: number): { body: string; priceFen: number; qty: number } {
  const priceFen = ((i % 500) + 1) * 100 + (i % 100);
  const qty = 1 + (i % 3);
  const orderId = `82098291194615${String(i).padStart(4, '0')}`;
  const lineId = `86655031176643${String(i).padStart(4, '0')}`;
  const now = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const body =
    `{"id":${orderId},"financial_status":"paid","created_at":"${now}","updated_at":"${now}","processed_at":"${now}",` +
    `"customer":{"id":${1153106273147 + (i % 997)}},"note":"${'x'.repeat(i % 1500)}",` +
    `"line_items":[{"id":${lineId},"sku":"SKU-${i % 37}","price":"${Math.floor(priceFen / 100)}.${String(priceFen % 100).padStart(2, '0')}","quantity":${qty}}]}`;
  return { body, priceFen, qty };
}

const children = new Set<Child>();
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of children) await c.kill();
  children.clear();
});

describe('relay crash safety against the real hub', () => {
  it('brings every delivery the relay answered 200 into the hub’s recap exactly once through kill -9 of the relay and of the hub', { timeout: 300_000 }, async () => {
    const dir = tempDir('relay-crash');
    const relayDb = path.join(dir, 'relay.db');
    const hubDb = path.join(dir, 'hub.db');
    // Two Shopify shops on the hub's file before it starts, as `livedeck sources add` makes them.
    vi.spyOn(console, 'log').mockImplementation(() => {});
    for (const [id, secret] of Object.entries(SECRETS)) expect(await main(['sources', 'add', 'shopify', '--id', id, '--secret', secret, '--db', hubDb])).toBe(0);
    vi.restoreAllMocks();

    let relay = await startRelayChild(relayDb);
    children.add(relay);
    const relayUrl = relay.info.url as string;
    const port = Number(new URL(relayUrl).port);
    let hub = await startHubChild(hubDb, relayUrl);
    children.add(hub);

    // 10,000 deliveries, each posted as Shopify does: again (same webhook id) until it gets a 200.
    const TOTAL = 10_000;
    const sources = Object.keys(SECRETS);
    const answered = new Set<number>();
    let next = 0;
    let retries = 0;
    let truth = { orders: 0, units: 0, paidGmvFen: 0 };

    // Kills at fixed points of the stream, each while posts are in flight and the hub is still taking
    // deliveries; the relay comes back on its file and port, the hub on its file.
    const kills = [
      { at: 2500, what: 'relay' },
      { at: 5000, what: 'hub' },
      { at: 7500, what: 'relay' },
      { at: 9000, what: 'hub' },
    ];
    let killing: Promise<void> | null = null;
    const killed: string[] = [];
    const maybeKill = () => {
      if (killing || !kills.length || answered.size < kills[0].at) return;
      const { what } = kills.shift()!;
      killed.push(`${what} at ${answered.size} answered`);
      killing = (async () => {
        if (what === 'relay') {
          children.delete(relay);
          await relay.kill();
          await new Promise((r) => setTimeout(r, 200));
          relay = await startRelayChild(relayDb, port);
          children.add(relay);
        } else {
          children.delete(hub);
          await hub.kill();
          await new Promise((r) => setTimeout(r, 200));
          hub = await startHubChild(hubDb, relayUrl);
          children.add(hub);
        }
        killing = null;
      })();
    };

    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= TOTAL) return;
        const sourceId = sources[i % sources.length];
        const { body, priceFen, qty } = delivery(i);
        const headers = {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/paid',
          'x-shopify-webhook-id': `wh-${i}`,
          'x-shopify-hmac-sha256': crypto.createHmac('sha256', SECRETS[sourceId]).update(body).digest('base64'),
        };
        for (;;) {
          try {
            const res = await fetch(`${relayUrl}/hooks/${sourceId}`, { method: 'POST', body, headers });
            await res.arrayBuffer();
            if (res.status === 200) break;
          } catch {
            // The relay is down (killed): the platform tries again later.
          }
          retries++;
          await new Promise((r) => setTimeout(r, 50));
        }
        answered.add(i);
        truth = { orders: truth.orders + 1, units: truth.units + qty, paidGmvFen: truth.paidGmvFen + priceFen * qty };
        maybeKill();
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    while (killing || kills.length) {
      maybeKill();
      await killing;
    }
    expect(answered.size).toBe(TOTAL);
    expect(killed).toHaveLength(4);

    // Every answered delivery in the hub's inbox once, each mapped (the repeats counted as duplicates),
    // and the relay has forgotten them all once acknowledged.
    const statuses = await eventually(async () => {
      const list = (await hubJson(hub.info.url as string, '/api/sources')) as { id: string; deliveries: number; duplicates: number; badSignatures: number; mappingErrors: number }[];
      expect(list.reduce((n, s) => n + s.deliveries, 0)).toBe(TOTAL);
      return list;
    }, 180_000);
    for (const s of statuses) expect(s).toMatchObject({ deliveries: TOTAL / sources.length, badSignatures: 0, mappingErrors: 0 });
    await eventually(async () => expect(await (await fetch(`${relayUrl}/health`)).json()).toMatchObject({ hub: 'connected', waiting: 0 }), 60_000);

    // The recap counts each order once: the deliveries' truth, summed as they were answered.
    const recap = await eventually(async () => {
      const r = await hubJson(hub.info.url as string, '/api/sessions/latest/recap');
      expect({ orders: r.orders, units: r.units, paidGmvFen: r.paidGmvFen }).toEqual(truth);
      return r;
    }, 120_000);
    expect(truth.orders).toBe(TOTAL);
    const duplicates = statuses.reduce((n, s) => n + s.duplicates, 0);
    console.log(
      `relay crash test: ${TOTAL} Shopify deliveries through the relay into the hub, kill -9 of the ${killed.join(', ')}; ` +
        `${retries} platform retries, ${duplicates} redeliveries absorbed by the hub's inbox; recap ${recap.orders} orders, ${recap.units} units, ${recap.paidGmvFen} fen`,
    );
  });
});
