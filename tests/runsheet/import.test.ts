import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedSku } from '../../server/rules/index.js';
import { applyRunsheet, readRunsheetFile, RunsheetFileError, writeRunsheetFile } from '../../server/runsheet/index.js';
import { tempDir, tempRepo, writeWorkbook } from './helpers.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'runsheets');
const TIME = 'hh:mm:ss';
/** Errors as the CLI prints them: row and sentence (each also carries its coded issues). */
const messages = (errors: { row: number; message: string }[]) => errors.map(({ row, message }) => ({ row, message }));

describe('a studio’s Excel run-sheet (排品表)', () => {
  it('finds the header under a merged title, imports good rows with exact fen and seconds, and reports the bad rows by number', async () => {
    const file = await writeWorkbook(path.join(tempDir(), '双11.xlsx'), [
      {
        rows: [
          ['双11美妆专场排品表'],
          ['主播：小美　　日期：11月11日 20:00'],
          ['序号', '商品编码', '商品名称', '原价', '直播价', '讲解时长', '核心卖点', '讲解话术', '秒杀价', '秒杀库存', '限购'],
          [1, 'MASK-01', '玻尿酸面膜 20片', 129.9, '¥99.00', '5分钟', '补水', '家人们看这个面膜', 69, 200, 2],
          [2, 'LIP-02', '丝绒口红礼盒', '¥1,299.00', 999, 5, '显白', '', null, null, null],
          [3, 'SERUM-03', '烟酰胺精华', 19.99, 0.1 + 0.2, '5min', '', '', null, null, null],
          [],
          [4, 'TEA-04', '大红袍', 268, { formula: 'D8*0.7', result: 268 * 0.7 }, { value: 5 / 1440, numFmt: TIME }, '', '', null, null, null],
          [5, null, '浴巾三件套', 159, 79.9, '300秒', '', '', null, null, null],
          [6, 'PAN-06', '麦饭石炒锅', '面议', 199, '05:00', '', '', null, null, null],
          [7, 'BEEF-07', '牛肉干', 128, 69.8, '00:05:00', '', '', 49.9, '300件', '不限'],
          ['第二场 21:00'],
          [8, 'NUT-08', '每日坚果', 169, 89.9, '4.5', '', '', null, null, null],
          [9, 'SOAP-09', '手工皂', 39, 19.9, '300s', '', '', null, null, null],
          ['合计', null, null, null, null, '39.5', null, null, null, null, null],
        ],
        merges: ['A1:K1', 'A2:K2', 'A12:K12'],
      },
    ]);

    const result = await readRunsheetFile(file);

    expect(result.headerRow).toBe(3);
    // 序号 is the order of the shopping bag: the link number (链接号) viewers ask for.
    expect(result.unmapped).toEqual([]);
    expect(result.mapping).toEqual({
      linkNo: 1,
      sku: 2,
      title: 3,
      listPrice: 4,
      livePrice: 5,
      plannedTime: 6,
      sellingPoints: 7,
      script: 8,
      dealPrice: 9,
      dealStock: 10,
      perUserLimit: 11,
    });
    expect(messages(result.errors)).toEqual([{ row: 10, message: '原价 “面议” is not a price; write yuan like 129.9 or ¥1,299.00' }]);
    expect(result.rows.map((r) => [r.row, r.sku, r.listPriceFen, r.livePriceFen, r.plannedSec])).toEqual([
      [4, 'MASK-01', 129 * 100 + 90, 99 * 100, 5 * 60], // 129.9 → 12990; "¥99.00" → 9900; 5分钟 → 300
      [5, 'LIP-02', 1299 * 100, 999 * 100, 5 * 60], // "¥1,299.00" → 129900; bare 5 is minutes
      [6, 'SERUM-03', 19 * 100 + 99, 30, 5 * 60], // 19.99 → 1999; 0.1 + 0.2 = 0.30000000000000004 → 30
      [8, 'TEA-04', 268 * 100, 18760, 5 * 60], // 268 × 0.7 = 187.6 (a formula's cached result) → 18760; an Excel time 00:05:00
      [9, generatedSku('浴巾三件套'), 159 * 100, 79 * 100 + 90, 300], // no code: one made from the name, with a warning
      [11, 'BEEF-07', 128 * 100, 69 * 100 + 80, 5 * 60], // "00:05:00" typed as text
      [13, 'NUT-08', 169 * 100, 89 * 100 + 90, 4 * 60 + 30], // 4.5 minutes → 270
      [14, 'SOAP-09', 39 * 100, 19 * 100 + 90, 300], // 300s
    ]);
    expect(result.warnings).toEqual([{ row: 9, code: 'sku_generated', field: 'sku', params: { sku: generatedSku('浴巾三件套') }, message: expect.stringContaining('商品编码 (SKU) is empty') }]);
    const mask = result.rows[0];
    expect(mask).toEqual({
      row: 4,
      sku: 'MASK-01',
      title: '玻尿酸面膜 20片',
      listPriceFen: 12990,
      livePriceFen: 9900,
      plannedSec: 300,
      sellingPoints: '补水',
      script: '家人们看这个面膜',
      deal: { priceFen: 6900, stock: 200, perUserLimit: 2 },
      linkNo: 1,
    });
    expect(result.rows[1].deal).toBeNull();
    // 49.9 → 4990; "300件" → 300; 不限 → the preset's largest limit, 1000
    expect(result.rows.find((r) => r.sku === 'BEEF-07')?.deal).toEqual({ priceFen: 4990, stock: 300, perUserLimit: 1000 });
  });

  it('reads a two-level header: 价格 over 原价/直播价, 秒杀 over 价格/库存/限购/时长, and cells merged down', async () => {
    const file = await writeWorkbook(path.join(tempDir(), 'two-level.xlsx'), [
      {
        rows: [
          ['618 家居专场'],
          ['商品编码', '商品名称', '价格', null, '讲解时长', '秒杀', null, null, null, '卖点'],
          [null, null, '原价', '直播价', null, '价格', '库存', '限购', '时长', null],
          ['TOWEL-1', '浴巾', 159, 79.9, 6, 49.9, 300, 2, '90秒', '长绒棉，吸水'],
          ['TOWEL-2', '毛巾', 59, 29.9, 3, null, null, null, null, null],
        ],
        merges: ['A1:J1', 'A2:A3', 'B2:B3', 'C2:D2', 'E2:E3', 'F2:I2', 'J2:J3', 'J4:J5'],
      },
    ]);

    const result = await readRunsheetFile(file);

    expect(result.headerRow).toBe(3);
    expect(result.mapping).toEqual({
      sku: 1,
      title: 2,
      listPrice: 3,
      livePrice: 4,
      plannedTime: 5,
      dealPrice: 6,
      dealStock: 7,
      perUserLimit: 8,
      dealDuration: 9,
      sellingPoints: 10,
    });
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      // 秒杀·时长 "90秒" is the deal's length; 讲解时长 6 is the slot's, 6 × 60 = 360 seconds
      {
        row: 4,
        sku: 'TOWEL-1',
        title: '浴巾',
        listPriceFen: 15900,
        livePriceFen: 7990,
        plannedSec: 360,
        sellingPoints: '长绒棉，吸水',
        script: '',
        deal: { priceFen: 4990, stock: 300, perUserLimit: 2, durationSec: 90 },
      },
      // 卖点 merged down over both rows belongs to both
      { row: 5, sku: 'TOWEL-2', title: '毛巾', listPriceFen: 5900, livePriceFen: 2990, plannedSec: 180, sellingPoints: '长绒棉，吸水', script: '', deal: null },
    ]);
  });

  it('reads English headers from a CSV with a BOM, CRLF, and quoted commas, quotes and line breaks in the script', async () => {
    const csv =
      '\uFEFFSKU,Product Name,List Price,Live Price,Duration (min),Selling Points,Script,Deal Price,Deal Stock,Limit per user,Deal duration (s)\r\n' +
      'MASK-01,Hydrating mask,129.9,99,5,"Hydrates, soothes","Hi all, welcome!\r\nSay ""mask"" in chat\nto get the link",69,200,2,90\r\n' +
      '\r\n' +
      'LIP-02,"Velvet lipstick, 3 shades","¥1,299.00",,4.5,,,,,,\r\n';
    const file = path.join(tempDir(), 'english.csv');
    fs.writeFileSync(file, csv);

    const result = await readRunsheetFile(file);

    expect(result.headerRow).toBe(1);
    expect(result.unmapped).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      {
        row: 2,
        sku: 'MASK-01',
        title: 'Hydrating mask',
        listPriceFen: 12990,
        livePriceFen: 9900,
        plannedSec: 300,
        sellingPoints: 'Hydrates, soothes',
        script: 'Hi all, welcome!\nSay "mask" in chat\nto get the link',
        deal: { priceFen: 6900, stock: 200, perUserLimit: 2, durationSec: 90 },
      },
      // record 3 is blank; the quoted newline in record 2 does not shift the numbering
      { row: 4, sku: 'LIP-02', title: 'Velvet lipstick, 3 shades', listPriceFen: 129900, plannedSec: 270, sellingPoints: '', script: '', deal: null },
    ]);
  });

  it('reads the GB18030 CSV that Excel on a Chinese Windows saves, keeping a ="00123" SKU’s leading zeros', async () => {
    const result = await readRunsheetFile(path.join(fixtures, 'excel-gb18030.csv'));
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => [r.sku, r.title, r.listPriceFen, r.livePriceFen, r.plannedSec, r.sellingPoints])).toEqual([
      ['00123', '丝绒口红', 29900, 15900, 300, '显白, 不拔干'], // 5分钟
      ['TEA-9', '大红袍 250g', 26800, 15800, 360, '岩韵'], // 00:06:00
    ]);
  });

  it('returns the unrecognised headers when required columns are missing, and imports with the mapping a user chose', async () => {
    const file = await writeWorkbook(path.join(tempDir(), 'german.xlsx'), [
      {
        rows: [
          ['Artikel', 'Bezeichnung', 'Preis EUR', 'Minuten', 'Notiz'],
          ['A-1', 'Maske', 12.5, 5, 'x'],
          ['A-2', 'Lippenstift', 30, '4:30', ''],
        ],
      },
    ]);

    const first = await readRunsheetFile(file);
    expect(first.rows).toEqual([]);
    expect(first.missing).toEqual(['sku', 'title', 'listPrice', 'plannedTime']);
    expect(first.unmapped).toEqual(['Artikel', 'Bezeichnung', 'Preis EUR', 'Minuten', 'Notiz']);
    expect(first.headers).toEqual([
      { column: 1, text: 'Artikel' },
      { column: 2, text: 'Bezeichnung' },
      { column: 3, text: 'Preis EUR' },
      { column: 4, text: 'Minuten' },
      { column: 5, text: 'Notiz' },
    ]);
    expect(messages(first.errors)).toEqual([
      { row: 1, message: 'No column for 商品编码 (SKU), 商品名称 (product name), 原价 (list price), 讲解时长 (slot length): rename those headers or map the columns.' },
    ]);

    const mapped = await readRunsheetFile(file, { mapping: { sku: 1, title: 2, listPrice: 3, plannedTime: 4 } });
    expect(mapped.missing).toEqual([]);
    expect(mapped.unmapped).toEqual(['Notiz']);
    expect(mapped.rows.map((r) => [r.sku, r.title, r.listPriceFen, r.plannedSec])).toEqual([
      ['A-1', 'Maske', 1250, 300], // 12.5 → 1250; 5 minutes
      ['A-2', 'Lippenstift', 3000, 270], // 4:30 → 4 × 60 + 30
    ]);
  });

  it('lets a mapping override a recognised column', async () => {
    const file = path.join(tempDir(), 'override.csv');
    fs.writeFileSync(file, '商品编码,商品名称,原价,吊牌价,时长\nA,面膜,100,129.9,5\n');
    // Both 原价 and 吊牌价 name the list price; the better word wins, unless the user says otherwise.
    expect((await readRunsheetFile(file)).rows[0].listPriceFen).toBe(10000);
    const chosen = await readRunsheetFile(file, { mapping: { listPrice: 4 } });
    expect(chosen.rows[0].listPriceFen).toBe(12990);
    expect(chosen.unmapped).toEqual(['原价']);
  });

  it('takes title and list price from the catalog for a SKU it already knows', async () => {
    const file = path.join(tempDir(), 'known.csv');
    fs.writeFileSync(file, '商品编码,讲解时长\nMASK-01,5\nNEW-1,3\n');
    const result = await readRunsheetFile(file, { catalog: [{ sku: 'MASK-01', title: '面膜', listPriceFen: 12990 }] });
    expect(result.rows).toEqual([{ row: 2, sku: 'MASK-01', title: '面膜', listPriceFen: 12990, plannedSec: 300, sellingPoints: '', script: '', deal: null }]);
    expect(messages(result.errors)).toEqual([{ row: 3, message: '商品名称 (product name) is empty, and NEW-1 is not in the catalog; 原价 (list price) is empty, and NEW-1 is not in the catalog' }]);
  });

  it('says what is wrong with each bad row, all of it in one sentence', async () => {
    const file = path.join(tempDir(), 'bad.csv');
    fs.writeFileSync(
      file,
      ['商品编码,商品名称,原价,讲解时长,秒杀价,秒杀库存,限购,秒杀时长', 'A,面膜,12.345,五分钟,,,,', 'B,口红,99,0,,,,', 'C,精华,99,5,59,,,', 'D,茶叶,99,5,,,2,', 'E,锅,99,5,59,100,,3'].join('\n'),
    );
    const result = await readRunsheetFile(file);
    expect(result.rows).toEqual([]);
    expect(messages(result.errors)).toEqual([
      { row: 2, message: '原价 “12.345” has fractions of a fen; round it to 2 decimals; 讲解时长 “五分钟” is not a length of time; write minutes like 5, 4.5, 5分钟, 05:00 or seconds like 300秒' },
      { row: 3, message: '讲解时长: a slot lasts at least 1 second' },
      { row: 4, message: '秒杀价 is set but 秒杀库存 (deal stock) is empty' },
      { row: 5, message: '限购 set but 秒杀价 (deal price) is empty' },
      { row: 6, message: '秒杀时长: a deal lasts at least 5 seconds' },
    ]);
    // Limits carry their own codes and numbers, for the UI's words: a 0-minute slot, a 3-second deal.
    expect(result.errors.map((e) => e.issues.map((i) => [i.code, i.field, i.params?.min]))).toEqual([
      [
        ['fen_fraction', 'listPrice', undefined],
        ['not_duration', 'plannedTime', undefined],
      ],
      [['too_small', 'plannedTime', 1]],
      [['deal_without_stock', 'dealStock', undefined]],
      [['orphan', 'dealPrice', undefined]],
      [['too_small', 'dealDuration', 5]],
    ]);
  });

  it('reads coupon presets (满 X 减 Y) from the coupon columns, and says what is wrong with a bad one', async () => {
    const file = path.join(tempDir(), 'coupons.csv');
    fs.writeFileSync(
      file,
      [
        '商品编码,商品名称,原价,讲解时长,优惠券名称,门槛,优惠券,张数,限领,发券时长(分钟)',
        'A,面膜,129,5,粉丝券,129,20,300,2,2.5',
        'B,口红,99,5,,,5,100,,',
        'C,精华,99,5,,,,,2,',
        'D,茶叶,99,5,,50,60,100,,',
        'E,锅,99,5,,,10,,,',
        'F,毛巾,39,5,,,,,,',
      ].join('\n'),
    );
    const result = await readRunsheetFile(file);
    expect(result.unmapped).toEqual([]);
    expect(result.rows.map((r) => [r.sku, r.coupon])).toEqual([
      // 2.5 minutes: the header's unit
      ['A', { title: '粉丝券', thresholdFen: 12900, discountFen: 2000, quantity: 300, perUserLimit: 2, durationSec: 150 }],
      // no threshold: 无门槛; limit and duration left to the preset's defaults
      ['B', { discountFen: 500, quantity: 100 }],
      ['F', null],
    ]);
    expect(messages(result.errors)).toEqual([
      { row: 4, message: '限领 set but 优惠券 (coupon discount) is empty' },
      { row: 5, message: '优惠券: the discount must be under the threshold (满 X 减 Y: Y < X)' },
      { row: 6, message: '优惠券 is set but 张数 (coupon quantity) is empty' },
    ]);
  });

  it('picks the sheet that holds the run-sheet', async () => {
    const file = await writeWorkbook(path.join(tempDir(), 'sheets.xlsx'), [
      { name: '说明', rows: [['填表说明：价格单位为元']] },
      {
        name: '排品',
        rows: [
          ['货号', '品名', '日常价', '时长'],
          ['X', '杯子', 39, 2],
        ],
      },
    ]);
    const result = await readRunsheetFile(file);
    expect(result.sheet).toBe('排品');
    expect(result.rows.map((r) => r.sku)).toEqual(['X']);
  });

  it('refuses an old .xls workbook with a sentence that says what to do', async () => {
    const file = path.join(tempDir(), 'old.xls');
    fs.writeFileSync(file, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    const err = await readRunsheetFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunsheetFileError);
    expect(err).toMatchObject({ code: 'unsupported_format', message: expect.stringMatching(/save it as \.xlsx or CSV/) });
  });

  it('reads bytes as well as paths, telling xlsx from CSV by the bytes', async () => {
    const file = await writeWorkbook(path.join(tempDir(), 'bytes.xlsx'), [
      {
        rows: [
          ['SKU', 'Title', 'Price', 'Minutes'],
          ['A', 'Cup', 9.9, 1],
        ],
      },
    ]);
    const result = await readRunsheetFile(fs.readFileSync(file));
    expect(result.rows.map((r) => [r.sku, r.listPriceFen, r.plannedSec])).toEqual([['A', 990, 60]]);
  });
});

