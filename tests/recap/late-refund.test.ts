/**
 * A refund three days after a replayed show: it changes that show's money — refunds and net GMV, in
 * total, on its platform, its item and its deal — and nothing else of the recap (DESIGN §6 session end).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayFile } from '../../server/cli/replay.js';
import type { Recap } from '../../server/recap/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { eventually, startTestHub, tempDbFile, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { makeRecording } from '../support/recording.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-late-refund-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every figure of a recap by a stable path (items by sku, deals by dealId, minutes and markers by place). */
function figures(r: Recap): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: unknown, at: string): void => {
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((v, i) => [String((v as { dealId?: string }).dealId ?? (v as { sku?: string }).sku ?? i), v] as const) : Object.entries(value);
      for (const [k, v] of entries) walk(v, at ? `${at}.${k}` : k);
    } else out.set(at, value);
  };
  walk(r, '');
  return out;
}

function changed(a: Recap, b: Recap): Record<string, [unknown, unknown]> {
  const fa = figures(a);
  const fb = figures(b);
  const diff: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...fa.keys(), ...fb.keys()])) if (!Object.is(fa.get(key), fb.get(key))) diff[key] = [fa.get(key), fb.get(key)];
  return diff;
}

describe('a refund three days after a replayed show', () => {
  it('changes only the refunds and net GMV of the show, its platform, its item and its deal; the kept recap is recomputed', async () => {
    const file = path.join(dir, 'show.ndjson');
    // The show ended three days and an hour ago, so its refund three days after it arrives now (the
    // hub takes events stamped within its window around its own clock, whatever day this runs).
    const startedAt = Date.now() - 3 * 86_400_000 - 2 * 3600_000;
    fs.writeFileSync(file, `${makeRecording({ seed: 33, lines: 30_000, durationMs: 3600_000, startedAt }).join('\n')}\n`);
    const dbFile = tempDbFile('late-refund');
    const repo = createRepository(openDb(dbFile));
    const { sessionId } = await replayFile(repo, file);
    // A paid deal order, nothing of it refunded yet.
    const target = repo.db
      .prepare(
        "SELECT platform, order_id AS orderId, user_id AS userId, sku, qty, amount_fen AS amountFen, deal_id AS dealId FROM orders WHERE session_id = ? AND status = 'paid' AND refund_fen = 0 AND deal_id IS NOT NULL ORDER BY order_id LIMIT 1",
      )
      .get(sessionId) as { platform: string; orderId: string; userId: string; sku: string; qty: number; amountFen: number; dealId: string };
    expect(target).toBeDefined();
    const endedAt = repo.session(sessionId)!.endedAt!;
    repo.db.close();

    let h: TestHub | null = await startTestHub({ dbFile });
    try {
      const get = async (): Promise<Recap> => (await fetch(`${h!.url}/api/sessions/${sessionId}/recap`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).json() as Promise<Recap>;
      const before = await get();
      const stamp = h.hub.ctx.repo.sessionStamp(sessionId);
      expect(h.hub.ctx.repo.cachedRecap(sessionId, 'recap:{}', stamp)).not.toBeNull();
      expect(before.deals.some((d) => d.dealId === target.dealId)).toBe(true);

      const refund = { type: 'order', id: 'late-refund-1', ts: endedAt + 3 * 86_400_000, status: 'refunded', ...target };
      const res = await fetch(`${h.url}/api/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKENS.ingest}`, 'content-type': 'application/x-ndjson' },
        body: `${JSON.stringify(refund)}\n`,
      });
      expect(await res.json()).toMatchObject({ accepted: 1, rejected: [] });
      // It joined the replayed show, and no show was opened for it.
      expect(h.hub.ctx.repo.sessions().map((s) => s.id)).toEqual([sessionId]);
      expect(h.hub.ctx.repo.liveSession()).toBeNull();

      const after = await eventually(async () => {
        const r = await get();
        expect(r.refundFen).not.toBe(before.refundFen);
        return r;
      });
      const p = target.platform;
      expect(changed(before, after)).toEqual({
        refundFen: [before.refundFen, before.refundFen + target.amountFen],
        netGmvFen: [before.netGmvFen, before.netGmvFen - target.amountFen],
        [`byPlatform.${p}.refundFen`]: [before.byPlatform[p].refundFen, before.byPlatform[p].refundFen + target.amountFen],
        [`byPlatform.${p}.netGmvFen`]: [before.byPlatform[p].netGmvFen, before.byPlatform[p].netGmvFen - target.amountFen],
        [`items.${target.sku}.refundFen`]: [expect.any(Number), before.items.find((i) => i.sku === target.sku)!.refundFen + target.amountFen],
        [`deals.${target.dealId}.refundFen`]: [expect.any(Number), before.deals.find((d) => d.dealId === target.dealId)!.refundFen + target.amountFen],
      });

      // The same after a restart, recomputed from the store rather than kept.
      await h.stop();
      h = await startTestHub({ dbFile });
      h.hub.ctx.repo.dropKeptRecaps(sessionId);
      expect(await get()).toStrictEqual(after);
    } finally {
      await h?.stop();
    }
  }, 60_000);
});
