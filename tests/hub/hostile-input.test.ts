import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PLATFORMS_PER_SESSION, type IngestAck } from '../../server/protocol/index.js';
import { closeClients, connect, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub;
beforeAll(async () => {
  h = await startTestHub();
});
afterAll(async () => {
  closeClients();
  await h.stop();
});

let seq = 0;
// A minute ago: the hub takes events stamped around its own clock (bounds.ts), whatever day this runs.
const T0 = Date.now() - 60_000;
/** Records that must be accepted: each with a fresh id. */
const validRecord = fc.oneof(
  fc.record({ text: fc.string({ minLength: 1, maxLength: 200 }), nick: fc.string({ maxLength: 50 }) }).map(({ text, nick }) => ({
    type: 'comment',
    platform: 'douyin',
    id: `ok-${++seq}`,
    ts: T0 + seq,
    userId: 'u1',
    nick,
    text,
  })),
  fc
    .record({ qty: fc.integer({ min: 1, max: 99 }), fen: fc.integer({ min: 0, max: 10_000_000 }), status: fc.constantFrom('created', 'paid', 'refunded', 'cancelled') })
    .map(({ qty, fen, status }) => ({ type: 'order', platform: 'taobao', id: `ok-${++seq}`, ts: T0 + seq, orderId: `O${seq}`, userId: 'u2', sku: 'S1', qty, amountFen: fen, status })),
  fc.integer({ min: 0, max: 1_000_000 }).map((online) => ({ type: 'viewer.snapshot', platform: 'channels', id: `ok-${++seq}`, ts: T0 + seq, online })),
);

const deep = (n: number): unknown => (n === 0 ? {} : { a: deep(n - 1) });
/** Records that must be refused, whatever else they carry. */
const hostileRecord = fc.oneof(
  fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string(), fc.array(fc.anything(), { maxLength: 3 })),
  fc
    .string({ maxLength: 30 })
    .filter(
      (t) =>
        ![
          'comment',
          'order',
          'viewer.snapshot',
          'viewer.enter',
          'viewer.leave',
          'product.click',
          'interaction',
          'item.live',
          'deal.started',
          'deal.ended',
          'coupon.started',
          'coupon.ended',
          'stream.gap',
        ].includes(t),
    )
    .map((type) => ({ type, platform: 'douyin', id: `bad-${++seq}`, ts: T0 })),
  fc
    .constantFrom<Record<string, unknown>>(
      { qty: -1 },
      { qty: 1.5 },
      { amountFen: 99.9 },
      { amountFen: -1 },
      { amountFen: '100' },
      { status: 'shipped' },
      { platform: '' },
      { platform: 'a b' },
      { id: '' },
      { ts: 'yesterday' },
      { ts: -1 },
      { userId: { $gt: '' } },
      { sku: 'x'.repeat(10_000) },
      { orderId: deep(200) },
    )
    .map((patch) => ({ type: 'order', platform: 'douyin', id: `bad-${++seq}`, ts: T0, orderId: 'O', userId: 'u', sku: 'S', qty: 1, amountFen: 100, status: 'paid', ...patch })),
  fc.constant(null).map(() => JSON.parse(`{"type":"comment","platform":"douyin","id":"bad-${++seq}","ts":${T0},"userId":"u","nick":"n","text":"${'长'.repeat(5000)}"}`)),
  fc.constant(null).map(() => JSON.parse(`{"__proto__":{"polluted":true},"type":"order","platform":"douyin","id":"bad-${++seq}","ts":${T0}}`)),
  fc.constant(null).map(() => ({ type: 'comment', platform: 'douyin', id: `bad-${++seq}`, ts: T0, userId: 'u', nick: 'n', text: '\uD800broken' + 'x'.repeat(3000) })),
);

const stored = () => h.hub.db.prepare('SELECT count(*) FROM events').pluck().get() as number;