describe('a title is not a group header', () => {
  it('does not read a sheet titled 秒杀 as the deal columns’ group', async () => {
    const file = await writeWorkbook(path.join(tempDir(), 'title.xlsx'), [{ rows: [['秒杀'], ['商品编码', '商品名称', '原价', '时长'], ['A', '杯子', 39, 2]], merges: ['A1:D1'] }]);
    const result = await readRunsheetFile(file);
    // 时长 under a whole-width "秒杀" title is still the slot length: 2 minutes, not a 2-second deal
    expect(result.mapping).toEqual({ sku: 1, title: 2, listPrice: 3, plannedTime: 4 });
    expect(result.rows.map((r) => r.plannedSec)).toEqual([120]);
  });
});

describe('a sheet written with a studio’s habits', () => {
  it('reads "/" as no deal, 待定 as a price to come (with a warning), keeps 备注 and 品牌底价, and normalises full-width codes', async () => {
    const file = path.join(tempDir(), 'habits.csv');
    fs.writeFileSync(
      file,
      [
        '商品编码,商品名称,原价,直播价,讲解时长,秒杀价,秒杀库存,限购,品牌底价,备注',
        '　ＣＬ－０１ ,氨基酸洁面乳,89,49,5,/,/,/,40,主播先试用',
        'OIL-02,卸妆油,129,待定,5,69,100,2,79,',
        'TOWEL-03,浴巾,159,79.9,4,待定,,,,样品在左边桌上',
      ].join('\n'),
    );
    const result = await readRunsheetFile(file);
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => [r.sku, r.livePriceFen, r.deal, r.floorFen, r.note])).toEqual([
      ['CL-01', 4900, null, 4000, '主播先试用'], // full-width code, outer spaces: CL-01; "/" in every deal column: no deal
      ['OIL-02', undefined, { priceFen: 6900, stock: 100, perUserLimit: 2 }, 7900, undefined], // 待定 live price: left empty
      ['TOWEL-03', 7990, null, undefined, '样品在左边桌上'], // 待定 deal price: no deal yet
    ]);
    expect(result.warnings.map((w) => [w.row, w.code, w.field, w.params])).toEqual([
      [3, 'pending', 'livePrice', { value: '待定' }],
      // 69 < 79: firing it will ask for a confirmed override
      [3, 'deal_under_floor', 'dealPrice', { price: '69.00', floor: '79.00' }],
      [4, 'pending', 'dealPrice', { value: '待定' }],
    ]);
  });

  it('imports one product twice in two slots (返场) with a note naming the other row', async () => {
    const file = path.join(tempDir(), 'encore.csv');
    fs.writeFileSync(file, ['商品编码,商品名称,原价,讲解时长', 'A,面膜,99,5', 'B,口红,199,5', 'A,面膜,99,3'].join('\n'));
    const result = await readRunsheetFile(file);
    expect(result.rows.map((r) => [r.row, r.sku, r.plannedSec])).toEqual([
      [2, 'A', 300],
      [3, 'B', 300],
      [4, 'A', 180],
    ]);
    expect(result.warnings.map((w) => [w.row, w.code, w.params?.rows])).toEqual([
      [2, 'repeated_sku', '4'],
      [4, 'repeated_sku', '2'],
    ]);
  });

  it('flags one 链接号 on two rows for two products, on both rows, and not the same product in two slots', async () => {
    const file = path.join(tempDir(), 'links.csv');
    fs.writeFileSync(file, ['链接号,商品编码,商品名称,原价,讲解时长', '7,A,面膜,99,5', '7,B,口红,199,5', '8,C,精华,299,5', '8,C,精华,299,3'].join('\n'));
    const result = await readRunsheetFile(file);
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => [r.row, r.sku, r.linkNo])).toEqual([
      [2, 'A', 7],
      [3, 'B', 7],
      [4, 'C', 8],
      [5, 'C', 8],
    ]);
    const linkWarnings = result.warnings.filter((w) => w.code === 'repeated_link_no').map((w) => [w.row, w.params]);
    expect(linkWarnings).toEqual([
      [2, { linkNo: '7', rows: '3', titles: '口红' }],
      [3, { linkNo: '7', rows: '2', titles: '面膜' }],
    ]);
  });

  it('refuses a code on two rows for two products, both rows, each naming the other', async () => {
    const file = path.join(tempDir(), 'dup.csv');
    fs.writeFileSync(file, ['商品编码,商品名称,原价,直播价,讲解时长', 'CL-01,洁面乳,89,49,5', 'X,杯子,39,29,3', 'CL-01,卸妆油,129,79,5'].join('\n'));
    const result = await readRunsheetFile(file);
    expect(result.rows.map((r) => r.sku)).toEqual(['X']);
    expect(messages(result.errors)).toEqual([
      { row: 2, message: '商品编码 CL-01 is also on row 4 (卸妆油 ¥129.00) for a different product; give each product its own code' },
      { row: 4, message: '商品编码 CL-01 is also on row 2 (洁面乳 ¥89.00) for a different product; give each product its own code' },
    ]);
  });
});

