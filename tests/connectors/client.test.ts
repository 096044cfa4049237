import { afterEach, describe, expect, it } from 'vitest';
import { createConnector, createMallClaimer, createSimulator, type Connector, type MallClaimer, type RejectedEvent } from '../../server/connectors/index.js';
import type { ConnectorCommand, LiveEvent, Product } from '../../server/protocol/index.js';
import { PEER_TOKEN, startIngestPeer, type IngestPeer } from './ingest-peer.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const quiet = { warn() {} };

const comment = (n: number, platform = 'douyin'): LiveEvent => ({
  type: 'comment',
  platform,
  id: `c-${n}`,
  ts: T0 + n,
  userId: `dy_${1000 + n}`,
  nick: '小美',
  text: '多少钱？',
});

let peers: IngestPeer[] = [];
let connectors: Connector[] = [];
let claimers: MallClaimer[] = [];
afterEach(async () => {
  for (const c of connectors) c.close();
  for (const c of claimers) c.close();
  await Promise.all(peers.map((p) => p.stop()));
  peers = [];
  connectors = [];
  claimers = [];
});

async function peer(port?: number): Promise<IngestPeer> {
  const p = await startIngestPeer({ port });
  peers.push(p);
  return p;
}
function connector(p: IngestPeer, options: Partial<Parameters<typeof createConnector>[0]> = {}): Connector {
  const c = createConnector({ url: p.url, token: PEER_TOKEN, logger: quiet, ...options });
  connectors.push(c);
  return c;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}
/** Ids of a batch as the peer received it. */
const idsOf = (batch: unknown[]) => batch.map((e) => (e as LiveEvent).id);

describe('the connector', () => {
  it('delivers everything in batches no larger than batchSize, in order, and flush resolves once all are acknowledged', async () => {
    const p = await peer();
    const c = connector(p, { batchSize: 5, flushMs: 5 });
    const events = Array.from({ length: 23 }, (_, i) => comment(i));
    for (const e of events) c.send(e);
    await c.flush(5000);

    expect(p.stored.size).toBe(23);
    expect(p.batches.every((b) => b.length <= 5)).toBe(true);
    // 23 events in batches of 5: 5 + 5 + 5 + 5 + 3.
    expect(p.batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    expect(p.batches.flatMap(idsOf)).toEqual(events.map((e) => e.id));
    expect(c.stats()).toMatchObject({ sent: 23, acked: 23, accepted: 23, duplicates: 0, rejected: 0, pending: 0, resends: 0 });
  });

  it('resends a batch whose ack was lost, and the duplicate is harmless', async () => {
    const p = await peer();
    p.loseAcks = 1;
    const c = connector(p, { ackTimeoutMs: 200, retryBaseMs: 20 });
    for (let i = 0; i < 10; i++) c.send(comment(i));
    await c.flush(5000);

    expect(p.stored.size).toBe(10);
    expect(p.batches.length).toBe(2);
    expect(idsOf(p.batches[1])).toEqual(idsOf(p.batches[0]));
    // The peer had stored the first copy before its ack went missing: all 10 come back as duplicates.
    expect(c.stats()).toMatchObject({ sent: 10, acked: 10, accepted: 0, duplicates: 10, pending: 0, resends: 1 });
  });

  it('resends a batch answered with error (nothing stored), backing off, until it is committed', async () => {
    const p = await peer();
    p.failCommits = 3;
    const c = connector(p, { retryBaseMs: 20 });
    for (let i = 0; i < 7; i++) c.send(comment(i));
    const started = Date.now();
    await c.flush(5000);

    expect(p.stored.size).toBe(7);
    expect(p.batches.length).toBe(4);
    expect(c.stats()).toMatchObject({ accepted: 7, duplicates: 0, resends: 3, pending: 0 });
    // Backoff 20 + 40 + 80 ms between the four tries.
    expect(Date.now() - started).toBeGreaterThanOrEqual(130);
  });

  it('delivers what was sent while the hub was down once it is back on the same port, and reports the gap', async () => {
    const p = await peer();
    const gaps: [number, number][] = [];
    const c = connector(p, { gapMinMs: 100, retryMaxMs: 300, onGap: (from, to) => gaps.push([from, to]) });
    c.send(comment(0));
    await c.flush(5000);

    // A batch in flight when the hub goes away: stored or not, its ack never comes.
    p.loseAcks = 1;
    c.send(comment(1));
    await until(() => p.batches.length === 2);
    await p.stop();
    for (let i = 2; i < 40; i++) c.send(comment(i));
    const flushed = c.flush(10_000);
    await sleep(400);
    expect(c.connected).toBe(false);
    expect(c.stats().pending).toBe(39);

    await p.restart();
    await flushed;
    expect([...p.stored.values()].map((e) => e.id).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `c-${i}`).sort());
    expect(c.stats()).toMatchObject({ pending: 0, acked: 40 });
    expect(c.stats().resends).toBeGreaterThanOrEqual(1);
    expect(gaps).toHaveLength(1);
    expect(gaps[0][1] - gaps[0][0]).toBeGreaterThanOrEqual(400);
  });

  it('reports records the hub refuses and never sends them again', async () => {
    const p = await peer();
    const refused: RejectedEvent[] = [];
    const c = connector(p, { onRejected: (r) => refused.push(...r) });
    const bad = { ...comment(2), text: '' } as LiveEvent;
    c.send(comment(1));
    c.send(bad);
    c.send(comment(3));
    await c.flush(5000);
    await sleep(300);

    expect(p.batches).toHaveLength(1);
    expect(p.stored.size).toBe(2);
    expect(refused).toHaveLength(1);
    expect(refused[0].event).toBe(bad);
    expect(refused[0].code).toBe('invalid_field');
    expect(refused[0].error).toMatch(/comment\.text/);
    expect(c.stats()).toMatchObject({ accepted: 2, rejected: 1, resends: 0, pending: 0 });
  });

  it('passes commands from the hub to onCommand', async () => {
    const p = await peer();
    const got: ConnectorCommand[] = [];
    const c = connector(p, { onCommand: (cmd) => got.push(cmd) });
    await until(() => c.connected && p.connections() === 1);
    const cmd: ConnectorCommand = { type: 'product.pin', sku: 'MASK-HA20', priceFen: 9900 };
    p.command(cmd);
    await until(() => got.length === 1);
    expect(got[0]).toEqual(cmd);
  });

  it('flush(timeout) rejects while the hub is unreachable, and close() rejects what is still waiting', async () => {
    const p = await peer();
    await p.stop();
    const c = connector(p);
    c.send(comment(1));
    await expect(c.flush(200)).rejects.toThrow(/timed out/);
    const waiting = c.flush();
    c.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });

  it('keeps knocking after the hub refused its token, and gets in once the hub accepts it', async () => {
    const p = await peer();
    const c = createConnector({ url: p.url, token: 'wrong', logger: quiet, retryMaxMs: 100 });
    connectors.push(c);
    c.send(comment(1));
    await sleep(300);
    expect(c.connected).toBe(false);
    expect(p.stored.size).toBe(0);

    p.setToken('wrong');
    await c.flush(5000);
    expect(p.stored.size).toBe(1);
  });
});

