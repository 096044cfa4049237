import { afterEach, describe, expect, it } from 'vitest';
import { createConnector, createSimulator, type Connector } from '../../server/connectors/index.js';
import type { ConnectorCommand, LiveEvent } from '../../server/protocol/index.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub | null = null;
const connectors: Connector[] = [];
afterEach(async () => {
  while (connectors.length) connectors.pop()!.close();
  closeClients();
  await h?.stop();
  h = null;
});

const lipstick = { sku: 'SKU-LIP', title: '丝绒口红', listPriceFen: 19900 };
const serum = { sku: 'SKU-SERUM', title: '精华液', listPriceFen: 32900 };
const catalogSets = (commands: ConnectorCommand[]) => commands.flatMap((c) => (c.type === 'catalog.set' ? [c.catalog.map((p) => p.sku)] : []));

describe('a connector that follows the catalog', () => {
  it('gets the catalog at once and after every change; a connector that does not follow hears nothing of it', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    await op.timeout(5000).emitWithAck('catalog.upsert', lipstick);
    const follower: ConnectorCommand[] = [];
    const other: ConnectorCommand[] = [];
    connectors.push(createConnector({ url: h.url, token: TEST_TOKENS.ingest, followCatalog: true, onCommand: (c) => follower.push(c) }));
    connectors.push(createConnector({ url: h.url, token: TEST_TOKENS.ingest, onCommand: (c) => other.push(c) }));
    await eventually(() => expect(catalogSets(follower)).toEqual([[lipstick.sku]]));

    await op.timeout(5000).emitWithAck('catalog.upsert', serum);
    await eventually(() => expect(catalogSets(follower).at(-1)).toEqual([lipstick.sku, serum.sku].sort()));
    await op.timeout(5000).emitWithAck('session.start', { title: '精华专场' });
    await op.timeout(5000).emitWithAck('deal.fire', { sku: serum.sku, priceFen: 19900, stock: 10, perUserLimit: 1, durationSec: 60 });
    // The control room's commands reach both; the catalog only the follower.
    await eventually(() => expect(other.map((c) => c.type)).toEqual(['deal.start']));
    expect(catalogSets(other)).toEqual([]);
  });

  it('is how the demo audience learns a product added while it runs: its clicks reach the new product', async () => {
    h = await startTestHub();
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    await op.timeout(5000).emitWithAck('catalog.upsert', lipstick);
    const clicked = new Set<string>();
    // Started with an empty catalog: everything it knows of the shop comes from the hub's commands.
    const sim = createSimulator({ seed: 7, catalog: [], platforms: ['douyin'], rate: 2, sink: (events: LiveEvent[]) => void events.forEach((e) => e.type === 'product.click' && clicked.add(e.sku)) });
    const commands: ConnectorCommand[] = [];
    connectors.push(createConnector({ url: h.url, token: TEST_TOKENS.ingest, followCatalog: true, onCommand: (c) => (commands.push(c), sim.handleCommand(c)) }));
    // Ten simulated minutes of audience, stepped by hand, once each catalog has arrived.
    let t = Date.now();
    const run = () => {
      for (let i = 0; i < 600; i++) sim.step((t += 1000), 1000);
    };
    await eventually(() => expect(catalogSets(commands)).toEqual([[lipstick.sku]]));
    run();
    expect([...clicked]).toEqual([lipstick.sku]);

    await op.timeout(5000).emitWithAck('catalog.upsert', serum);
    await eventually(() => expect(catalogSets(commands)).toHaveLength(2));
    run();
    expect(clicked.has(serum.sku)).toBe(true);
  });
});
