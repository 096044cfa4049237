import { describe, expect, it } from 'vitest';
import { createLiveModel } from '../../server/live/index.js';
import type { LiveEvent } from '../../server/protocol/index.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const session = { id: 1, title: '测试', startedAt: T0, endedAt: null };

describe('the live model', () => {
  it('marks a coupon drop as the recap does: kind coupon, its title', () => {
    const m = createLiveModel();
    m.reset(session);
    m.apply({ type: 'coupon.started', platform: 'studio', id: 'c1', ts: T0 + 5000, couponId: 'c1', title: '满199减30', discountFen: 3000, thresholdFen: 19900, quantity: 100 });
    expect(m.snapshot(T0 + 6000).markers).toEqual([{ ts: T0 + 5000, kind: 'coupon', label: '满199减30' }]);
  });

  it('peaks as the recap does: whole instants only, the greatest id winning a tie, in any arrival order', () => {
    const snap = (platform: string, id: string, ts: number, online: number): LiveEvent => ({ type: 'viewer.snapshot', platform, id, ts, online });
    // At T0+1 s douyin drops 500 → 100 and channels rises 100 → 450 together: 550 at most, never 950.
    const events = [
      snap('douyin', 'a', T0, 500),
      snap('channels', 'b', T0, 100),
      snap('channels', 'd', T0 + 1000, 450),
      snap('douyin', 'c', T0 + 1000, 100),
      // A second douyin snapshot at T0+1 s under a smaller id: the one with the greater id stands.
      snap('douyin', 'bb', T0 + 1000, 900),
    ];
    for (const order of [events, [...events].reverse(), [events[1], events[3], events[0], events[4], events[2]]]) {
      const m = createLiveModel();
      m.reset(session);
      for (const e of order) m.apply(e);
      expect([m.kpis().online, m.kpis().peakOnline]).toEqual([100 + 450, 500 + 100]);
      expect(m.snapshot(T0 + 2000).byPlatform.douyin.peakOnline).toBe(500);
    }
  });

  it("sums online across platforms from each one's latest snapshot; a late older one changes only the peak, as in the recap", () => {
    const m = createLiveModel();
    m.reset(session);
    const snap = (platform: string, id: string, ts: number, online: number): LiveEvent => ({ type: 'viewer.snapshot', platform, id, ts, online });
    m.apply(snap('douyin', 'a', T0 + 1000, 1200));
    m.apply(snap('channels', 'b', T0 + 1500, 300));
    m.apply(snap('douyin', 'c', T0 + 3000, 1500));
    m.apply(snap('douyin', 'd', T0 + 2000, 9999));
    const k = m.kpis();
    expect(k.online).toBe(1500 + 300);
    // At T0+2 s douyin said 9999 while channels had 300 (DESIGN §6: online at t is each one's latest at or before t).
    expect(k.peakOnline).toBe(9999 + 300);
    expect(m.snapshot(T0 + 4000).byPlatform.douyin.peakOnline).toBe(9999);
    const tick = m.tick(T0 + 4000)!;
    expect(tick.seconds.find((b) => b.sec === (T0 + 3000) / 1000)!.online).toBe(1800);
    // channels' 300 arrived in the same second (T0+1.5 s), after douyin's 1200
    expect(tick.seconds.find((b) => b.sec === (T0 + 1000) / 1000)!.online).toBe(1200 + 300);
  });

  it('counts paid GMV once per order at the second it was paid, and refunds apart', () => {
    const m = createLiveModel();
    m.reset(session);
    const o = (id: string, status: 'created' | 'paid' | 'refunded', ts: number): LiveEvent => ({
      type: 'order',
      platform: 'douyin',
      id,
      ts,
      orderId: 'O1',
      userId: 'u1',
      sku: 'S',
      qty: 3,
      amountFen: 3 * 4990,
      status,
    });
    m.apply(o('e1', 'created', T0));
    m.apply(o('e2', 'paid', T0 + 2000));
    m.apply(o('e3', 'paid', T0 + 2500));
    m.apply(o('e4', 'refunded', T0 + 9000));
    const k = m.kpis();
    expect(k).toMatchObject({ paidGmvFen: 3 * 4990, refundFen: 3 * 4990, orders: 1, units: 3, buyers: 1 });
    const tick = m.tick(T0 + 10_000)!;
    expect(tick.seconds.filter((b) => b.gmvFen > 0)).toEqual([expect.objectContaining({ sec: (T0 + 2000) / 1000, gmvFen: 3 * 4990, orders: 1, units: 3 })]);
    expect(tick.minutes).toEqual([expect.objectContaining({ sec: T0 / 1000, gmvFen: 3 * 4990 })]);
  });

  it('counts from what the store says each order event changed, and keeps no order after a replay', () => {
    const m = createLiveModel({ ordersFromStore: true });
    const o = (id: string, status: 'created' | 'paid' | 'refunded', ts: number, orderId = 'O1'): Extract<LiveEvent, { type: 'order' }> => ({
      type: 'order',
      platform: 'douyin',
      id,
      ts,
      orderId,
      userId: 'u1',
      sku: 'S',
      qty: 3,
      amountFen: 3 * 4990,
      status,
    });
    // The replay works orders out itself: O1 paid before the restart is not counted again below.
    m.reset(session, [o('e1', 'created', T0), o('e2', 'paid', T0 + 2000), o('e3', 'created', T0 + 3000, 'O2')]);
    expect(m.rememberedOrders).toBe(0);
    const facts = { userId: 'u1', amountFen: 3 * 4990, qty: 3, dealId: null };
    m.apply(o('e4', 'paid', T0 + 2500), { paid: false, refunded: false, refundDeltaFen: 0, ...facts });
    m.apply(o('e5', 'paid', T0 + 4000, 'O2'), { paid: true, refunded: false, refundDeltaFen: 0, ...facts });
    m.apply(o('e6', 'refunded', T0 + 9000), { paid: false, refunded: true, refundDeltaFen: 3 * 4990, ...facts });
    expect(m.kpis()).toMatchObject({ paidGmvFen: 2 * 3 * 4990, refundFen: 3 * 4990, orders: 2, units: 6, buyers: 1 });
    expect(m.rememberedOrders).toBe(0);
  });

  it('lifts questions out of the feed and samples the chatter in a busy second', () => {
    const m = createLiveModel({ feedPerSecond: 3 });
    m.reset(session);
    for (let i = 0; i < 10; i++) m.apply({ type: 'comment', platform: 'douyin', id: `c${i}`, ts: T0 + 100, userId: `u${i}`, nick: 'n', text: '好看' });
    m.apply({ type: 'comment', platform: 'douyin', id: 'q', ts: T0 + 200, userId: 'uq', nick: 'n', text: '有没有小样？' });
    const snap = m.snapshot(T0 + 1000);
    expect(snap.kpis.comments).toBe(11);
    expect(snap.comments).toHaveLength(3 + 1);
    expect(snap.questions.map((q) => q.text)).toEqual(['有没有小样？']);
    expect(snap.seconds[0].comments).toBe(11);
  });

  it('tracks which item is on air and closes the previous airing when the next goes live', () => {
    const m = createLiveModel();
    m.reset(session);
    m.apply({ type: 'item.live', platform: 'studio', id: 'i1', ts: T0, sku: 'A', itemId: '1' });
    m.apply({ type: 'item.live', platform: 'studio', id: 'i2', ts: T0 + 60_000, sku: 'B', itemId: '2' });
    expect(m.current()).toEqual({ itemId: 2, sku: 'B', startedAt: T0 + 60_000, endedAt: null });
    expect(m.snapshot(T0).airings[0]).toEqual({ itemId: 1, sku: 'A', startedAt: T0, endedAt: T0 + 60_000 });
  });

  it('sends only what changed: a quiet tick carries no buckets, and nothing at all unless forced', () => {
    const m = createLiveModel();
    m.reset(session);
    m.apply({ type: 'viewer.enter', platform: 'douyin', id: 'v', ts: T0, userId: 'u' });
    expect(m.tick(T0)!.seconds).toHaveLength(1);
    expect(m.tick(T0 + 200)).toBeNull();
    const forced = m.tick(T0 + 1000, true)!;
    expect(forced.seconds).toEqual([]);
    expect(forced.kpis.views).toBe(1);
  });
});

