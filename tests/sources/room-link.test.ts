/**
 * The batcher every live room submits through: batches of at most 500, one in flight, reading paused
 * while too much waits, a batch the store did not take kept and sent again, refusals said once per code.
 */
import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../server/sources/rooms/link.js';
import type { RoomSink } from '../../server/sources/types.js';
import { eventually } from '../support/hub.js';

type Ack = Awaited<ReturnType<RoomSink['submit']>> & { error?: { code: string; message: string } };

function slowSink(answer: (batch: Record<string, unknown>[], call: number) => Ack, delayMs = 5) {
  const log = { batches: [] as Record<string, unknown>[][], warnings: [] as { code: string; message: string }[], inFlight: 0, maxInFlight: 0 };
  const sink: RoomSink = {
    async submit(records) {
      log.inFlight++;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      log.batches.push(records);
      await new Promise((r) => setTimeout(r, delayMs));
      log.inFlight--;
      return answer(records, log.batches.length);
    },
    state() {},
    warn(code, message) {
      log.warnings.push({ code, message });
    },
    now: () => Date.now(),
    skuFor: () => undefined,
    priceFor: () => undefined,
  };
  return { sink, log };
}

const ok = (batch: unknown[]): Ack => ({ accepted: batch.length, duplicates: 0, rejected: [] });

describe('the room batcher', () => {
  it('pauses reading past the high-water mark and resumes under the low one, sending everything once, one batch at a time', async () => {
    const { sink, log } = slowSink(ok, 10);
    const pressure: boolean[] = [];
    let maxBacklog = 0;
    const b = createBatcher(sink, { highWater: 2000, lowWater: 500, onPressure: (p) => pressure.push(p) });
    // A reader that stops pushing while paused, as a paused socket stops delivering.
    let sent = 0;
    while (sent < 10_000) {
      if (pressure.at(-1) === true) {
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      b.push({ n: sent++ });
      maxBacklog = Math.max(maxBacklog, b.backlog);
    }
    await b.drain(30_000);
    const all = log.batches.flat().map((r) => r.n);
    expect(all).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(log.maxInFlight).toBe(1);
    expect(Math.max(...log.batches.map((x) => x.length))).toBeLessThanOrEqual(500);
    expect(pressure.filter((p) => p)).not.toHaveLength(0);
    expect(pressure.at(-1)).toBe(false);
    expect(maxBacklog).toBeLessThanOrEqual(2000);
  });

  it('keeps a batch the store did not take and sends the same records again', async () => {
    const { sink, log } = slowSink((batch, call) => (call === 1 ? { accepted: 0, duplicates: 0, rejected: [], error: { code: 'store_unavailable', message: 'disk full' } } : ok(batch)));
    const b = createBatcher(sink, { delayMs: 10 });
    for (let i = 0; i < 3; i++) b.push({ n: i });
    await eventually(() => expect(log.batches).toHaveLength(2));
    expect(log.batches[1]).toEqual(log.batches[0]);
    expect(log.warnings.map((w) => w.code)).toEqual(['store_unavailable']);
    b.close();
  });

  it('reports refused records once per code, with the type and reason but not the record', async () => {
    const { sink, log } = slowSink(() => ({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 0, code: 'bad_ts', error: 'comment.ts: is in the future' },
        { index: 1, code: 'bad_ts', error: 'comment.ts: is in the future' },
        { index: 2, code: 'invalid_field', error: 'comment.text: must not be empty' },
      ],
    }));
    const b = createBatcher(sink, { delayMs: 5 });
    for (const text of ['secret a', 'secret b', '', 'fine']) b.push({ type: 'comment', text });
    await b.drain();
    expect(log.warnings.map((w) => w.code)).toEqual(['bad_ts', 'invalid_field']);
    expect(log.warnings[0].message).toMatch(/2 records/);
    expect(JSON.stringify(log.warnings)).not.toContain('secret');
    b.close();
  });
});
