import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createClaimDesk } from '../../server/deals/index.js';
import type { ClaimAck, ClaimsAck } from '../../server/protocol/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { closeClients, connect, eventually, startTestHub, tempDbFile, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

const lipstick = { sku: 'SKU-LIP', title: '丝绒口红', listPriceFen: 19900 };
const fire = { sku: lipstick.sku, priceFen: 9900, stock: 100, perUserLimit: 2, durationSec: 60 };

async function hubWithDeal(deal: Partial<typeof fire> = {}) {
  h = await startTestHub();
  const op = await connect(h.url, '/control', TEST_TOKENS.operator, '中控阿杰');
  await op.timeout(5000).emitWithAck('catalog.upsert', lipstick);
  await op.timeout(5000).emitWithAck('session.start', { title: '口红专场' });
  const { dealId } = await op.timeout(5000).emitWithAck('deal.fire', { ...fire, ...deal });
  return dealId as string;
}

const claimMany = async (url: string, claims: unknown): Promise<ClaimsAck> => {
  const mall = await connect(url, '/mall', TEST_TOKENS.ingest);
  return mall.timeout(5000).emitWithAck('deal.claims', claims);
};

describe('batched mall claims (deal.claims)', () => {
  it('decides a batch in order, so one buyer three times in one batch gets their limit and no more', async () => {
    const dealId = await hubWithDeal();
    const { answers } = await claimMany(h!.url, [
      { dealId, userId: 'amy', qty: 1 },
      { dealId, userId: 'amy', qty: 1 },
      { dealId, userId: 'amy', qty: 1 },
      { dealId, userId: 'bo', qty: 2 },
    ]);
    expect(answers).toEqual([
      { granted: true, qty: 1, userTotal: 1 },
      { granted: true, qty: 1, userTotal: 2 },
      { granted: false, reason: 'limit_reached' },
      { granted: true, qty: 2, userTotal: 2 },
    ]);
    expect(Object.fromEntries(h!.hub.ctx.repo.grantsOfDeal(dealId).map((g) => [g.userId, g.qty]))).toEqual({ amy: 2, bo: 2 });
  });

  it('grants exactly the stock to batches racing on 10 connections, nobody over the limit within or across batches', async () => {
    const dealId = await hubWithDeal();
    const sockets = await Promise.all(Array.from({ length: 10 }, () => connect(h!.url, '/mall', TEST_TOKENS.ingest)));
    // 60 buyers, each asked for from several connections and several times in one batch: 10 × 4 batches × 25 claims.
    const grantedTo = new Map<string, number>();
    const reasons = new Set<string>();
    await Promise.all(
      sockets.map(async (s, c) => {
        for (let b = 0; b < 4; b++) {
          const claims = Array.from({ length: 25 }, (_, i) => ({ dealId, userId: `buyer-${(c * 7 + b * 11 + i * 3) % 60}`, qty: 1 + ((c + i) % 2) }));
          const { answers }: ClaimsAck = await s.timeout(5000).emitWithAck('deal.claims', claims);
          expect(answers).toHaveLength(25);
          answers.forEach((a, i) => {
            if (a.granted) grantedTo.set(claims[i].userId, (grantedTo.get(claims[i].userId) ?? 0) + a.qty!);
            else reasons.add(a.reason!);
          });
        }
      }),
    );
    const total = [...grantedTo.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(100);
    expect(Math.max(...grantedTo.values())).toBeLessThanOrEqual(2);
    expect(reasons).toEqual(new Set(['limit_reached', 'sold_out']));
    const onDisk = h!.hub.ctx.repo.grantsOfDeal(dealId);
    expect(Object.fromEntries(onDisk.map((g) => [g.userId, g.qty]))).toEqual(Object.fromEntries(grantedTo));
    await eventually(() => expect(h!.hub.ctx.live.deal(dealId)).toMatchObject({ claimed: 100, endReason: 'sold_out' }));
  });

  it('answers bad items invalid (and unknown deals not_found) without failing the good ones beside them', async () => {
    const dealId = await hubWithDeal();
    const { answers } = await claimMany(h!.url, [
      { dealId, userId: 'amy', qty: 1 },
      { dealId, userId: 'bo', qty: 0 },
      'not a claim',
      { dealId, userId: '', qty: 1 },
      { dealId: 'nope', userId: 'cy', qty: 1 },
      { dealId, userId: 'dee', qty: 2 },
    ]);
    expect(answers.map((a) => a.reason ?? 'granted')).toEqual(['granted', 'invalid', 'invalid', 'invalid', 'not_found', 'granted']);
    expect(h!.hub.ctx.repo.grantsOfDeal(dealId).reduce((a, g) => a + g.qty, 0)).toBe(1 + 2);
  });

  it('refuses a message that is not an array of 1 to 1000 claims, with a code and a sentence', async () => {
    await hubWithDeal();
    const mall = await connect(h!.url, '/mall', TEST_TOKENS.ingest);
    for (const payload of [{ dealId: 'x', userId: 'u', qty: 1 }, [], Array.from({ length: 1001 }, (_, i) => ({ dealId: 'x', userId: `u${i}`, qty: 1 }))]) {
      const ack: ClaimsAck = await mall.timeout(5000).emitWithAck('deal.claims', payload);
      expect(ack).toEqual({ answers: [], error: { code: 'invalid', message: expect.stringContaining('1–1000') } });
    }
    // the single-claim message still works beside it
    expect(await mall.timeout(5000).emitWithAck('deal.claim', { dealId: 'nope', userId: 'u', qty: 1 })).toEqual({ granted: false, reason: 'not_found' });
  });

  it('has every granted claim on disk when the ack arrives, and keeps stock and limits across a restart', async () => {
    const dealId = await hubWithDeal({ stock: 30, perUserLimit: 1 });
    const mall = await connect(h!.url, '/mall', TEST_TOKENS.ingest);
    const reader = new Database(h!.dbFile, { readonly: true });
    try {
      const grantsSeen = reader.prepare('SELECT count(*) FROM deal_grants WHERE deal_id = ?').pluck();
      const first: ClaimsAck = await mall.timeout(5000).emitWithAck(
        'deal.claims',
        Array.from({ length: 20 }, (_, i) => ({ dealId, userId: `b${i}`, qty: 1 })),
      );
      // Another connection to the file sees only committed rows: all 20 were committed before the ack.
      expect(grantsSeen.get(dealId)).toBe(20);
      expect(first.answers.every((a) => a.granted)).toBe(true);
    } finally {
      reader.close();
    }
    closeClients();
    const { dbFile, port } = h!;
    await h!.stop();
    h = await startTestHub({ dbFile, port });
    // the same 20 buyers again (limit 1) and 20 new ones, for 10 units left
    const second = await claimMany(
      h.url,
      Array.from({ length: 40 }, (_, i) => ({ dealId, userId: `b${i}`, qty: 1 })),
    );
    expect(second.answers.slice(0, 20).every((a: ClaimAck) => a.reason === 'limit_reached')).toBe(true);
    expect(second.answers.filter((a) => a.granted)).toHaveLength(30 - 20);
    expect(second.answers.slice(30).every((a) => a.reason === 'sold_out')).toBe(true);
    expect(h.hub.ctx.repo.grantsOfDeal(dealId).reduce((a, g) => a + g.qty, 0)).toBe(30);
  });
});

describe('the claim desk when a commit fails', () => {
  it('answers the whole group unavailable and gives its units back, so later claims can have them', async () => {
    const db = openDb(tempDbFile('claims-fail'));
    try {
      const t0 = Date.now();
      const deal = { stock: 3, perUserLimit: 2, startedAt: t0 - 1000, endsAt: t0 + 60_000, endedAt: null };
      const desk = createClaimDesk({ repo: createRepository(db), now: Date.now, deal: (id) => (id === 'd1' ? deal : undefined) });
      // A real write failure: SQLite refuses every grant while this trigger exists.
      db.exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON deal_grants BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
      const refused = await new Promise<ClaimAck[]>((resolve) =>
        desk.claimMany(
          [
            { dealId: 'd1', userId: 'amy', qty: 2 },
            { dealId: 'd1', userId: 'bo', qty: 1 },
            { dealId: 'd1', userId: 'cy', qty: 1 },
          ],
          resolve,
        ),
      );
      expect(refused).toEqual([
        { granted: false, reason: 'unavailable' },
        { granted: false, reason: 'unavailable' },
        { granted: false, reason: 'sold_out' },
      ]);
      expect(await desk.claim({ dealId: 'd1', userId: 'amy', qty: 1 })).toEqual({ granted: false, reason: 'unavailable' });
      expect(desk.granted('d1')).toBe(0);
      db.exec('DROP TRIGGER refuse');
      const again = await new Promise<ClaimAck[]>((resolve) => desk.claimMany([{ dealId: 'd1', userId: 'amy', qty: 2 }, null, { dealId: 'd1', userId: 'cy', qty: 1 }], resolve));
      expect(again).toEqual([
        { granted: true, qty: 2, userTotal: 2 },
        { granted: false, reason: 'invalid' },
        { granted: true, qty: 1, userTotal: 1 },
      ]);
      expect(desk.granted('d1')).toBe(3);
    } finally {
      db.close();
    }
  });
});
