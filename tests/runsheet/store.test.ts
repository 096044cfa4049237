import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/cli/studio.js';
import { applyRunsheet, listRunsheet, readRunsheetFile, writeRunsheetFile, YUAN_FORMAT, type ImportedRow, type ListedItem } from '../../server/runsheet/index.js';
import { createRepository, openDb, type Repository } from '../../server/store/index.js';
import { readCells, tempDir, tempRepo } from './helpers.js';

const AT = Date.UTC(2026, 10, 11, 12);
const open: Repository[] = [];
const fresh = () => {
  const { repo, file } = tempRepo();
  open.push(repo);
  return { repo, file };
};
afterEach(() => {
  for (const repo of open.splice(0)) repo.db.close();
});

const row = (over: Partial<ImportedRow> & Pick<ImportedRow, 'sku'>): ImportedRow => ({
  row: 2,
  title: over.sku,
  listPriceFen: 10000,
  plannedSec: 300,
  sellingPoints: '',
  script: '',
  deal: null,
  ...over,
});

/** Rows chosen to be hard to round-trip: odd seconds, a fen, a million yuan, script text Excel would run as a formula. */
const hardRows: ImportedRow[] = [
  row({
    sku: 'MASK-01',
    title: '玻尿酸面膜 20片',
    listPriceFen: 12990,
    livePriceFen: 9900,
    plannedSec: 290,
    sellingPoints: '补水, 保湿',
    script: '家人们，"扣1"\n上链接！\n三、二、一',
    deal: { priceFen: 6900, stock: 200, perUserLimit: 2, durationSec: 90, autoFireAtSec: 120 },
    coupon: { title: '粉丝专享', thresholdFen: 12900, discountFen: 2001, quantity: 300, perUserLimit: 2, durationSec: 150 },
  }),
  row({ sku: '00123', title: '口红', listPriceFen: 1, plannedSec: 1, script: '=SUM(A1) 不是公式', sellingPoints: '- 显白\n- 不拔干' }),
  row({
    sku: 'PAN-06',
    title: '炒锅',
    listPriceFen: 129_999_999,
    livePriceFen: 100_000_001,
    plannedSec: 3600,
    script: '+1 买一送一',
    deal: { priceFen: 1, stock: 1_000_000 },
    coupon: { discountFen: 1, quantity: 1 },
  }),
  row({ sku: 'MASK-01', title: '玻尿酸面膜 20片', listPriceFen: 12990, livePriceFen: 9900, plannedSec: 125, script: '返场' }),
];
const withoutIds = (items: ListedItem[]) => items.map(({ itemId: _id, ...rest }) => rest);

