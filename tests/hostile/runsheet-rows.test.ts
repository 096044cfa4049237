/**
 * Hostile input, class "a 100,000-row run-sheet": a run-sheet holds at most 500 rows, on preview,
 * import (replace and append), the CLI and the control actions that add rows (`too_many_rows`), so
 * no snapshot carries a brand's whole catalogue to every screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../server/cli/main.js';
import { MAX_RUNSHEET_ROWS } from '../../server/protocol/index.js';
import { closeClients, connect, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { goodTraffic, retainedMb, watchHealth } from './support.js';

let h: TestHub | null = null;
afterEach(async () => {
  closeClients();
  vi.restoreAllMocks();
  await h?.stop();
  h = null;
});

/** A 排品表 CSV of `rows` products, as a brand would send it. */
const sheet = (rows: number, prefix = 'SKU') => ['商品编码,商品名称,原价,直播价,讲解时长,话术', ...Array.from({ length: rows }, (_, i) => `${prefix}-${i},商品${i},199,129.9,3分钟,姐妹们`)].join('\n');
const auth = { authorization: `Bearer ${TEST_TOKENS.operator}` };
const post = (kind: 'preview' | 'import', body: string, query = '') => fetch(`${h!.url}/api/runsheet/${kind}?format=csv${query}`, { method: 'POST', headers: auth, body });

describe('run-sheet rows', () => {
  it('refuses 501 rows and a 100,000-row sheet on preview and import, 500 then one more by append or by hand; the show runs on', async () => {
    h = await startTestHub();
    const health = watchHealth(h.url);
    const show = await goodTraffic(h.url, TEST_TOKENS);
    const stopGood = show.keepGoing(50);
    const heapBefore = retainedMb();
    for (const rows of [MAX_RUNSHEET_ROWS + 1, 100_000]) {
      for (const kind of ['preview', 'import'] as const) {
        const res = await post(kind, sheet(rows));
        expect(res.status).toBe(422);
        const body = (await res.json()) as { error: { code: string; message: string }; rows?: unknown };
        expect(body.error.code).toBe('too_many_rows');
        expect(body.error.message).toContain(String(rows));
        expect(body.rows).toBeUndefined();
      }
    }
    expect(h.hub.ctx.repo.runsheet()).toHaveLength(0);

    // Exactly the cap is a run-sheet; one more row by append, or by hand, is not.
    expect((await post('import', sheet(MAX_RUNSHEET_ROWS))).status).toBe(200);
    const appended = await post('import', sheet(1, 'MORE'), '&mode=append');
    expect(appended.status).toBe(422);
    expect(((await appended.json()) as { error: { code: string } }).error.code).toBe('too_many_rows');
    const operator = await connect(h.url, '/control', TEST_TOKENS.operator);
    const add = await operator.timeout(5000).emitWithAck('runsheet.add', { sku: 'SKU-1', plannedSec: 60 });
    expect(add).toMatchObject({ ok: false, error: { code: 'too_many_rows' } });
    expect(h.hub.ctx.repo.runsheet()).toHaveLength(MAX_RUNSHEET_ROWS);
    expect(h.hub.ctx.live.runsheet).toHaveLength(MAX_RUNSHEET_ROWS);
    expect(retainedMb() - heapBefore).toBeLessThan(20);

    await stopGood();
    const seen = await health.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.medianMs).toBeLessThan(500);
    expect(seen.worstMs).toBeLessThan(1500);
    expect(show.figures.problems).toEqual([]);
    expect(show.figures.granted).toBe(show.figures.sent);
    show.close();
  });

  it('livedeck runsheet import refuses a file of more rows than a run-sheet holds, and changes nothing', async () => {
    h = await startTestHub();
    const dir = path.dirname(h.dbFile);
    const db = path.join(dir, 'cli.db');
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    const big = path.join(dir, 'big.csv');
    fs.writeFileSync(big, sheet(MAX_RUNSHEET_ROWS + 1));
    expect(await main(['runsheet', 'import', big, '--db', db])).toBe(1);
    expect(err.join('\n')).toMatch(/501 run-sheet rows is more than the 500/);
    const small = path.join(dir, 'small.csv');
    fs.writeFileSync(small, sheet(MAX_RUNSHEET_ROWS - 1));
    expect(await main(['runsheet', 'import', small, '--db', db])).toBe(0);
    err.length = 0;
    fs.writeFileSync(big, sheet(2, 'MORE'));
    expect(await main(['runsheet', 'import', big, '--db', db, '--append'])).toBe(1);
    expect(err.join('\n')).toMatch(/on top of the 499 already there/);
  });
});
