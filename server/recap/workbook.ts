/**
 * The recap as an Excel workbook (exceljs) and as CSV tables. Money is written as numbers in yuan with
 * a ¥ format, ratios as numbers with a % format, so the brand can sum and chart them in Excel; times
 * are real date cells in the studio's time zone; platforms go by the names people use (抖音, 视频号 …).
 * CSV carries the values as people read them (yuan to the fen, percentages, local times); the
 * unrounded values are the recap JSON's.
 */
import ExcelJS from 'exceljs';
import { RFM_LABELS_ZH } from './audience.js';
import type { Report } from './report.js';

export const YUAN_FORMAT = '"¥"#,##0.00';
export const PERCENT_FORMAT = '0.00%';

export type Kind = 'text' | 'int' | 'yuan' | 'pct' | 'num' | 'time';
export interface Column {
  header: string;
  kind: Kind;
}
export interface Table {
  name: string;
  columns: Column[];
  rows: (string | number | null)[][];
}

const yuan = (fen: number) => fen / 100;

/** The names a studio uses for the platforms; an unknown platform keeps its code. */
export const PLATFORM_NAMES: Record<string, string> = { douyin: '抖音', channels: '视频号', taobao: '淘宝', mall: '商城', studio: '场控' };
const platformName = (p: string) => PLATFORM_NAMES[p] ?? p;