describe('applyRunsheet', () => {
  it('upserts the products and replaces the run-sheet in order, in one transaction with one audit entry', () => {
    const { repo } = fresh();
    repo.upsertProduct({ sku: 'PAN-06', title: '旧名', listPriceFen: 50000, floorRatio: 0.5, imageUrl: 'https://img.example/pan.jpg' }, AT - 1000);
    repo.insertItem({ sku: 'PAN-06', plannedSec: 60, sellingPoints: '', script: '', dealPreset: null }, 0);

    const result = applyRunsheet(repo, hardRows, { mode: 'replace', at: AT, actor: 'test', source: 'show.xlsx' });

    // MASK-01 twice and 00123 are new; PAN-06 was known
    expect(result).toEqual({ items: 4, removed: 1, productsCreated: 2, productsUpdated: 1, productsArchived: 0 });
    expect(listRunsheet(repo).map((i) => [i.sku, i.plannedSec])).toEqual([
      ['MASK-01', 290],
      ['00123', 1],
      ['PAN-06', 3600],
      ['MASK-01', 125],
    ]);
    // the product keeps what a run-sheet does not carry
    expect(repo.catalog().find((p) => p.sku === 'PAN-06')).toEqual({
      sku: 'PAN-06',
      title: '炒锅',
      listPriceFen: 129_999_999,
      livePriceFen: 100_000_001,
      floorRatio: 0.5,
      imageUrl: 'https://img.example/pan.jpg',
    });
    // a deal without limit or duration takes the preset's defaults: 1 per user, 60 seconds
    expect(repo.runsheet()[2].dealPreset).toEqual({ priceFen: 1, stock: 1_000_000, perUserLimit: 1, durationSec: 60 });
    // likewise a coupon without threshold, limit or duration: 无门槛, 1 a buyer, 300 seconds
    expect(repo.runsheet()[2].couponPreset).toEqual({ discountFen: 1, quantity: 1, perUserLimit: 1, durationSec: 300 });
    expect(repo.runsheet()[0].couponPreset).toEqual({ title: '粉丝专享', thresholdFen: 12900, discountFen: 2001, quantity: 300, perUserLimit: 2, durationSec: 150 });
    expect(repo.auditTail(1)[0]).toMatchObject({
      at: AT,
      actor: 'test',
      action: 'runsheet.import',
      detail: { mode: 'replace', source: 'show.xlsx', items: 4, removed: 1, productsCreated: 2, productsUpdated: 1, productsArchived: 0 },
    });
  });

  it('appends after the last item', () => {
    const { repo } = fresh();
    applyRunsheet(repo, hardRows.slice(0, 2), { mode: 'replace', at: AT, actor: 'test' });
    const result = applyRunsheet(repo, hardRows.slice(2), { mode: 'append', at: AT, actor: 'test' });
    expect(result).toMatchObject({ items: 2, removed: 0 });
    expect(listRunsheet(repo).map((i) => i.sku)).toEqual(['MASK-01', '00123', 'PAN-06', 'MASK-01']);
  });

  it('writes nothing when any row is invalid, and never clears the run-sheet with an empty import', () => {
    const { repo } = fresh();
    applyRunsheet(repo, hardRows.slice(0, 1), { mode: 'replace', at: AT, actor: 'test' });
    const before = listRunsheet(repo);
    expect(() => applyRunsheet(repo, [hardRows[1], row({ sku: 'BAD', row: 7, plannedSec: 0 })], { mode: 'replace', at: AT, actor: 'test' })).toThrow(
      /Run-sheet row 7 \(BAD\): plannedSec a slot lasts at least 1 second/,
    );
    expect(applyRunsheet(repo, [], { mode: 'replace', at: AT, actor: 'test' })).toEqual({ items: 0, removed: 0, productsCreated: 0, productsUpdated: 0, productsArchived: 0 });
    expect(listRunsheet(repo)).toEqual(before);
    expect(repo.catalog().map((p) => p.sku)).toEqual(['MASK-01']);
  });
});

describe('listRunsheet', () => {
  it('joins each item with its product, with the documented keys, money in fen and time in seconds', () => {
    const { repo } = fresh();
    applyRunsheet(repo, hardRows.slice(0, 2), { mode: 'replace', at: AT, actor: 'test' });
    const [mask, lip] = listRunsheet(repo);
    expect(Object.keys(mask)).toEqual(['sku', 'title', 'listPriceFen', 'livePriceFen', 'plannedSec', 'sellingPoints', 'script', 'deal', 'coupon', 'floorFen', 'note', 'linkNo', 'itemId']);
    expect(mask).toMatchObject({
      sku: 'MASK-01',
      title: '玻尿酸面膜 20片',
      listPriceFen: 12990,
      livePriceFen: 9900,
      plannedSec: 290,
      deal: { priceFen: 6900, stock: 200, perUserLimit: 2, durationSec: 90, autoFireAtSec: 120 },
    });
    expect(mask.coupon).toEqual({ title: '粉丝专享', thresholdFen: 12900, discountFen: 2001, quantity: 300, perUserLimit: 2, durationSec: 150 });
    expect(lip).toMatchObject({ sku: '00123', listPriceFen: 1, livePriceFen: null, deal: null, coupon: null });
  });
});

