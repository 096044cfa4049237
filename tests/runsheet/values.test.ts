import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/runsheet/csv.js';
import { recogniseHeader } from '../../server/runsheet/fields.js';
import { fenToYuanString, parseCount, parseDurationSec, parsePriceFen } from '../../server/runsheet/values.js';

const fen = (value: string | number, unit?: 'yuan' | 'fen') => {
  const r = parsePriceFen({ value }, unit);
  return r.ok ? r.value : r.reason;
};
const sec = (value: string | number | Date, defaultUnit: 'sec' | 'min' = 'min', numFmt?: string) => {
  const r = parseDurationSec({ value, numFmt }, defaultUnit);
  return r.ok ? r.value : r.reason;
};

describe('prices in yuan become integer fen exactly', () => {
  it('reads the digits of a decimal string, never multiplying a float by 100', () => {
    expect(fen('129.9')).toBe(129 * 100 + 90); // 12990
    expect(fen('¥1,299.00')).toBe(1299 * 100); // 129900
    expect(fen('99')).toBe(99 * 100); // 9900
    expect(fen('￥ 19.99 元')).toBe(19 * 100 + 99); // 1999
    expect(fen('RMB1,000,000.01')).toBe(1_000_000 * 100 + 1); // 100000001
    expect(fen('１２９．９')).toBe(12990); // full-width digits, as Chinese IMEs type them
    expect(fen('0.1')).toBe(10);
    expect(fen('.5')).toBe(50);
    expect(fen('129.900')).toBe(12990); // zeros past the fen change nothing
  });

  it('takes a float cell to the nearest fen only when it is within a hair of one', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(fen(0.1 + 0.2)).toBe(30); // 0.30000000000000004 yuan
    expect(19.99 * 100).not.toBe(1999); // 1998.9999999999998: why we never truncate
    expect(fen(19.99)).toBe(1999);
    expect(fen(129.9 * 0.7)).toBe(9093); // 90.92999999999999 yuan, a formula's result
    expect(fen(1_299_999.99)).toBe(129_999_999);
    expect(fen(100 / 3)).toMatch(/fractions of a fen/); // 33.333… yuan
    expect(fen(1_000_000.001)).toMatch(/fractions of a fen/); // a tenth of a fen on a million yuan
  });

  it('refuses what is not a price, with a sentence that says how to write one', () => {
    expect(fen('面议')).toBe('“面议” is not a price; write yuan like 129.9 or ¥1,299.00');
    expect(fen('12.345')).toMatch(/fractions of a fen/);
    expect(fen('-5')).toMatch(/negative/);
    expect(fen('1,29.9')).toMatch(/is not a price/);
    expect(fen('99-129')).toMatch(/is not a price/);
  });

  it('reads fen when the header says so', () => {
    expect(fen('12990', 'fen')).toBe(12990);
    expect(fen('129.9', 'fen')).toMatch(/not a whole number of fen/);
  });

  it('writes fen back as a yuan string on integers', () => {
    expect(fenToYuanString(12990)).toBe('129.90');
    expect(fenToYuanString(1)).toBe('0.01');
    expect(fenToYuanString(129_999_999)).toBe('1299999.99');
  });
});

