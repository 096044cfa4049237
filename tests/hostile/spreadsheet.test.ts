import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSpreadsheetBounds, SheetBoundsError } from '../../server/runsheet/bounds.js';
import { rssMb, startBenchHub } from '../bench/lib.js';
import { CHILD_TOKENS } from '../support/child-hub.js';
import { goodTraffic, mergeBomb, watchHealth, zipBomb } from './support.js';

let hub: Awaited<ReturnType<typeof startBenchHub>>;
let show: Awaited<ReturnType<typeof goodTraffic>>;
beforeAll(async () => {
  hub = await startBenchHub();
  show = await goodTraffic(hub.url, CHILD_TOKENS);
  // The studio starts its job worker ahead of the first file; this hub starts it with a first preview.
  await preview(Buffer.from('商品编码,商品名称,原价\nW-1,热身,1\n'), '?format=csv');
}, 60_000);
afterAll(async () => {
  show?.close();
  await hub?.stop();
});

const preview = async (body: Buffer, query = '') => {
  const t = performance.now();
  const res = await fetch(`${hub.url}/api/runsheet/preview${query}`, { method: 'POST', headers: { authorization: `Bearer ${CHILD_TOKENS.operator}` }, body: new Uint8Array(body) });
  const json = (await res.json()) as { error?: { code: string; message: string }; rows?: { sku: string }[] };
  return { status: res.status, json, ms: performance.now() - t };
};

/** Fires `bomb` while /health is polled and good events and claims keep flowing; returns what each saw. */
async function underFire<T>(bomb: () => Promise<T>) {
  const health = watchHealth(hub.url);
  const stopGood = show.keepGoing(50);
  const before = show.figures.sent;
  const answer = await bomb();
  // A little more good traffic after the bomb, so any lasting harm shows.
  await new Promise((r) => setTimeout(r, 400));
  await stopGood();
  const seen = await health.stop();
  return { answer, health: seen, goodSent: show.figures.sent - before };
}

describe('spreadsheet bombs', () => {
  it('refuses a 2 KB workbook with one whole-sheet merged cell at once, coded sheet_too_large, the show unaffected', async () => {
    const bomb = mergeBomb();
    expect(bomb.length).toBeLessThan(2048);
    const { answer, health, goodSent } = await underFire(() => preview(bomb));
    expect(answer.status).toBe(413);
    expect(answer.json.error?.code).toBe('sheet_too_large');
    expect(answer.json.error?.message).toMatch(/row 1048576 and column 16384/);
    expect(answer.ms).toBeLessThan(3000);
    expect(health.failures).toEqual([]);
    expect(health.worstMs).toBeLessThan(500);
    expect(goodSent).toBeGreaterThan(0);
    expect(show.figures.problems).toEqual([]);
  });

  it('refuses a 0.9 MB zip bomb (900 MB of sheet) from its declared sizes, without inflating it', async () => {
    const bomb = zipBomb(9);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const rssBefore = rssMb(hub.pid);
    const { answer, health } = await underFire(() => preview(bomb));
    expect(answer.status).toBe(413);
    expect(answer.json.error?.code).toBe('zip_bomb');
    expect(health.failures).toEqual([]);
    expect(health.worstMs).toBeLessThan(500);
    expect(rssMb(hub.pid) - rssBefore).toBeLessThan(200);
    expect(show.figures.problems).toEqual([]);
  });

  it('refuses a zip bomb that lies about its size once the part inflates past its declaration, RSS bounded', async () => {
    const bomb = zipBomb(9, true);
    const rssBefore = rssMb(hub.pid);
    const { answer, health } = await underFire(() => Promise.all([preview(bomb), preview(bomb), preview(bomb)]));
    for (const a of answer) {
      expect(a.status).toBe(413);
      expect(a.json.error?.code).toBe('zip_bomb');
      expect(a.json.error?.message).toMatch(/inflates past the 10240 bytes it declares/);
    }
    expect(health.failures).toEqual([]);
    expect(health.worstMs).toBeLessThan(500);
    expect(rssMb(hub.pid) - rssBefore).toBeLessThan(200);
    expect(show.figures.problems).toEqual([]);
  });

  it('still reads a real workbook with a merged title row and two-level headers, in its worker', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('排品表');
    ws.getCell('A1').value = '双11 排品表';
    ws.mergeCells('A1:D1');
    ws.addRow(['商品编码', '商品名称', '原价', '讲解时长']);
    ws.addRow(['LIP-01', '丝绒口红', 199, '5分钟']);
    const { status, json } = await preview(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(status).toBe(200);
    expect(json.rows?.map((r) => r.sku)).toEqual(['LIP-01']);
  });

  it('bounds sheets at their merges, rows and columns before anything is expanded', () => {
    const code = (bytes: Buffer) => {
      try {
        checkSpreadsheetBounds(bytes);
        return 'ok';
      } catch (err) {
        return (err as SheetBoundsError).code;
      }
    };
    expect(code(mergeBomb('A1:A1048576'))).toBe('sheet_too_large');
    expect(code(mergeBomb('A1:ZZ2000'))).toBe('sheet_too_large');
    expect(code(mergeBomb('A1:K1'))).toBe('ok');
    expect(code(Buffer.from('PK\u0003\u0004 not really a zip'))).toBe('unreadable');
    expect(code(Buffer.from('商品编码,商品名称\n'.repeat(100_001)))).toBe('sheet_too_large');
  });
});
