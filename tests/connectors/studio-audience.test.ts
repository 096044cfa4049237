import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector, createMallClaimer, createSimulator, type Connector, type MallClaimer } from '../../server/connectors/index.js';
import { productSchema, type ConnectorCommand, type LiveEvent } from '../../server/protocol/index.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const catalog = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../resources/demo/catalog.json'), 'utf8')).map((p: unknown) => productSchema.parse(p));

let h: TestHub | null = null;
let connector: Connector | null = null;
let claimer: MallClaimer | null = null;
afterEach(async () => {
  connector?.close();
  claimer?.close();
  connector = null;
  claimer = null;
  closeClients();
  await h?.stop();
  h = null;
});

describe('the simulator through the connector into a real hub', () => {
  it('is stored without a single rejection, and reacts to a deal fired in the control room', async () => {
    let now = T0;
    const clock = () => now;
    h = await startTestHub({ now: clock });
    const commands: ConnectorCommand[] = [];
    const sent: LiveEvent[] = [];
    const sim = createSimulator({ seed: 11, catalog, platforms: ['douyin', 'channels'], rate: 3, clock, sink: (events) => (sent.push(...events), connector!.sendMany(events)) });
    connector = createConnector({
      url: h.url,
      token: TEST_TOKENS.ingest,
      clock,
      onCommand: (cmd) => {
        commands.push(cmd);
        sim.handleCommand(cmd);
      },
    });
    const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控');
    for (const p of catalog) expect(await op.timeout(5000).emitWithAck('catalog.upsert', p)).toMatchObject({ ok: true });
    sim.setCurrentSku('MASK-HA20');
    await eventually(() => expect(connector!.connected).toBe(true));

    const stock = 40;
    for (let sec = 1; sec <= 150; sec++) {
      now += 1000;
      sim.step(now, 1000);
      if (sec === 60) {
        const fired = await op.timeout(5000).emitWithAck('deal.fire', { sku: 'MASK-HA20', priceFen: 6900, stock, perUserLimit: 2, durationSec: 60 });
        expect(fired).toMatchObject({ ok: true });
        await eventually(() => expect(commands.some((c) => c.type === 'deal.start')).toBe(true));
      }
      if (sec % 10 === 0) await connector.flush(10_000);
    }
    await connector.flush(10_000);

    const stats = connector.stats();
    expect(stats.rejected).toBe(0);
    expect(stats.accepted).toBe(sent.length);
    const stored = h.hub.db.prepare("SELECT count(*) FROM events WHERE platform IN ('douyin', 'channels')").pluck().get() as number;
    expect(stored).toBe(sent.length);

    const start = commands.find((c) => c.type === 'deal.start')!;
    const dealOrders = sent.filter((e) => e.type === 'order' && e.dealId === (start as { dealId: string }).dealId);
    expect(dealOrders.length).toBeGreaterThan(0);
    // The hub mirrors paid deal units and ends the deal at sell-out or on time; never above stock.
    await eventually(() => {
      const deal = h!.hub.ctx.live.deals().find((d) => d.dealId === (start as { dealId: string }).dealId)!;
      expect(deal.sold).toBeGreaterThan(0);
      expect(deal.sold).toBeLessThanOrEqual(stock);
      expect(deal.endedAt).not.toBeNull();
    });
    // …and tells the connectors, over the same socket.
    await eventually(() => expect(commands.some((c) => c.type === 'deal.end')).toBe(true));
  });

  it('lets mall buyers claim through the hub: only granted claims become orders, never more than the stock', async () => {
    let now = T0;
    const clock = () => now;
    h = await startTestHub({ now: clock });
    const commands: ConnectorCommand[] = [];
    const sent: LiveEvent[] = [];
    claimer = createMallClaimer({ url: h.url, token: TEST_TOKENS.ingest });
    const sim = createSimulator({
      seed: 12,
      catalog,
      // The mall alone: the simulated platforms share one stock a deal with it now (locked at order
      // creation), and a platform's rush would take the 30 units before any mall buyer asked.
      platforms: ['mall'],
      rate: 10,
      clock,
      claim: claimer.claim,
      sink: (events) => (sent.push(...events), connector!.sendMany(events)),
    });
    connector = createConnector({ url: h.url, token: TEST_TOKENS.ingest, clock, onCommand: (cmd) => (commands.push(cmd), sim.handleCommand(cmd)) });
    const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控');
    for (const p of catalog) expect(await op.timeout(5000).emitWithAck('catalog.upsert', p)).toMatchObject({ ok: true });
    sim.setCurrentSku('LIP-VEL3');
    await eventually(() => expect(connector!.connected && claimer!.connected).toBe(true));

    const stock = 30;
    let dealId = '';
    for (let sec = 1; sec <= 100; sec++) {
      now += 1000;
      sim.step(now, 1000);
      if (sec === 60) {
        const fired = await op.timeout(5000).emitWithAck('deal.fire', { sku: 'LIP-VEL3', priceFen: 9900, stock, perUserLimit: 1, durationSec: 30 });
        expect(fired).toMatchObject({ ok: true });
        dealId = fired.dealId;
        await eventually(() => expect(commands.some((c) => c.type === 'deal.start')).toBe(true));
      }
      // Real time for claim answers to come back over the socket.
      await new Promise((r) => setTimeout(r, sec >= 60 ? 20 : 0));
    }
    await eventually(() => expect(sim.state().pendingClaims).toBe(0));
    now += 1000;
    sim.step(now, 1000);
    await connector.flush(10_000);
    expect(connector.stats().rejected).toBe(0);

    const mallDealOrders = sent.filter((e): e is Extract<LiveEvent, { type: 'order' }> => e.type === 'order' && e.status === 'created' && e.platform === 'mall' && e.dealId === dealId);
    // perUserLimit 1: one grant per buyer in the hub's durable grant log.
    const granted = h.hub.ctx.repo.grantsOfDeal(dealId);
    expect(mallDealOrders.length).toBeGreaterThan(0);
    expect(mallDealOrders.map((o) => `${o.userId}×${o.qty}`).sort()).toEqual(granted.map((g) => `${g.userId}×${g.qty}`).sort());
    expect(granted.reduce((s, g) => s + g.qty, 0)).toBeLessThanOrEqual(stock);
  });
});
