/**
 * Hostile input, class "unbounded money": an order line carries at most ¥10,000,000 and 9,999 units;
 * past that `bad_amount` / `bad_qty`, so GMV sums stay exact and one forged line cannot outweigh a season.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LINE_FEN, MAX_LINE_QTY, type IngestAck } from '../../server/protocol/index.js';
import type { Recap } from '../../server/recap/index.js';
import { closeClients, connect, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { goodTraffic, postNdjson, watchHealth } from './support.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

describe('plausible money', () => {
  it('refuses amounts past ¥10,000,000 and quantities past 9,999 per line at both doors; the largest plausible lines are counted exactly in the live figures and the recap', async () => {
    h = await startTestHub();
    const health = watchHealth(h.url);
    const show = await goodTraffic(h.url, TEST_TOKENS);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const now = Date.now();
    const order = (id: string, qty: number, amountFen: number, extra: Record<string, unknown> = {}) => ({
      type: 'order',
      platform: 'taobao',
      id,
      ts: now,
      orderId: id,
      userId: `buyer-${id}`,
      sku: 'GOOD-1',
      qty,
      amountFen,
      status: 'paid',
      ...extra,
    });
    const batch = [
      order('m-max', MAX_LINE_QTY, MAX_LINE_FEN), // the largest plausible line
      order('m-2^53', 1, Number.MAX_SAFE_INTEGER),
      order('m-over', 1, MAX_LINE_FEN + 1),
      order('m-qty', MAX_LINE_QTY + 1, 100),
      order('m-million', 1_000_000, 1),
      order('m-small', 2, 199_80, { refundFen: 99_90 }),
    ];
    const ack: IngestAck = await ingest.timeout(5000).emitWithAck('batch', batch);
    expect(ack.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'bad_amount'],
      [2, 'bad_amount'],
      [3, 'bad_qty'],
      [4, 'bad_qty'],
    ]);
    expect(ack.rejected[0].error).toMatch(/amountFen/);
    expect(ack.accepted).toBe(2);
    const http = await postNdjson(
      h.url,
      TEST_TOKENS.ingest,
      batch.map((o) => ({ ...o, id: `h-${o.id}`, orderId: `h-${o.orderId}` })),
    );
    expect(http.body.rejected.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [2, 'bad_amount'],
      [3, 'bad_amount'],
      [4, 'bad_qty'],
      [5, 'bad_qty'],
    ]);

    // Two accepted lines at each door: exact sums.
    const paid = 2 * (MAX_LINE_FEN + 199_80);
    const refunded = 2 * 99_90;
    const taobao = h.hub.ctx.live.snapshot(Date.now()).byPlatform.taobao;
    expect({ paidGmvFen: taobao.paidGmvFen, refundFen: taobao.refundFen, units: taobao.units, orders: taobao.orders }).toEqual({
      paidGmvFen: paid,
      refundFen: refunded,
      units: 2 * (MAX_LINE_QTY + 2),
      orders: 4,
    });
    for (let i = 0; i < 5; i++) await show.once();

    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const sessionId = h.hub.ctx.repo.liveSession()!.id;
    expect((await operator.timeout(5000).emitWithAck('session.end', {})).ok).toBe(true);
    const recap = (await (await fetch(`${h.url}/api/sessions/${sessionId}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).json()) as Recap;
    expect({ paidGmvFen: recap.paidGmvFen, refundFen: recap.refundFen, netGmvFen: recap.netGmvFen }).toEqual({ paidGmvFen: paid, refundFen: refunded, netGmvFen: paid - refunded });
    expect(Number.isSafeInteger(recap.paidGmvFen)).toBe(true);

    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.medianMs).toBeLessThan(500);
    expect(seen.worstMs).toBeLessThan(1500);
    expect(show.figures.problems).toEqual([]);
    expect(show.figures.granted).toBe(5);
    show.close();
  });
});