describe('slot lengths become whole seconds', () => {
  it('reads every way studios write five minutes as 5 × 60 = 300 seconds', () => {
    for (const written of ['5分钟', '5', '5min', '5 分', '5分', '5 mins', '00:05:00', '05:00', '300秒', '300s', '300 sec', '5m']) {
      expect(sec(written), written).toBe(300);
    }
    expect(sec(5)).toBe(300);
  });

  it('reads fractions, compounds and ranges', () => {
    expect(sec('4.5')).toBe(4.5 * 60); // 270
    expect(sec(4.5)).toBe(270);
    expect(sec('4分30秒')).toBe(4 * 60 + 30); // 270
    expect(sec('4分30')).toBe(270);
    expect(sec('4m30s')).toBe(270);
    expect(sec('1小时')).toBe(3600);
    expect(sec('1h5m')).toBe(3600 + 5 * 60); // 3900
    expect(sec('20:00-20:10')).toBe(10 * 60); // 600
    expect(sec('23:55-00:05')).toBe(10 * 60); // over midnight
    expect(sec(290 / 60)).toBe(290); // 4.833333333333333 minutes, as an export writes 4:50
  });

  it('reads Excel time cells as a fraction of a day', () => {
    expect(sec(5 / 1440, 'min', 'hh:mm:ss')).toBe(300); // 5 min / (24 × 60 min)
    expect(sec(new Date(Date.UTC(1899, 11, 30, 0, 5, 0)))).toBe(300);
    expect(sec(new Date(Date.UTC(2024, 10, 11, 20, 0, 0)))).toMatch(/is a date, not a length of time/);
  });

  it('uses the default unit for a bare number', () => {
    expect(sec('90', 'sec')).toBe(90);
    expect(sec('1.5分钟', 'sec')).toBe(90);
  });

  it('refuses what is not a length of time', () => {
    expect(sec('五分钟')).toMatch(/^“五分钟” is not a length of time; write minutes like 5/);
    expect(sec('5:75')).toMatch(/not a length of time/);
    expect(sec('soon')).toMatch(/not a length of time/);
  });
});

describe('counts', () => {
  it('reads stock and limits, and 不限 as the largest limit', () => {
    expect(parseCount({ value: '1,000件' })).toEqual({ ok: true, value: 1000 });
    expect(parseCount({ value: 300 })).toEqual({ ok: true, value: 300 });
    expect(parseCount({ value: '不限' }, { unlimited: 1000 })).toEqual({ ok: true, value: 1000 });
    expect(parseCount({ value: 2.5 }).ok).toBe(false);
  });
});

describe('headers', () => {
  it('recognises the words studios write, with slack for spaces, brackets and units', () => {
    const field = (h: string) => recogniseHeader(h)?.field ?? null;
    expect(field('商品编码')).toBe('sku');
    expect(field(' 款号 ')).toBe('sku');
    expect(field('商品ID')).toBe('sku');
    expect(field('SKU ID')).toBe('sku');
    expect(field('品名*')).toBe('title');
    expect(field('吊牌价（元）')).toBe('listPrice');
    expect(field('到手价/元')).toBe('livePrice');
    expect(field('【直播价】')).toBe('livePrice'); // brackets around the whole header are decoration
    expect(field('讲解时长(分钟)')).toBe('plannedTime');
    expect(field('讲解时长分钟')).toBe('plannedTime');
    expect(field('Duration (min)')).toBe('plannedTime');
    expect(field('核心卖点')).toBe('sellingPoints');
    expect(field('讲解话术')).toBe('script');
    expect(field('秒杀价')).toBe('dealPrice');
    expect(field('库存')).toBe('dealStock');
    expect(field('每人限购')).toBe('perUserLimit');
    expect(field('Per-user limit')).toBe('perUserLimit');
    expect(field('秒杀时长（秒）')).toBe('dealDuration');
    expect(field('双11美妆专场排品表')).toBe(null);
  });

  it('keeps the unit a header names', () => {
    expect(recogniseHeader('讲解时长(秒)')?.unit).toBe('sec');
    expect(recogniseHeader('讲解时长（分钟）')?.unit).toBe('min');
    expect(recogniseHeader('秒杀时长/s')?.unit).toBe('sec');
    expect(recogniseHeader('原价(元)')?.unit).toBe('yuan');
  });
});

describe('CSV by RFC 4180', () => {
  it('keeps delimiters, doubled quotes and line breaks inside quoted fields', () => {
    expect(parseCsv('a,"b, c","say ""hi""\r\nbye"\r\nd,,\n')).toEqual([
      ['a', 'b, c', 'say "hi"\r\nbye'],
      ['d', '', ''],
    ]);
  });

  it('finds a tab or semicolon delimiter from the first line', () => {
    expect(parseCsv('a\tb\n1\t2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a;b\n1,5;2')).toEqual([
      ['a', 'b'],
      ['1,5', '2'],
    ]);
  });
});