describe('the mall claimer with the simulator', () => {
  const catalog: Product[] = [{ sku: 'LIP-VEL3', title: '丝绒雾面口红 三支礼盒', listPriceFen: 29900, livePriceFen: 15900 }];

  it('turns only granted claims into mall deal orders, and the stock authority grants exactly the stock', async () => {
    const p = await peer();
    const claimer = createMallClaimer({ url: p.url, token: PEER_TOKEN });
    claimers.push(claimer);
    await until(() => claimer.connected);
    p.deals.set('deal-1', { stock: 12, perUserLimit: 2, granted: 0, byUser: new Map(), ended: false });
    const events: LiveEvent[] = [];
    const sim = createSimulator({ seed: 7, catalog, platforms: ['mall'], rate: 20, clock: () => T0, claim: claimer.claim, sink: (e) => void events.push(...e) });
    sim.setCurrentSku('LIP-VEL3');
    let t = T0;
    for (let i = 0; i < 600; i++) {
      t += 200;
      if (i === 300) sim.handleCommand({ type: 'deal.start', dealId: 'deal-1', sku: 'LIP-VEL3', priceFen: 9900, stock: 12, perUserLimit: 2, endsAt: t + 60_000 });
      sim.step(t, 200);
      // Let claim answers arrive over the real socket between steps.
      if (i >= 300) await sleep(2);
    }
    await until(() => sim.state().pendingClaims === 0);
    sim.step(t + 200, 200);

    const granted = p.claims.filter((c) => c.ack.granted);
    expect(granted.reduce((s, c) => s + c.ack.qty!, 0)).toBe(12);
    const dealOrders = events.filter((e): e is Extract<LiveEvent, { type: 'order' }> => e.type === 'order' && e.status === 'created' && e.dealId === 'deal-1');
    expect(dealOrders.map((o) => `${o.userId}×${o.qty}`).sort()).toEqual(granted.map((c) => `${c.userId}×${c.ack.qty}`).sort());
    for (const o of dealOrders) expect(o.amountFen).toBe(o.qty * 9900);
    // Once the stock is gone, the claimer brings back the authority's refusal as a value.
    expect(await claimer.claim({ dealId: 'deal-1', userId: 'mall_late', qty: 1 })).toEqual({ granted: false, reason: 'sold_out', userTotal: 0 });
  });

  it('answers unavailable, without throwing, when the hub cannot be reached', async () => {
    const p = await peer();
    await p.stop();
    const claimer = createMallClaimer({ url: p.url, token: PEER_TOKEN });
    claimers.push(claimer);
    expect(await claimer.claim({ dealId: 'deal-1', userId: 'mall_1', qty: 1 })).toEqual({ granted: false, reason: 'unavailable' });
  });
});
