/**
 * Hostile input, class "an extreme but accepted ts": every ingest door holds an event's time to a
 * window around the hub's clock (and the show it joins); replay holds it to the recording itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayFile } from '../../server/cli/replay.js';
import { EVENT_FUTURE_MS, EVENT_PAST_MS, RECORDING_SPAN_MS, SHOW_LEAD_MS, type IngestAck } from '../../server/protocol/index.js';
import type { Recap } from '../../server/recap/index.js';
import { closeClients, connect, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { goodTraffic, postNdjson, watchHealth } from './support.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  await h?.stop();
  h = null;
});

const DAY = 86_400_000;
const comment = (id: string, ts: number, platform = 'douyin') => ({ type: 'comment', platform, id, ts, userId: `u-${id}`, nick: '观众', text: '几点开始' });

describe('event time at the ingest doors', () => {
  it('refuses ts 0, seconds for milliseconds, last year and next week with bad_ts at /ingest and POST /api/ingest; the rest lands, no show opens in 1970, and the recap stays one show long', async () => {
    h = await startTestHub();
    const health = watchHealth(h.url);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const now = Date.now();
    const hostile = [
      comment('t-zero', 0),
      comment('t-seconds', Math.floor(now / 1000)),
      comment('t-old', now - EVENT_PAST_MS - DAY),
      comment('t-future', now + 7 * DAY),
      comment('t-skew', now + EVENT_FUTURE_MS + 60_000),
      { type: 'stream.gap', platform: 'douyin', id: 't-gap-1970', ts: now, fromTs: 0, toTs: now },
      { type: 'stream.gap', platform: 'douyin', id: 't-gap-backwards', ts: now, fromTs: now, toTs: now - 1000 },
    ];
    // With no show live the first of them would have opened one, in 1970.
    const ack: IngestAck = await ingest.timeout(5000).emitWithAck('batch', [...hostile, comment('t-good', now - 1000)]);
    expect(ack.rejected.map((r) => [r.index, r.code])).toEqual(hostile.map((_, i) => [i, 'bad_ts']));
    expect(ack.rejected[1].error).toMatch(/days before the hub's clock/);
    expect(ack.accepted).toBe(1);
    const opened = h.hub.ctx.repo.liveSession()!;
    expect(opened.auto).toBe(true);
    expect(opened.startedAt).toBeGreaterThanOrEqual(now - SHOW_LEAD_MS);

    const http = await postNdjson(h.url, TEST_TOKENS.ingest, [comment('h-good', Date.now()), ...hostile.map((r) => ({ ...r, id: `h-${r.id}` }))]);
    expect(http.status).toBe(200);
    expect(http.body.accepted).toBe(1);
    expect(http.body.rejected.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual(hostile.map((_, i) => [i + 2, 'bad_ts']));

    // The live show: an event within the hub's window but a month before the show started is refused
    // too — it would stretch tonight's chart over a month.
    const month = await ingest.timeout(5000).emitWithAck('batch', [comment('t-month', Date.now() - 30 * DAY), comment('t-lead', opened.startedAt - SHOW_LEAD_MS + 60_000)]);
    expect(month.rejected.map((r: { code: string }) => r.code)).toEqual(['bad_ts']);
    expect(month.accepted).toBe(1);
    const minutes = h.hub.ctx.live.snapshot(Date.now()).minutes;
    expect(minutes[0].sec * 1000).toBeGreaterThanOrEqual(opened.startedAt - SHOW_LEAD_MS - 60_000);

    // Good traffic (acks and claims on a live deal) through all of it, and the show's recap is one show long.
    const show = await goodTraffic(h.url, TEST_TOKENS);
    for (let i = 0; i < 10; i++) await show.once();
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    expect((await operator.timeout(5000).emitWithAck('session.end', {})).ok).toBe(true);
    const recap = (await (await fetch(`${h.url}/api/sessions/${opened.id}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).json()) as Recap;
    expect(recap.to - recap.from).toBeLessThan(SHOW_LEAD_MS + 10 * 60_000);
    expect(h.hub.ctx.repo.db.prepare("SELECT count(*) FROM events WHERE id LIKE 't-%' OR id LIKE 'h-%'").pluck().get()).toBe(3);
    show.close();
    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    // Within 500 ms throughout: the median, and no poll past a generous margin on a loaded machine.
    expect(seen.medianMs).toBeLessThan(500);
    expect(seen.worstMs).toBeLessThan(1500);
    expect(show.figures.problems).toEqual([]);
    expect(show.figures.granted).toBe(show.figures.sent);
  });

  it('a connector stamping minutes ahead can neither make its feed look alive after it stops nor push the per-second chart past now', async () => {
    h = await startTestHub();
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    const now = Date.now();
    // Four minutes ahead is inside the skew the hub takes…
    expect((await ingest.timeout(5000).emitWithAck('batch', [comment('ahead', now + 4 * 60_000, 'skewed'), comment('on-time', now, 'douyin')])).accepted).toBe(2);
    const snap = h.hub.ctx.live.snapshot(Date.now());
    // …but the feed counts as heard from when it arrived, not four minutes from now (stale-feed lights).
    const skewed = snap.platforms.find((p) => p.platform === 'skewed')!;
    expect(skewed.lastEventAt).toBeLessThanOrEqual(Date.now());
    // …and the on-time event still has its second on the chart.
    expect(snap.seconds.some((b) => b.sec === Math.floor(now / 1000) && b.comments === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await ingest.timeout(5000).emitWithAck('batch', [comment('next', Date.now(), 'douyin')])).accepted).toBe(1);
    expect(h.hub.ctx.live.snapshot(Date.now()).seconds.at(-1)!.sec * 1000).toBeLessThanOrEqual(Date.now() + EVENT_FUTURE_MS);
  });
});

describe('event time and resends', () => {
  it('answers a resend of an event stored in an earlier show as a duplicate, while a new event stamped that early is refused', async () => {
    let clock = Date.now();
    h = await startTestHub({ now: () => clock });
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const ingest = await connect(h.url, '/ingest', TEST_TOKENS.ingest);
    expect((await operator.timeout(5000).emitWithAck('session.start', { title: '早场' })).ok).toBe(true);
    const early = clock;
    expect((await ingest.timeout(5000).emitWithAck('batch', [comment('early-1', early)])).accepted).toBe(1);
    expect((await operator.timeout(5000).emitWithAck('session.end', {})).ok).toBe(true);
    clock += SHOW_LEAD_MS + 3600_000;
    expect((await operator.timeout(5000).emitWithAck('session.start', { title: '晚场' })).ok).toBe(true);
    // The connector never heard its ack and sends the same event again, hours later.
    const resend: IngestAck = await ingest.timeout(5000).emitWithAck('batch', [comment('early-1', early), comment('early-2', early)]);
    expect(resend.duplicates).toBe(1);
    expect(resend.accepted).toBe(0);
    expect(resend.rejected.map((r) => [r.index, r.code])).toEqual([[1, 'bad_ts']]);
  });
});

describe('event time in a replayed recording', () => {
  it('keeps an old recording with its late refunds whole, and refuses 1970, the future and lines that would stretch it past one show', async () => {
    h = await startTestHub();
    const dir = path.dirname(h.dbFile);
    const t0 = Date.UTC(2025, 5, 18, 12); // a real show, long before the hub's window: recordings are old
    const line = (id: string, ts: number) => JSON.stringify(comment(id, ts));
    const good = path.join(dir, 'old-show.ndjson');
    fs.writeFileSync(
      good,
      [
        line('r-late', t0 + 3 * DAY), // shuffled: the refund-days-later line first
        line('r-1', t0),
        line('r-2', t0 + 3600_000),
        JSON.stringify({ type: 'item.live', platform: 'studio', id: 'r-item', ts: t0 + 60_000, sku: 'LIP' }),
        line('r-1970', 0),
        line('r-seconds', Math.floor(t0 / 1000)),
        line('r-future', Date.now() + DAY),
        line('r-stretch', t0 - RECORDING_SPAN_MS),
      ].join('\n'),
    );
    const result = await replayFile(h.hub.ctx.repo, good);
    // The operator's replay takes what the control room did (item.live), unlike an ingest door.
    expect(result.accepted).toBe(4);
    expect(result.rejected.map((r) => r.line)).toEqual([5, 6, 7, 8]);
    for (const r of result.rejected) expect(r.error).toMatch(/^comment\.ts: /);
    const session = h.hub.ctx.repo.session(result.sessionId)!;
    expect(session.startedAt).toBe(t0);
    expect(session.endedAt).toBe(t0 + 3 * DAY);

    // With a header, the header's show bounds the recording; a header spanning years is refused.
    const headed = path.join(dir, 'headed.ndjson');
    fs.writeFileSync(headed, [JSON.stringify({ type: 'session', title: '回放', startedAt: 1000, endedAt: t0 }), line('h-1', t0), line('h-2', t0 + 60_000)].join('\n'));
    const second = await replayFile(h.hub.ctx.repo, headed);
    expect(second.rejected.map((r) => r.line)).toEqual([1]);
    expect(h.hub.ctx.repo.session(second.sessionId)!.startedAt).toBe(t0);

    // A recording all in 1970 opens no show at all.
    const bogus = path.join(dir, 'bogus.ndjson');
    fs.writeFileSync(bogus, [line('b-1', 5), line('b-2', 60_000)].join('\n'));
    const before = h.hub.ctx.repo.sessions().length;
    await expect(replayFile(h.hub.ctx.repo, bogus)).rejects.toThrow(/No valid event/);
    expect(h.hub.ctx.repo.sessions()).toHaveLength(before);
  });
});
