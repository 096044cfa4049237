import { afterEach, describe, expect, it } from 'vitest';
import { controlEventTypes, type IngestAck, type LiveEvent } from '../../server/protocol/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { closeClients, connect, startTestHub, tempDbFile, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { makeRecording, readRecording, storedOrder } from '../support/recording.js';
import { eventually } from '../support/hub.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

describe('recaps off the hub thread', () => {
  it('keeps acknowledging ingest while a long show is recapped, and answers the same recap as the CLI would', async () => {
    const dbFile = tempDbFile('worker');
    const repo = createRepository(openDb(dbFile));
    const { header, events } = readRecording(makeRecording({ seed: 3, lines: 200_000, duplicateRate: 0 }));
    const id = repo.createSession(header!.title!, header!.startedAt!, { endedAt: header!.endedAt! });
    const sorted = storedOrder(events);
    for (let i = 0; i < sorted.length; i += 20_000) repo.transaction(() => sorted.slice(i, i + 20_000).forEach((e) => repo.insertEvent(id, e)));
    repo.db.close();

    h = await startTestHub({ dbFile });
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const order: string[] = [];
    const recap = fetch(`${h.url}/api/sessions/${id}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } }).then(async (r) => {
      order.push('recap');
      return r.json();
    });
    await new Promise((r) => setTimeout(r, 50));
    const ack: IngestAck = await ingest
      .timeout(10_000)
      .emitWithAck('batch', [{ type: 'comment', platform: 'douyin', id: 'live-1', ts: Date.now(), userId: 'u', nick: 'n', text: '来了' } as LiveEvent]);
    order.push('ack');
    expect(ack.accepted).toBe(1);
    const body = await recap;
    // A recap computed in the hub's own thread would have held the ack back until it was done.
    expect(order).toEqual(['ack', 'recap']);
    const { recapFromStore } = await import('../../server/recap/index.js');
    const direct = recapFromStore(h.hub.ctx.repo, id, Date.now());
    expect(body).toStrictEqual(direct);
  }, 120_000);

  it('computes a show’s recap and the recap page’s report as the show ends, and answers them kept', async () => {
    h = await startTestHub();
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const started = await operator.timeout(5000).emitWithAck('session.start', { title: '收尾即复盘' });
    expect(started.ok).toBe(true);
    const t = Date.now();
    const questions = Array.from({ length: 260 }, (_, i): LiveEvent => ({
      type: 'comment',
      platform: 'douyin',
      id: `q${i}`,
      ts: t + i,
      userId: `u${i}`,
      nick: `观众${i}`,
      text: `第${i}号链接多少钱？`,
    }));
    const orders = Array.from({ length: 30 }, (_, i): LiveEvent => ({
      type: 'order',
      platform: 'douyin',
      id: `o${i}`,
      ts: t + 300 + i,
      orderId: `o${i}`,
      userId: `b${i}`,
      sku: 'SKU-1',
      qty: 1,
      amountFen: 1990,
      status: 'paid',
    }));
    const ack: IngestAck = await ingest.timeout(10_000).emitWithAck('batch', [...questions, ...orders]);
    expect(ack.accepted).toBe(290);
    // End the show after its last event's time, as a real show ends.
    await new Promise((r) => setTimeout(r, t + 400 - Date.now()));
    const ended = await operator.timeout(5000).emitWithAck('session.end', {});
    expect(ended.ok).toBe(true);
    const id = started.sessionId as number;
    const repo = h.hub.ctx.repo;
    const { SCREEN_REPORT_LIMIT } = await import('../../server/recap/limits.js');
    // Nobody asked: the hub computed both in the background (after merging the show's recap input).
    await eventually(() => {
      const stamp = repo.sessionStamp(id);
      expect(repo.cachedRecap(id, 'recap:{}', stamp)).not.toBeNull();
      expect(repo.cachedRecap(id, `report:{}:limit=${SCREEN_REPORT_LIMIT}`, stamp)).not.toBeNull();
      // Background work whose worker first loads the recap code: seconds on a loaded machine.
    }, 30_000);
    const get = (path: string) => fetch(`${h!.url}/api/sessions/${id}${path}`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } }).then((r) => r.json());
    const recap = await get('/recap');
    expect(recap.paidGmvFen).toBe(30 * 1990);
    const full = await get('/report');
    expect(full.insights.unanswered).toHaveLength(260);
    const cut = await get(`/report?limit=${SCREEN_REPORT_LIMIT}`);
    expect(cut.counts).toEqual({ unanswered: 260, followUp: full.insights.followUp.length, buyers: full.audience.buyers.length });
    expect(full.audience.buyers).toHaveLength(30);
    expect(cut.insights.unanswered).toEqual(full.insights.unanswered.slice(0, SCREEN_REPORT_LIMIT));
    expect(cut.recap).toEqual(full.recap);
    const small = await get('/report?limit=5');
    expect(small.insights.unanswered).toEqual(full.insights.unanswered.slice(0, 5));
    expect(small.audience.buyers).toEqual(full.audience.buyers.slice(0, 5));
    const bad = await fetch(`${h.url}/api/sessions/${id}/report?limit=-1`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } });
    expect(bad.status).toBe(400);
  }, 60_000);

  it('merges a show’s recap input into one chunk as the show ends; the recap is unchanged and later events still count', async () => {
    const { events } = readRecording(makeRecording({ seed: 12, lines: 6000, durationMs: 50_000, duplicateRate: 0 }));
    const ordered = storedOrder(events);
    // The recording's dates are arbitrary. It is placed so that its last event (a refund days after the
    // show) was a minute ago, every time it carries (a gap's ends too) moved alike, and the hub's clock
    // plays the show through: each batch arrives just after its last event, as from a live connector.
    const t = Date.now() - (ordered[ordered.length - 1].ts - ordered[0].ts) - 60_000;
    const shift = (ts: number) => ts - ordered[0].ts + t;
    const shifted = ordered.map((e) => (e.type === 'stream.gap' ? { ...e, ts: shift(e.ts), fromTs: shift(e.fromTs), toTs: shift(e.toTs) } : { ...e, ts: shift(e.ts) })) as LiveEvent[];
    let offset = t + 60_000 - Date.now();
    h = await startTestHub({ now: () => Date.now() + offset });
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const started = await operator.timeout(5000).emitWithAck('session.start', { title: '合并' });
    const id = started.sessionId as number;
    const repo = h.hub.ctx.repo;
    // Twelve batches: at least a chunk each, as a live show writes them. What the control room did
    // (items on air, deals) is written by the hub's own handlers, as in a show; the audience's comes
    // over /ingest, which takes nothing else.
    for (let i = 0; i < shifted.length; i += 500) {
      const chunk = shifted.slice(i, i + 500);
      offset = Math.max(offset, chunk[chunk.length - 1].ts + 1000 - Date.now());
      const own = chunk.filter((e) => controlEventTypes.has(e.type));
      if (own.length) await h.hub.ctx.record(own);
      const ack: IngestAck = await ingest.timeout(10_000).emitWithAck(
        'batch',
        chunk.filter((e) => !controlEventTypes.has(e.type)),
      );
      expect(ack.rejected).toEqual([]);
    }
    const chunksLive = repo.recapInputRows(id).length;
    expect(chunksLive).toBeGreaterThanOrEqual(12);
    const get = () => fetch(`${h!.url}/api/sessions/${id}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } }).then((r) => r.json());
    expect((await operator.timeout(5000).emitWithAck('session.end', {})).ok).toBe(true);
    const { recapFromStore } = await import('../../server/recap/index.js');
    const { encodeRecapInput, recapInputEvents } = await import('../../server/store/index.js');
    const session = repo.session(id)!;
    // Background work: the worker loads the recap code first, which on a loaded machine takes seconds.
    await eventually(() => expect(repo.recapInputRows(id)).toHaveLength(1), 30_000);
    await eventually(() => expect(repo.cachedRecap(id, 'recap:{}', repo.sessionStamp(id))).not.toBeNull(), 30_000);
    const merged = await get();
    expect(merged.orders).toBeGreaterThan(50);
    const { computeRecap } = await import('../../server/recap/index.js');
    // As computed from the stored events themselves: the whole show, one platform, a window.
    const fromEvents = (query: { platform?: string; from?: number; to?: number } = {}) =>
      computeRecap({ session: { id, title: session.title, startedAt: session.startedAt, endAt: session.endedAt! }, events: recapInputEvents([encodeRecapInput(repo.eventsOfSession(id))]), ...query });
    expect(merged).toStrictEqual(JSON.parse(JSON.stringify(fromEvents())));
    for (const query of [{ platform: 'douyin' }, { from: t + 10_000, to: t + 30_000 }]) expect(recapFromStore(repo, id, Date.now(), query)).toStrictEqual(fromEvents(query));

    // A late order for the show, then the merge again: the recap kept before it must not be answered.
    const late: LiveEvent = {
      type: 'order',
      platform: 'douyin',
      id: 'late-1',
      ts: session.endedAt! - 1000,
      orderId: 'late',
      userId: 'u-late',
      sku: 'MASK-10',
      qty: 1,
      amountFen: 12_300,
      status: 'paid',
    };
    repo.insertEvent(id, late);
    expect(repo.recapInputRows(id)).toHaveLength(2);
    const { plannedMerge } = await import('../../server/store/index.js');
    const plan = plannedMerge(repo.recapInputRows(id))!;
    expect(repo.replaceRecapInput(id, plan.seqs, plan.bodies)).toBe(true);
    // The merged chunk is back where the first one was, so its stamp is the one kept above.
    expect(repo.recapInputRows(id)).toHaveLength(1);
    expect((await get()).paidGmvFen).toBe(merged.paidGmvFen + 12_300);
    // A plan made before chunks it names were replaced is refused, changing nothing.
    expect(repo.replaceRecapInput(id, plan.seqs, plan.bodies)).toBe(false);
    expect(repo.recapInputRows(id)).toHaveLength(1);
  }, 60_000);
});
