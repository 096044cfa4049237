import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../server/cli/main.js';
import { closeClients, connect, eventually, startTestHub, TEST_TOKENS } from '../support/hub.js';
import { tempDir, writeWorkbook } from './helpers.js';

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function showWorkbook(dir: string): Promise<string> {
  return writeWorkbook(path.join(dir, '排品表.xlsx'), [
    {
      rows: [
        ['双11美妆专场排品表'],
        ['商品编码', '商品名称', '原价', '直播价', '讲解时长', '卖点', '话术', '秒杀价', '秒杀库存', '限购'],
        ['MASK-01', '玻尿酸面膜', 129.9, 99, '5分钟', '补水', '扣1上链接', 69, 200, 2],
        ['LIP-02', '丝绒口红', '¥1,299.00', null, '04:30', '', '', null, null, null],
        ['PAN-06', '麦饭石炒锅', '面议', 199, 6, '', '', null, null, null],
        ['TEA-04', '大红袍', 268, 158, '300秒', '', '', null, null, null],
      ],
      merges: ['A1:J1'],
    },
  ]);
}

describe('livedeck runsheet', () => {
  it('imports a workbook, reports the bad row on stderr, and lists the items in order as JSON', async () => {
    const dir = tempDir('runsheet-cli');
    const db = path.join(dir, 'studio.db');
    const file = await showWorkbook(dir);

    expect(await main(['runsheet', 'import', file, '--db', db])).toBe(0);
    expect(out).toEqual([`Imported 3 items from ${file} (as the run-sheet; 3 new products, 0 updated).`]);
    expect(err).toEqual(['row 5: 原价 “面议” is not a price; write yuan like 129.9 or ¥1,299.00', '1 row not imported (above).']);

    out = [];
    expect(await main(['runsheet', 'list', '--db', db, '--json'])).toBe(0);
    const items = JSON.parse(out.join('\n')) as Record<string, unknown>[];
    expect(items.map((i) => Object.keys(i))).toEqual(
      items.map(() => ['sku', 'title', 'listPriceFen', 'livePriceFen', 'plannedSec', 'sellingPoints', 'script', 'deal', 'coupon', 'floorFen', 'note', 'linkNo', 'itemId']),
    );
    expect(items.map(({ itemId: _id, ...rest }) => rest)).toEqual([
      // 129.9 → 12990, 99 → 9900, 5分钟 → 300, 秒杀价 69 → 6900 with the preset's default 60-second length
      {
        sku: 'MASK-01',
        title: '玻尿酸面膜',
        listPriceFen: 12990,
        livePriceFen: 9900,
        plannedSec: 300,
        sellingPoints: '补水',
        script: '扣1上链接',
        deal: { priceFen: 6900, stock: 200, perUserLimit: 2, durationSec: 60 },
        coupon: null,
        floorFen: null,
        note: '',
        linkNo: null,
      },
      // ¥1,299.00 → 129900, 04:30 → 4 × 60 + 30 = 270
      { sku: 'LIP-02', title: '丝绒口红', listPriceFen: 129900, livePriceFen: null, plannedSec: 270, sellingPoints: '', script: '', deal: null, coupon: null, floorFen: null, note: '', linkNo: null },
      { sku: 'TEA-04', title: '大红袍', listPriceFen: 26800, livePriceFen: 15800, plannedSec: 300, sellingPoints: '', script: '', deal: null, coupon: null, floorFen: null, note: '', linkNo: null },
    ]);

    out = [];
    expect(await main(['runsheet', 'list', '--db', db])).toBe(0);
    const table = out.join('\n');
    expect(table).toMatch(/^\s+#\s+SKU\s+商品/);
    expect(table).toMatch(/1\s+MASK-01\s+玻尿酸面膜\s+¥129\.90\s+¥99\.00\s+5:00\s+¥69\.00 × 200/);
    expect(table).toContain('3 items, 14:30 planned'); // 300 + 270 + 300 = 870 s
  });

  it('appends with --append and replaces without it', async () => {
    const dir = tempDir('runsheet-cli');
    const db = path.join(dir, 'studio.db');
    const file = await showWorkbook(dir);
    await main(['runsheet', 'import', file, '--db', db]);
    expect(await main(['runsheet', 'import', file, '--db', db, '--append'])).toBe(0);
    expect(out.at(-1)).toBe(`Imported 3 items from ${file} (appended to the run-sheet; 0 new products, 3 updated).`);
    expect(await main(['runsheet', 'import', file, '--db', db])).toBe(0);
    expect(out.at(-1)).toBe(`Imported 3 items from ${file} (replacing 6 earlier items; 0 new products, 3 updated).`);
  });

  it('exports by extension, and the export imports back to the same list', async () => {
    const dir = tempDir('runsheet-cli');
    const db = path.join(dir, 'studio.db');
    await main(['runsheet', 'import', await showWorkbook(dir), '--db', db]);
    for (const ext of ['xlsx', 'csv']) {
      const exported = path.join(dir, `export.${ext}`);
      const copy = path.join(dir, `copy-${ext}.db`);
      out = [];
      expect(await main(['runsheet', 'export', exported, '--db', db])).toBe(0);
      expect(out).toEqual([`Wrote 3 items to ${exported}.`]);
      expect(await main(['runsheet', 'import', exported, '--db', copy])).toBe(0);
      out = [];
      await main(['runsheet', 'list', '--db', db, '--json']);
      await main(['runsheet', 'list', '--db', copy, '--json']);
      const [a, b] = out.map((s) => (JSON.parse(s) as { itemId?: number }[]).map(({ itemId: _id, ...rest }) => rest));
      expect(b).toEqual(a);
    }
  });

  it('exits 1 and imports nothing when no row is good, saying which columns it could not find', async () => {
    const dir = tempDir('runsheet-cli');
    const db = path.join(dir, 'studio.db');
    const file = path.join(dir, 'odd.csv');
    fs.writeFileSync(file, 'Artikel,Preis\nA-1,12.5\n');
    expect(await main(['runsheet', 'import', file, '--db', db])).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'row 1: No column for 商品编码 (SKU), 商品名称 (product name), 原价 (list price), 讲解时长 (slot length): rename those headers or map the columns.',
      'Headers in row 1 of “odd.csv”: Artikel, Preis',
      'Not recognised: Artikel, Preis',
      `Nothing imported from ${file}.`,
    ]);
  });

  it('imports while a studio runs on the same file: the running hub pushes the new run-sheet to its screens, and a reorder with the new rows works', async () => {
    const running = await startTestHub();
    try {
      const control = await connect(running.url, '/control', TEST_TOKENS.operator, '场控');
      let pushed: { sku: string; itemId: number }[] | null = null;
      control.on('tick', (t: { runsheet?: { sku: string; itemId: number }[] }) => {
        if (t.runsheet) pushed = t.runsheet;
      });
      const before = running.hub.ctx.live.runsheet.map((i) => i.itemId);

      const file = await showWorkbook(tempDir('runsheet-cli'));
      expect(await main(['runsheet', 'import', file, '--db', running.dbFile])).toBe(0);
      expect(out.at(-1)).toBe(`A studio running on ${running.dbFile} shows this run-sheet within a second.`);

      // The hub was not told; it sees another process's commit in its file and pushes it on a tick.
      const fresh = await eventually(() => {
        expect(pushed?.map((i) => i.sku)).toEqual(['MASK-01', 'LIP-02', 'TEA-04']);
        return pushed!;
      }, 8000);
      expect(running.hub.ctx.live.catalog.map((p) => p.sku)).toEqual(expect.arrayContaining(['MASK-01', 'LIP-02', 'TEA-04']));

      // A screen still holding the old rows is refused with a code it can translate …
      const stale = await control.emitWithAck('runsheet.reorder', { itemIds: [...before, 999] });
      expect(stale).toMatchObject({ ok: false, error: { code: 'stale_order' } });
      // … and the order it now has (Alt+↑ on the last row) goes through.
      const ids = fresh.map((i) => i.itemId);
      const moved = [ids[0], ids[2], ids[1]];
      expect(await control.emitWithAck('runsheet.reorder', { itemIds: moved })).toEqual({ ok: true, itemIds: moved });
    } finally {
      closeClients();
      await running.stop();
    }
  });

  it('answers a wrong command with a sentence and exit code 2', async () => {
    const dir = tempDir('runsheet-cli');
    expect(await main(['runsheet', 'export', path.join(dir, 'out.pdf'), '--db', path.join(dir, 'x.db')])).toBe(2);
    expect(err[0]).toBe(`Name the file .xlsx or .csv (got ${path.join(dir, 'out.pdf')}).`);
    expect(await main(['runsheet', 'import', path.join(dir, 'missing.xlsx')])).toBe(2);
    expect(await main(['runsheet', 'list', '--db', path.join(dir, 'none.db')])).toBe(2);
    expect(await main(['runsheet', 'frobnicate'])).toBe(2);
  });
});