/** The studio's time zone: LIVEDECK_TIME_ZONE, else the hub machine's (the machine in the studio). */
export function studioTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIVEDECK_TIME_ZONE || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock time at `ms` in `timeZone`, as the fields of a UTC date (what a spreadsheet shows). */
export function wallClock(ms: number, timeZone: string): Date {
  let f = wallFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    wallFormats.set(timeZone, f);
  }
  const part = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  return new Date(Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second));
}
const pad = (n: number) => String(n).padStart(2, '0');
/** "2026-10-01 20:01:00" in the studio's time zone. */
export function wallText(ms: number, timeZone: string): string {
  const d = wallClock(ms, timeZone);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * The file name a recap export suggests: the show's title and its start in the studio's time zone
 * ("双11美妆专场-20261111-2000.xlsx"), with characters no file system takes replaced.
 */
export function recapFileName(report: Report, suffix: string, timeZone = studioTimeZone()): { name: string; ascii: string } {
  const d = wallClock(report.recap.startedAt, timeZone);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
  const title = report.recap.title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim().slice(0, 60) || 'livedeck';
  return { name: `${title}-${stamp}${suffix}`, ascii: `livedeck-${report.recap.sessionId}-${stamp}${suffix}` };
}

/** Every table of the recap, in the order the workbook and the CSV export use. */
export function recapTables(report: Report): Table[] {
  const { recap, insights, audience, titles, planned, listPrices } = report;
  const title = (sku: string) => titles[sku] ?? sku;
  const metricRows = (label: string, m: typeof recap) => [
    label, yuan(m.paidGmvFen), yuan(m.refundFen), yuan(m.netGmvFen), m.orders, m.buyers, m.units, yuan(m.aovFen),
    m.views, m.viewers, m.peakOnline, m.avgOnline, m.avgWatchSec, m.conversion, yuan(m.gpmFen),
  ];
  const metricColumns: Column[] = [
    { header: '范围 Scope', kind: 'text' },
    { header: '成交金额 Paid GMV', kind: 'yuan' },
    { header: '退款金额 Refunds', kind: 'yuan' },
    { header: '净成交 Net GMV', kind: 'yuan' },
    { header: '成交订单 Orders', kind: 'int' },
    { header: '成交人数 Buyers', kind: 'int' },
    { header: '成交件数 Units', kind: 'int' },
    { header: '客单价 AOV', kind: 'yuan' },
    { header: '观看次数 Views', kind: 'int' },
    { header: '观看人数 Viewers', kind: 'int' },
    { header: '最高在线 Peak online', kind: 'int' },
    { header: '平均在线 Avg online', kind: 'num' },
    { header: '人均观看秒 Avg watch s', kind: 'num' },
    { header: '转化率 Conversion', kind: 'pct' },
    { header: 'GPM 千次观看成交', kind: 'yuan' },
  ];
  return [
    {
      name: '概览 Summary',
      columns: metricColumns,
      rows: [metricRows(`${recap.title} (#${recap.sessionId})`, recap), ...Object.entries(recap.byPlatform).map(([p, m]) => metricRows(platformName(p), { ...recap, ...m }))],
    },
    {
      name: '商品 Items',
      columns: [
        { header: 'SKU', kind: 'text' },
        { header: '商品 Product', kind: 'text' },
        { header: '计划秒 Planned s', kind: 'int' },
        { header: '讲解秒 Live s', kind: 'num' },
        { header: '讲解期成交 Window GMV', kind: 'yuan' },
        { header: '成交金额 Paid GMV', kind: 'yuan' },
        { header: '件数 Units', kind: 'int' },
        { header: '点击率 CTR', kind: 'pct' },
        { header: '点击成交率 Click-to-buy', kind: 'pct' },
        { header: '每分钟成交 GMV/min on air', kind: 'yuan' },
        { header: '退款 Refunds', kind: 'yuan' },
        { header: '净成交 Net GMV', kind: 'yuan' },
      ],
      rows: recap.items.map((i) => [
        i.sku, title(i.sku), planned[i.sku] ?? null, i.liveSec, yuan(i.windowGmvFen), yuan(i.paidGmvFen), i.units, i.ctr, i.clickToBuy,
        i.liveSec > 0 ? yuan(i.windowGmvFen) / (i.liveSec / 60) : null, yuan(i.refundFen), yuan(i.paidGmvFen - i.refundFen),
      ]),
    },
    {
      name: '秒杀 Deals',
      columns: [
        { header: '秒杀 Deal', kind: 'text' },
        { header: '商品 Product', kind: 'text' },
        { header: '开始 Started', kind: 'time' },
        { header: '秒杀价 Price', kind: 'yuan' },
        { header: '折扣 Discount', kind: 'pct' },
        { header: '库存 Stock', kind: 'int' },
        { header: '售出 Sold', kind: 'int' },
        { header: '售罄秒 Sell-out s', kind: 'num' },
        { header: '成交金额 GMV', kind: 'yuan' },
        { header: '退款 Refunds', kind: 'yuan' },
        { header: '净成交 Net GMV', kind: 'yuan' },
      ],
      rows: recap.deals.map((d) => [
        d.dealId, title(d.sku), d.startedAt, d.priceFen === null ? null : yuan(d.priceFen),
        d.priceFen !== null && listPrices[d.sku] ? 1 - d.priceFen / listPrices[d.sku] : null, d.stock, d.sold, d.sellOutSec, yuan(d.paidGmvFen),
        yuan(d.refundFen), yuan(d.paidGmvFen - d.refundFen),
      ]),
    },
    {
      name: '平台 Platforms',
      columns: metricColumns,
      rows: Object.entries(recap.byPlatform).map(([p, m]) => metricRows(platformName(p), { ...recap, ...m })),
    },
    {
      name: '导购 Promoters',
      columns: [
        { header: '导购 Promoter', kind: 'text' },
        { header: '订单 Orders', kind: 'int' },
        { header: '件数 Units', kind: 'int' },
        { header: '成交金额 Paid GMV', kind: 'yuan' },
        { header: '退款 Refunds', kind: 'yuan' },
        { header: '规则 Rule', kind: 'text' },
        { header: '佣金 Commission', kind: 'yuan' },
      ],
      rows: insights.promoters.map((p) => [
        p.promoter, p.orders, p.units, yuan(p.paidGmvFen), yuan(p.refundFen),
        p.rule ? (p.rule.kind === 'perUnit' ? `¥${(p.rule.fen / 100).toFixed(2)}/件` : `${(p.rule.rate * 100).toFixed(2)}%`) : '—',
        yuan(p.commissionFen),
      ]),
    },
    {
      name: '待跟进 Follow-up',
      columns: [
        { header: '平台 Platform', kind: 'text' },
        { header: '用户 User', kind: 'text' },
        { header: '昵称 Nick', kind: 'text' },
        { header: '感兴趣未购 Interested in', kind: 'text' },
        { header: '提问 Questions', kind: 'text' },
        { header: '点击 Clicks', kind: 'int' },
      ],
      rows: insights.followUp.map((f) => [platformName(f.platform), f.userId, f.nick, f.skus.map(title).join('、'), f.questions.join(' / '), f.clicks]),
    },
    {
      name: '人群 Buyers',
      columns: [
        { header: '平台 Platform', kind: 'text' },
        { header: '用户 User', kind: 'text' },
        { header: '新/老 New or returning', kind: 'text' },
        { header: '最近购买天 Recency d', kind: 'num' },
        { header: '购买次数 Frequency', kind: 'int' },
        { header: '累计金额 Monetary', kind: 'yuan' },
        { header: 'RFM 分层 Segment', kind: 'text' },
      ],
      rows: audience.buyers.map((b) => [platformName(b.platform), b.userId, b.returning ? '老客' : '新客', b.recencyDays, b.frequency, yuan(b.monetaryFen), RFM_LABELS_ZH[b.segment]]),
    },
    {
      name: '分钟 Minutes',
      columns: [
        { header: '分钟 Minute', kind: 'time' },
        { header: '成交金额 GMV', kind: 'yuan' },
        { header: '订单 Orders', kind: 'int' },
        { header: '件数 Units', kind: 'int' },
        { header: '评论 Comments', kind: 'int' },
        { header: '在线 Online', kind: 'int' },
        { header: '进入 Enters', kind: 'int' },
        { header: '点击 Clicks', kind: 'int' },
      ],
      rows: recap.minutes.map((m) => [m.minute, yuan(m.gmvFen), m.orders, m.units, m.comments, m.online, m.enters, m.clicks]),
    },
  ];
}

export const TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const FORMATS: Partial<Record<Kind, string>> = { yuan: YUAN_FORMAT, pct: PERCENT_FORMAT, num: '#,##0.00', int: '#,##0', time: TIME_FORMAT };

export function recapWorkbook(report: Report, timeZone = studioTimeZone()): ExcelJS.Workbook {
  return tablesWorkbook(recapTables(report), new Date(report.recap.endAt), timeZone);
}

/**
 * Tables as a workbook: a sheet each, the header row bold and frozen, each column in its kind's number
 * format. A `time` cell holding epoch ms becomes a date cell showing the wall clock in `timeZone`.
 */
export function tablesWorkbook(tables: readonly Table[], created: Date, timeZone = studioTimeZone()): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'LiveDeck';
  wb.created = created;
  for (const table of tables) {
    const ws = wb.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = table.columns.map((c) => ({ header: c.header, width: Math.max(12, Math.min(40, c.header.length * 1.6)), style: FORMATS[c.kind] ? { numFmt: FORMATS[c.kind] } : {} }));
    ws.getRow(1).font = { bold: true };
    const times = table.columns.map((c) => c.kind === 'time');
    for (const row of table.rows) ws.addRow(row.map((v, i) => (times[i] && typeof v === 'number' ? wallClock(v, timeZone) : v)));
    table.columns.forEach((c, i) => {
      if (c.kind === 'time') ws.getColumn(i + 1).width = 20;
    });
  }
  return wb;
}

export async function writeRecapXlsx(report: Report, file: string, timeZone = studioTimeZone()): Promise<void> {
  await recapWorkbook(report, timeZone).xlsx.writeFile(file);
}

const csvCell = (v: string | number | null) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** A value as a person reads it in a CSV: yuan to the fen, ratios as percentages, times on the studio's clock. */
function displayValue(v: string | number | null, kind: Kind, timeZone: string): string | number | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v;
  switch (kind) {
    case 'yuan':
      return v.toFixed(2);
    case 'num':
      return String(Math.round(v * 100) / 100);
    case 'pct':
      return `${(v * 100).toFixed(2)}%`;
    case 'time':
      return wallText(v, timeZone);
    default:
      return v;
  }
}

/** One table as CSV with a BOM, so Excel opens Chinese text correctly; values rounded for reading (see {@link displayValue}). */
export function tableCsv(table: Table, timeZone = studioTimeZone()): string {
  const kinds = table.columns.map((c) => c.kind);
  const lines = [table.columns.map((c) => csvCell(c.header)).join(','), ...table.rows.map((r) => r.map((v, i) => csvCell(displayValue(v, kinds[i], timeZone))).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