describe('export → import round-trips', () => {
  for (const format of ['xlsx', 'csv'] as const) {
    it(`gives back the same items, fen and seconds through ${format}`, async () => {
      const { repo: a } = fresh();
      applyRunsheet(a, hardRows, { mode: 'replace', at: AT, actor: 'test' });
      const file = path.join(tempDir(), `排品表.${format}`);
      expect(await writeRunsheetFile(a.runsheet(), a.catalog(), file)).toBe(4);

      const read = await readRunsheetFile(file);
      expect(read.errors).toEqual([]);
      expect(read.unmapped).toEqual([]);
      const { repo: b } = fresh();
      applyRunsheet(b, read.rows, { mode: 'replace', at: AT, actor: 'test' });

      expect(withoutIds(listRunsheet(b))).toEqual(withoutIds(listRunsheet(a)));
      expect(listRunsheet(b)[0].script).toBe('家人们，"扣1"\n上链接！\n三、二、一');
      expect(listRunsheet(b)[1].script).toBe('=SUM(A1) 不是公式');
    });
  }

  it('round-trips the demo show, long scripts and auto-fire deals included', async () => {
    const dir = tempDir();
    const demoDb = path.join(dir, 'demo.db');
    seedDemo(demoDb, AT);
    const demo = createRepository(openDb(demoDb));
    open.push(demo);
    for (const format of ['xlsx', 'csv'] as const) {
      const file = path.join(dir, `demo.${format}`);
      await writeRunsheetFile(demo.runsheet(), demo.catalog(), file);
      const { repo } = fresh();
      const read = await readRunsheetFile(file);
      expect(read.errors).toEqual([]);
      applyRunsheet(repo, read.rows, { mode: 'replace', at: AT, actor: 'test' });
      expect(withoutIds(listRunsheet(repo))).toEqual(withoutIds(listRunsheet(demo)));
    }
  });

  it('writes xlsx money as yuan numbers with a ¥ format, minutes as a number, under Chinese headers', async () => {
    const { repo } = fresh();
    applyRunsheet(repo, hardRows, { mode: 'replace', at: AT, actor: 'test' });
    const file = path.join(tempDir(), 'out.xlsx');
    await writeRunsheetFile(repo.runsheet(), repo.catalog(), file);
    const ws = await readCells(file);
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
      '商品编码',
      '商品名称',
      '原价(元)',
      '直播价(元)',
      '讲解时长(分钟)',
      '卖点',
      '话术',
      '秒杀价(元)',
      '秒杀库存',
      '限购',
      '秒杀时长(秒)',
      '开秒时间(秒)',
      '优惠券名称',
      '券门槛(元)',
      '券面额(元)',
      '发券张数',
      '每人限领',
      '发券时长(秒)',
      '品牌底价(元)',
      '备注',
      '链接号',
    ]);
    expect(ws.getCell('N2').value).toBe(129); // 券门槛 12900 fen
    expect(ws.getCell('O2').value).toBe(20.01);
    expect(ws.getCell('O2').numFmt).toBe(YUAN_FORMAT);
    expect(ws.getCell('C2').value).toBe(129.9); // 12990 / 100
    expect(ws.getCell('C2').numFmt).toBe(YUAN_FORMAT);
    expect(ws.getCell('E2').value).toBe(290 / 60); // 4.8333… minutes, read back as Math.round(4.8333… × 60) = 290
    expect(ws.getCell('E4').value).toBe(60); // 3600 / 60
    expect(ws.getCell('C3').value).toBe(0.01);
    expect(ws.getCell('A3').value).toBe('00123'); // text, so Excel keeps the zeros
  });

  it('writes CSV with a BOM, exact yuan decimals, and formula-like text guarded', async () => {
    const { repo } = fresh();
    applyRunsheet(repo, hardRows.slice(1, 3), { mode: 'replace', at: AT, actor: 'test' });
    const file = path.join(tempDir(), 'out.csv');
    await writeRunsheetFile(repo.runsheet(), repo.catalog(), file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('\uFEFF商品编码,商品名称,原价(元)')).toBe(true);
    expect(text).toContain(`00123,口红,0.01,,${1 / 60},"'- 显白\n- 不拔干",'=SUM(A1) 不是公式,,,,,,,,,,,,,,\r\n`);
    expect(text).toContain("PAN-06,炒锅,1299999.99,1000000.01,60,,'+1 买一送一,0.01,1000000,1,60,,,,0.01,1,1,300,,,\r\n");
  });
});