describe('the link number (链接号, 小黄车序号)', () => {
  it('reads it under the headers studios write, as 7, "#7", "7号" or "7号链接", keeps it through export and import, and refuses one out of range', async () => {
    for (const header of ['链接号', '小黄车', '序号', 'Link No.', '小黄车序号']) {
      const file = await writeWorkbook(path.join(tempDir(), 'links.xlsx'), [
        {
          rows: [
            [header, '商品编码', '商品名称', '原价', '讲解时长'],
            [7, 'MASK-01', '面膜', 129, 5],
            ['#8', 'LIP-02', '口红', 199, 5],
            ['9号', 'TEA-03', '大红袍', 268, 5],
            ['10号链接', 'SOAP-04', '手工皂', 39, 5],
            [null, 'NUT-05', '坚果', 89, 5],
            [1000, 'PAN-06', '炒锅', 399, 5],
          ],
        },
      ]);
      const result = await readRunsheetFile(file);
      expect(result.mapping.linkNo, header).toBe(1);
      expect(result.rows.map((r) => [r.sku, r.linkNo])).toEqual([
        ['MASK-01', 7],
        ['LIP-02', 8],
        ['TEA-03', 9],
        ['SOAP-04', 10],
        ['NUT-05', undefined],
      ]);
      // The bag numbers at most 999 links.
      expect(result.errors).toEqual([
        {
          row: 7,
          message: expect.stringContaining('a link number is at most 999'),
          issues: [expect.objectContaining({ code: 'too_big', field: 'linkNo', params: expect.objectContaining({ max: 999 }) })],
        },
      ]);
    }
  });

  it('keeps it through the store and an export read back', async () => {
    const { repo } = tempRepo();
    try {
      const rows = [
        { row: 2, sku: 'MASK-01', title: '面膜', listPriceFen: 12900, plannedSec: 300, sellingPoints: '', script: '', deal: null, linkNo: 7 },
        { row: 3, sku: 'LIP-02', title: '口红', listPriceFen: 19900, plannedSec: 300, sellingPoints: '', script: '', deal: null },
      ];
      applyRunsheet(repo, rows, { mode: 'replace', at: Date.now(), actor: 'test' });
      expect(repo.runsheet().map((i) => i.linkNo ?? null)).toEqual([7, null]);
      for (const ext of ['xlsx', 'csv']) {
        const file = path.join(tempDir(), `out.${ext}`);
        await writeRunsheetFile(repo.runsheet(), repo.catalog(), file);
        expect((await readRunsheetFile(file)).rows.map((r) => r.linkNo)).toEqual([7, undefined]);
      }
    } finally {
      repo.db.close();
    }
  });
});
