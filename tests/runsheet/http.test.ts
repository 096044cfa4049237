import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { generatedSku } from '../../server/rules/index.js';
import { closeClients, startTestHub, TEST_TOKENS, type TestHub } from '../support/hub.js';

let h: TestHub;
afterEach(async () => {
  closeClients();
  await h?.stop();
});

const auth = { authorization: `Bearer ${TEST_TOKENS.operator}` };
const csv = ['双11 排品表', '商品编码,商品名称,原价,直播价,讲解时长,话术', 'LIP-01,丝绒口红,199,129.9,5分钟,"姐妹们,这支口红"', ',没有编码,99,59,3,', 'NUT-02,每日坚果,89,69.9,00:08:00,'].join('\n');

describe('run-sheet files over HTTP', () => {
  it('previews a file without changing anything, then imports it into the live run-sheet', async () => {
    h = await startTestHub();
    const preview = await fetch(`${h.url}/api/runsheet/preview?format=csv`, { method: 'POST', headers: auth, body: csv });
    expect(preview.status).toBe(200);
    const read = await preview.json();
    expect(read.rows.map((r: { sku: string; livePriceFen: number; plannedSec: number }) => [r.sku, r.livePriceFen, r.plannedSec])).toEqual([
      ['LIP-01', 12990, 5 * 60],
      [generatedSku('没有编码'), 5900, 3 * 60], // row 4 has no code: one is made from its name, with a warning
      ['NUT-02', 6990, 8 * 60],
    ]);
    expect(read.warnings).toMatchObject([{ row: 4, code: 'sku_generated', params: { sku: generatedSku('没有编码') } }]);
    expect(read.errors).toEqual([]);
    expect(h.hub.ctx.repo.runsheet()).toEqual([]);

    const imported = await fetch(`${h.url}/api/runsheet/import?format=csv&name=plan.csv`, { method: 'POST', headers: auth, body: csv });
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({ ok: true, items: 3, errors: [] });
    expect(h.hub.ctx.live.runsheet.map((i) => i.sku)).toEqual(['LIP-01', generatedSku('没有编码'), 'NUT-02']);
    expect(h.hub.ctx.live.catalog.find((p) => p.sku === 'LIP-01')).toMatchObject({ title: '丝绒口红', listPriceFen: 19900 });
  });

  it('refuses both rows of a code shared by two products, naming each other’s row, and imports neither over the other', async () => {
    h = await startTestHub();
    const dup = ['商品编码,商品名称,原价,直播价,讲解时长,秒杀价,秒杀库存', 'CL-01,氨基酸洁面乳,89,49,5,39,100', 'CL-01,卸妆油,129,79,5,69,100', 'NUT-02,每日坚果,89,69.9,8,,'].join('\n');
    const read = await (await fetch(`${h.url}/api/runsheet/preview?format=csv`, { method: 'POST', headers: auth, body: dup })).json();
    expect(read.rows.map((r: { sku: string }) => r.sku)).toEqual(['NUT-02']);
    expect(read.errors).toMatchObject([
      { row: 2, issues: [{ code: 'duplicate_sku', params: { sku: 'CL-01', rows: '3' } }] },
      { row: 3, issues: [{ code: 'duplicate_sku', params: { sku: 'CL-01', rows: '2' } }] },
    ]);
    await fetch(`${h.url}/api/runsheet/import?format=csv`, { method: 'POST', headers: auth, body: dup });
    // No row titled 卸妆油 carrying the cleanser's price: neither is on the run-sheet or in the catalog.
    expect(h.hub.ctx.live.runsheet.map((i) => i.sku)).toEqual(['NUT-02']);
    expect(h.hub.ctx.live.catalog.some((p) => p.sku === 'CL-01')).toBe(false);
  });

  it('serves a real .xlsx template whose example rows preview cleanly, conventions included', async () => {
    h = await startTestHub();
    const res = await fetch(`${h.url}/api/runsheet/template.xlsx`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('runsheet-template.xlsx');
    const bytes = await res.arrayBuffer();
    const read = await (await fetch(`${h.url}/api/runsheet/preview?format=xlsx`, { method: 'POST', headers: auth, body: bytes })).json();
    expect(read.sheet).toBe('排品表');
    expect(read.unmapped).toEqual([]);
    expect(read.errors).toEqual([]);
    expect(read.rows.map((r: { sku: string; floorFen?: number; note?: string; deal: unknown }) => [r.sku, r.floorFen, r.note, r.deal !== null])).toEqual([
      ['MASK-20', 5900, '主播先上脸试用', true],
      ['LIP-03', undefined, undefined, false], // "/" in 秒杀价: no deal
      ['TOWEL-SET3', undefined, '直播价待定，开播前补上', false],
    ]);
    expect(read.warnings.map((w: { row: number; code: string }) => [w.row, w.code])).toEqual([[4, 'pending']]);
    expect((await fetch(`${h.url}/api/runsheet/template.xlsx`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } })).status).toBe(403);
  });

  it('exports the run-sheet as a workbook that reads back, and refuses viewers', async () => {
    h = await startTestHub();
    await fetch(`${h.url}/api/runsheet/import?format=csv`, { method: 'POST', headers: auth, body: csv });
    const res = await fetch(`${h.url}/api/runsheet/export.xlsx`, { headers: auth });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0];
    expect(ws.getRow(2).getCell(1).value).toBe('LIP-01');
    const viewer = await fetch(`${h.url}/api/runsheet/export.csv`, { headers: { authorization: `Bearer ${TEST_TOKENS.viewer}` } });
    expect(viewer.status).toBe(403);
    const junk = await fetch(`${h.url}/api/runsheet/import?format=xlsx`, { method: 'POST', headers: auth, body: 'not a workbook' });
    expect(junk.status).toBe(400);
  });
});