describe('what every screen is sent', () => {
  it('keeps seq still for a snapshot, so one window connecting makes no other window resync', () => {
    const m = createLiveModel();
    m.reset(session);
    const a = m.tick(T0, true)!.seq;
    m.snapshot(T0 + 1);
    m.snapshot(T0 + 2);
    expect(m.tick(T0 + 3, true)!.seq).toBe(a + 1);
  });

  it('always sends claimed and prompted question cards, however many open ones pile up', () => {
    const m = createLiveModel({ questionLimit: 1000 });
    m.reset(session);
    const ask = (i: number) => m.apply({ type: 'comment', platform: 'douyin', id: `q${i}`, ts: T0 + i * 1000, userId: `u${i}`, nick: 'n', text: `第${i}个问题：多少钱？` });
    ask(0);
    ask(1);
    m.updateQuestion('douyin:q0', { status: 'claimed', claimedBy: '安安' });
    m.updateQuestion('douyin:q1', { prompted: true });
    for (let i = 2; i < 300; i++) ask(i);
    const tick = m.tick(T0 + 300_000, true)!;
    const sent = tick.questions;
    expect(sent).toHaveLength(100);
    // Oldest first: the two held cards, then the oldest 98 open ones (q2 … q99); all 300 are counted.
    expect(sent.slice(0, 2).map((q) => q.key)).toEqual(['douyin:q0', 'douyin:q1']);
    expect(sent[sent.length - 1].key).toBe('douyin:q99');
    expect(tick.questionsWaiting).toBe(300);
  });
});