describe('hostile and random input', () => {
  it('never crashes: every bad record refused with its index and reason, every good neighbour stored, the store matching the acks', async () => {
    const s = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), validRecord, hostileRecord), { minLength: 1, maxLength: 40 }), async (rows) => {
        const batch = rows.map(([good, v, bad]) => (good ? v : bad));
        const badIndexes = rows.flatMap(([good], i) => (good ? [] : [i]));
        const before = stored();
        const ack: IngestAck = await s.timeout(10_000).emitWithAck('batch', batch);
        expect(ack.rejected.map((r) => r.index)).toEqual(badIndexes);
        for (const r of ack.rejected) expect(r.error).toMatch(/\S{3,}/);
        expect(ack.accepted).toBe(batch.length - badIndexes.length);
        expect(stored() - before).toBe(ack.accepted);
      }),
      { numRuns: 60 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const health = await fetch(`${h.url}/health`);
    expect(health.status).toBe(200);
  });

  it('takes a batch of 20,000 records in one go and refuses one over the batch limit whole', async () => {
    const s = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const big = Array.from({ length: 20_000 }, (_, i) => ({ type: 'viewer.enter', platform: 'douyin', id: `big-${i}`, ts: T0 + i, userId: `v${i}` }));
    const ack: IngestAck = await s.timeout(20_000).emitWithAck('batch', big);
    expect(ack).toMatchObject({ accepted: 20_000, duplicates: 0, rejected: [] });
    const tooMany: IngestAck = await s.timeout(20_000).emitWithAck(
      'batch',
      Array.from({ length: 50_001 }, () => 1),
    );
    expect(tooMany.error?.code).toBe('too_large');
    const notArray: IngestAck = await s.timeout(5000).emitWithAck('batch', { type: 'comment' });
    expect(notArray.error?.code).toBe('not_array');
  });

  it('holds every record to the time window and a show to its platform cap, for any mix of times and platform names', async () => {
    const s = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const MIN = 60_000;
    const DAY = 1440 * MIN;
    // Offsets from the hub's clock: inside the window (and the live show's lead) or clearly outside.
    const goodOffset = fc.integer({ min: -90 * MIN, max: 4 * MIN });
    const badTs = fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }).map((v) => () => v), // 1970
      fc.constant(() => Math.floor(Date.now() / 1000)), // seconds for milliseconds
      fc.integer({ min: 3 * 60, max: 89 * 1440 }).map((m) => () => Date.now() - m * MIN), // before the show's lead
      fc.integer({ min: 91, max: 3650 }).map((d) => () => Date.now() - d * DAY), // older than the window
      fc.integer({ min: 6, max: 5_000_000 }).map((m) => () => Date.now() + m * MIN), // ahead of the clock
    );
    const platform = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'douyin', 'taobao'), fc.stringMatching(/^[a-z][a-z0-9_.-]{0,11}$/));
    const row = fc.record({ platform, good: fc.boolean(), offset: goodOffset, bad: badTs });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 30 }), async (rows) => {
        const session = h.hub.ctx.repo.liveSession()!;
        const known = new Set(h.hub.ctx.repo.platformsOfSession(session.id));
        const batch = rows.map((r) => ({ type: 'comment', platform: r.platform, id: `tw-${++n}`, ts: r.good ? Date.now() + r.offset : r.bad(), userId: 'u', nick: 'n', text: '在吗' }));
        // What the hub must answer, record by record in order.
        const expected: [number, string][] = [];
        rows.forEach((r, i) => {
          if (!r.good) return void expected.push([i, 'bad_ts']);
          if (known.has(r.platform)) return;
          if (known.size >= MAX_PLATFORMS_PER_SESSION) return void expected.push([i, 'too_many_platforms']);
          known.add(r.platform);
        });
        const ack: IngestAck = await s.timeout(10_000).emitWithAck('batch', batch);
        expect(ack.rejected.map((r) => [r.index, r.code])).toEqual(expected);
        expect(ack.accepted).toBe(batch.length - expected.length);
      }),
      { numRuns: 50 },
    );
    const byPlatform = h.hub.ctx.live.snapshot(Date.now()).byPlatform;
    expect(Object.keys(byPlatform).length).toBeLessThanOrEqual(MAX_PLATFORMS_PER_SESSION);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof ({} as { toString: unknown }).toString).toBe('function');
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  });

  it('refuses random operator payloads with a reason and keeps running', async () => {
    const op = await connect(h.url, '/control', TEST_TOKENS.operator);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('catalog.upsert', 'runsheet.add', 'deal.fire', 'item.go', 'runsheet.reorder'), fc.anything({ maxDepth: 3 }), async (action, payload) => {
        const ack = await op.timeout(5000).emitWithAck(action, payload);
        if (!ack.ok) expect(ack.error.message.length).toBeGreaterThan(3);
      }),
      { numRuns: 80 },
    );
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  });
});
