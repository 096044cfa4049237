import { afterEach, describe, expect, it } from 'vitest';
import type { IngestAck, LiveEvent } from '../../server/protocol/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { closeClients, connect, startTestHub, tempDbFile, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { makeRecording, readRecording, storedOrder } from '../support/recording.js';

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
    const ack: IngestAck = await ingest.timeout(10_000).emitWithAck('batch', [{ type: 'comment', platform: 'douyin', id: 'live-1', ts: Date.now(), userId: 'u', nick: 'n', text: '来了' } as LiveEvent]);
    order.push('ack');
    expect(ack.accepted).toBe(1);
    const body = await recap;
    // A recap computed in the hub's own thread would have held the ack back until it was done.
    expect(order).toEqual(['ack', 'recap']);
    const { recapFromStore } = await import('../../server/recap/index.js');
    const direct = recapFromStore(h.hub.ctx.repo, id, Date.now());
    expect(body).toStrictEqual(direct);
  }, 120_000);
});