describe('a flood of questions', () => {
  it('lifts out at most a few question cards a second and treats the rest as chatter', () => {
    const m = createLiveModel({ questionsPerSecond: 4, feedPerSecond: 8 });
    m.reset(session);
    for (let i = 0; i < 500; i++) m.apply({ type: 'comment', platform: 'douyin', id: `q${i}`, ts: T0 + i, userId: `u${i}`, nick: 'n', text: `${i} 号多少钱？` });
    const snap = m.snapshot(T0 + 1000);
    expect(snap.kpis.comments).toBe(500);
    expect(snap.questions).toHaveLength(4);
    expect(snap.comments).toHaveLength(4 + 8);
  });
});

describe('the question inbox', () => {
  it('keeps every open question past hundreds, counts them all, and sends the oldest first', () => {
    const m = createLiveModel();
    m.reset(session);
    // 1,500 distinct questions, one every 2 s (under the rate limit): none is dropped.
    for (let i = 0; i < 1500; i++) m.apply({ type: 'comment', platform: 'douyin', id: `q${i}`, ts: T0 + i * 2000, userId: `u${i}`, nick: 'n', text: `${i}号链接多少钱？` });
    const snap = m.snapshot(T0 + 3_000_000);
    expect(snap.questionsWaiting).toBe(1500);
    expect(snap.questions[0].key).toBe('douyin:q0');
    expect(m.question('douyin:q0')!.status).toBe('open');
    m.updateQuestion('douyin:q0', { status: 'answered' });
    const next = m.snapshot(T0 + 3_000_001);
    expect(next.questionsWaiting).toBe(1499);
    expect(next.questions[0].key).toBe('douyin:q1');
    expect(next.questions.at(-1)!.key).toBe('douyin:q100');
  });

  it('does work per tick that does not grow with the number of open questions', () => {
    // Work is counted, not timed: entries visited to build each tick's inbox (and online peaks).
    // Walking every open card and sorting them at each tick (as before) visits ~`waiting` a tick.
    const workOf = (waiting: number) => {
      let visited = 0;
      const m = createLiveModel({ questionLimit: 50_000, countWork: (n) => (visited += n) });
      m.reset(session);
      const ask = (i: number) => m.apply({ type: 'comment', platform: 'douyin', id: `q${i}`, ts: T0 + i * 1000, userId: `u${i}`, nick: 'n', text: `${i}号链接多少钱？` });
      for (let i = 0; i < waiting; i++) ask(i);
      m.tick(T0 + waiting * 1000, true);
      visited = 0;
      let last = null;
      for (let r = 0; r < 40; r++) {
        ask(waiting + r);
        // A moderator takes the oldest open card now and then; every tick is read.
        if (r % 4 === 0) m.updateQuestion(`douyin:q${r}`, { status: 'claimed', claimedBy: '安安' });
        if (r % 8 === 0) m.updateQuestion(`douyin:q${r}`, { status: 'answered' });
        last = m.tick(T0 + (waiting + r) * 1000 + 500, true)!;
      }
      return { visited, last: last! };
    };
    const small = workOf(1_000);
    const large = workOf(20_000);
    expect(small.visited).toBeGreaterThan(0);
    expect(large.visited).toBe(small.visited);
    // …and the inbox is still right: q0, q8 … q32 answered; q4, q12 … q36 held; the oldest 100 of the rest sent.
    expect(large.last.questionsWaiting).toBe(20_000 + 40 - 5);
    const answered = new Set([0, 8, 16, 24, 32]);
    const oldest = Array.from({ length: 104 }, (_, i) => i + 1).filter((i) => !answered.has(i));
    expect(large.last.questions.map((q) => q.key)).toEqual(oldest.map((i) => `douyin:q${i}`));
    expect(large.last.questions.filter((q) => q.status === 'claimed').map((q) => q.key)).toEqual(['douyin:q4', 'douyin:q12', 'douyin:q20', 'douyin:q28', 'douyin:q36']);
  });

  it('past its limit drops an answered card first, then the oldest open one, never one someone holds', () => {
    const m = createLiveModel({ questionLimit: 5 });
    m.reset(session);
    const ask = (i: number) => m.apply({ type: 'comment', platform: 'douyin', id: `q${i}`, ts: T0 + i * 1000, userId: `u${i}`, nick: 'n', text: `${i}号链接多少钱？` });
    for (let i = 0; i < 5; i++) ask(i);
    m.updateQuestion('douyin:q0', { status: 'claimed', claimedBy: '安安' });
    m.updateQuestion('douyin:q1', { status: 'answered' });
    ask(5);
    expect(m.question('douyin:q1')).toBeUndefined();
    ask(6);
    expect(m.question('douyin:q2')).toBeUndefined();
    const snap = m.snapshot(T0 + 10_000);
    expect(snap.questions.map((q) => q.key)).toEqual(['douyin:q0', 'douyin:q3', 'douyin:q4', 'douyin:q5', 'douyin:q6']);
    expect(snap.questionsWaiting).toBe(5);
  });

  it('after a restart puts each card where the moderators left it', () => {
    const m = createLiveModel();
    const events: LiveEvent[] = [0, 1, 2, 3].map((i) => ({ type: 'comment', platform: 'douyin', id: `q${i}`, ts: T0 + i * 1000, userId: `u${i}`, nick: 'n', text: `${i}号链接多少钱？` }));
    m.reset(session, events, [
      { key: 'douyin:q0', status: 'answered', claimedBy: '安安', prompted: false },
      { key: 'douyin:q2', status: 'claimed', claimedBy: '小北', prompted: true },
    ]);
    const snap = m.snapshot(T0 + 5000);
    expect(snap.questions.map((q) => [q.key, q.status])).toEqual([
      ['douyin:q1', 'open'],
      ['douyin:q2', 'claimed'],
      ['douyin:q3', 'open'],
    ]);
    expect(snap.questionsWaiting).toBe(3);
    expect(snap.promptedQuestion?.key).toBe('douyin:q2');
    // Sending another card to the prompter takes q2 off it; released, q2 waits in its place again.
    m.updateQuestion('douyin:q3', { prompted: true });
    m.updateQuestion('douyin:q2', { status: 'open', claimedBy: null });
    expect(m.snapshot(T0 + 6000).questions.map((q) => q.key)).toEqual(['douyin:q1', 'douyin:q2', 'douyin:q3']);
    // Answered before the restart, asked again after it: a new card, as when answered live.
    m.apply({ type: 'comment', platform: 'douyin', id: 'q9', ts: T0 + 7000, userId: 'u9', nick: 'n', text: '0号链接多少钱？' });
    expect(m.question('douyin:q9')?.status).toBe('open');
  });

  it('groups the same question from several viewers into one card with a count, until it is answered', () => {
    const m = createLiveModel();
    m.reset(session);
    const say = (id: string, text: string, s: number) => m.apply({ type: 'comment', platform: 'douyin', id, ts: T0 + s * 1000, userId: id, nick: id, text });
    say('a', '多少钱？', 1);
    say('b', '多少钱?', 2);
    say('c', '多少 钱？？', 3);
    say('d', '有没有大码？', 4);
    let snap = m.snapshot(T0 + 5000);
    expect(snap.questions.map((q) => [q.key, q.asks])).toEqual([
      ['douyin:a', 3],
      ['douyin:d', 1],
    ]);
    expect(snap.questionsWaiting).toBe(2);
    m.updateQuestion('douyin:a', { status: 'answered' });
    say('e', '多少钱？', 6);
    snap = m.snapshot(T0 + 7000);
    expect(snap.questions.map((q) => [q.key, q.asks])).toEqual([
      ['douyin:d', 1],
      ['douyin:e', 1],
    ]);
  });
});
