/**
 * The recap as an Excel workbook (exceljs) and as CSV tables. Money is written as numbers in yuan with
 * a ¥ format, ratios as numbers with a % format, so the brand can sum and chart them in Excel; times
 * are real date cells in the studio's time zone; platforms go by the names people use (抖音, 视频号 …).
 * Sheet names, headers and words in the reader's language (the UI's, `?lang=`), or both side by side
 * when none is asked for (the CLI, a script). CSV carries the values as people read them (yuan to the
 * fen, percentages, local times); the unrounded values are the recap JSON's.
 */
import ExcelJS from 'exceljs';
import { csvField, formatCsv } from '../output/csv.js';
import { RFM_LABELS_EN, RFM_LABELS_ZH } from './audience.js';
import { platformName as platformNameIn } from '../rules/index.js';
import type { Report } from './report.js';
import { studioTimeZone, wallClock, wallText } from './wall-clock.js';

export { recapFileName, studioTimeZone, wallClock, wallText } from './wall-clock.js';

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

/** The language of an export's words; none: Chinese and English side by side. */
export type RecapLang = 'zh-CN' | 'en';

/** `?lang=` as the recap exports read it: a language they have, or none (both). */
export function recapLang(value: string | null | undefined): RecapLang | undefined {
  return value === 'zh-CN' || value === 'en' ? value : undefined;
}

/** Every table of the recap, in the order the workbook and the CSV export use. */
export function recapTables(report: Report, lang?: RecapLang): Table[] {
  const { recap, insights, audience, titles, planned, listPrices } = report;
  /** A word in the export's language (both, when it has none). */
  const w = (zh: string, en: string): string => (lang === 'zh-CN' ? zh : lang === 'en' ? en : zh.includes(en) ? zh : `${zh} ${en}`);
  /** A platform by the name people use, in the export's language (cells read Chinese in a two-language file). */
  const platformName = (p: string): string => platformNameIn(p, lang === 'en' ? 'en' : 'zh-CN');
  const col = (zh: string, en: string, kind: Kind): Column => ({ header: w(zh, en), kind });
  const title = (sku: string) => titles[sku] ?? sku;
  const metricRows = (label: string, m: typeof recap) => [
    label,
    yuan(m.paidGmvFen),
    yuan(m.refundFen),
    yuan(m.netGmvFen),
    m.orders,
    m.buyers,
    m.units,
    yuan(m.aovFen),
    m.views,
    m.viewers,
    m.peakOnline,
    m.avgOnline,
    m.avgWatchSec,
    m.conversion,
    yuan(m.gpmFen),
  ];
  const metricColumns: Column[] = [
    col('范围', 'Scope', 'text'),
    col('成交金额', 'Paid GMV', 'yuan'),
    col('退款金额', 'Refunds', 'yuan'),
    col('净成交', 'Net GMV', 'yuan'),
    col('成交订单', 'Orders', 'int'),
    col('成交人数', 'Buyers', 'int'),
    col('成交件数', 'Units', 'int'),
    col('客单价', 'AOV', 'yuan'),
    col('观看次数', 'Views', 'int'),
    col('观看人数', 'Viewers', 'int'),
    col('最高在线', 'Peak online', 'int'),
    col('平均在线', 'Avg online', 'num'),
    col('人均观看秒', 'Avg watch s', 'num'),
    col('转化率', 'Conversion', 'pct'),
    col('GPM 千次观看成交', 'GPM', 'yuan'),
  ];
  return [
    {
      name: w('概览', 'Summary'),
      columns: metricColumns,
      rows: [
        metricRows(`${recap.title} (#${recap.sessionId})`, recap),
        ...Object.entries(recap.byPlatform).map(([p, m]) => metricRows(platformName(p), { ...recap, ...m })),
        // Orders a live room reported without an amount, priced at the catalog: inside the figures above, said apart.
        ...(report.estimated?.orders
          ? [
              [
                w('其中估算（按目录价）', 'of which estimated (catalog price)'),
                yuan(report.estimated.paidGmvFen),
                null,
                null,
                report.estimated.orders,
                ...Array<null>(metricColumns.length - 5).fill(null),
              ],
            ]
          : []),
      ],
    },
    {
      name: w('商品', 'Items'),
      columns: [
        col('SKU', 'SKU', 'text'),
        col('商品', 'Product', 'text'),
        col('计划秒', 'Planned s', 'int'),
        col('讲解秒', 'Live s', 'num'),
        col('讲解期成交', 'Window GMV', 'yuan'),
        col('成交金额', 'Paid GMV', 'yuan'),
        col('件数', 'Units', 'int'),
        col('点击率', 'CTR', 'pct'),
        col('点击成交率', 'Click-to-buy', 'pct'),
        col('每分钟成交', 'GMV/min on air', 'yuan'),
        col('退款', 'Refunds', 'yuan'),
        col('净成交', 'Net GMV', 'yuan'),
      ],
      rows: recap.items.map((i) => [
        i.sku,
        title(i.sku),
        planned[i.sku] ?? null,
        i.liveSec,
        yuan(i.windowGmvFen),
        yuan(i.paidGmvFen),
        i.units,
        i.ctr,
        i.clickToBuy,
        i.liveSec > 0 ? yuan(i.windowGmvFen) / (i.liveSec / 60) : null,
        yuan(i.refundFen),
        yuan(i.paidGmvFen - i.refundFen),
      ]),
    },
    {
      name: w('秒杀', 'Deals'),
      columns: [
        col('秒杀', 'Deal', 'text'),
        col('商品', 'Product', 'text'),
        col('开始', 'Started', 'time'),
        col('秒杀价', 'Price', 'yuan'),
        col('折扣', 'Discount', 'pct'),
        col('库存', 'Stock', 'int'),
        col('售出', 'Sold', 'int'),
        col('售罄秒', 'Sell-out s', 'num'),
        col('成交金额', 'GMV', 'yuan'),
        col('退款', 'Refunds', 'yuan'),
        col('净成交', 'Net GMV', 'yuan'),
      ],
      rows: recap.deals.map((d) => [
        d.dealId,
        title(d.sku),
        d.startedAt,
        d.priceFen === null ? null : yuan(d.priceFen),
        d.priceFen !== null && listPrices[d.sku] ? 1 - d.priceFen / listPrices[d.sku] : null,
        d.stock,
        d.sold,
        d.sellOutSec,
        yuan(d.paidGmvFen),
        yuan(d.refundFen),
        yuan(d.paidGmvFen - d.refundFen),
      ]),
    },
    {
      name: w('平台', 'Platforms'),
      columns: metricColumns,
      rows: Object.entries(recap.byPlatform).map(([p, m]) => metricRows(platformName(p), { ...recap, ...m })),
    },
    {
      name: w('导购', 'Promoters'),
      columns: [
        col('导购', 'Promoter', 'text'),
        col('订单', 'Orders', 'int'),
        col('件数', 'Units', 'int'),
        col('成交金额', 'Paid GMV', 'yuan'),
        col('退款', 'Refunds', 'yuan'),
        col('规则', 'Rule', 'text'),
        col('佣金', 'Commission', 'yuan'),
      ],
      rows: insights.promoters.map((p) => [
        p.promoter,
        p.orders,
        p.units,
        yuan(p.paidGmvFen),
        yuan(p.refundFen),
        p.rule ? (p.rule.kind === 'perUnit' ? `¥${(p.rule.fen / 100).toFixed(2)}/${lang === 'en' ? 'unit' : '件'}` : `${(p.rule.rate * 100).toFixed(2)}%`) : '—',
        yuan(p.commissionFen),
      ]),
    },
    {
      name: w('待跟进', 'Follow-up'),
      columns: [
        col('平台', 'Platform', 'text'),
        col('用户', 'User', 'text'),
        col('昵称', 'Nick', 'text'),
        col('感兴趣未购', 'Interested in', 'text'),
        col('提问', 'Questions', 'text'),
        col('点击', 'Clicks', 'int'),
      ],
      rows: insights.followUp.map((f) => [platformName(f.platform), f.userId, f.nick, f.skus.map(title).join('、'), f.questions.join(' / '), f.clicks]),
    },
    {
      name: w('人群', 'Buyers'),
      columns: [
        col('平台', 'Platform', 'text'),
        col('用户', 'User', 'text'),
        col('新/老', 'New or returning', 'text'),
        col('最近购买天', 'Recency d', 'num'),
        col('购买次数', 'Frequency', 'int'),
        col('累计金额', 'Monetary', 'yuan'),
        col('RFM', '分层 Segment', 'text'),
      ],
      rows: audience.buyers.map((b) => [
        platformName(b.platform),
        b.userId,
        b.returning ? (lang === 'en' ? 'returning' : '老客') : lang === 'en' ? 'new' : '新客',
        b.recencyDays,
        b.frequency,
        yuan(b.monetaryFen),
        (lang === 'en' ? RFM_LABELS_EN : RFM_LABELS_ZH)[b.segment],
      ]),
    },
    {
      name: w('分钟', 'Minutes'),
      columns: [
        col('分钟', 'Minute', 'time'),
        col('成交金额', 'GMV', 'yuan'),
        col('订单', 'Orders', 'int'),
        col('件数', 'Units', 'int'),
        col('评论', 'Comments', 'int'),
        col('在线', 'Online', 'int'),
        col('进入', 'Enters', 'int'),
        col('点击', 'Clicks', 'int'),
      ],
      rows: recap.minutes.map((m) => [m.minute, yuan(m.gmvFen), m.orders, m.units, m.comments, m.online, m.enters, m.clicks]),
    },
    {
      name: w('优惠券', 'Coupons'),
      columns: [
        col('优惠券', 'Coupon', 'text'),
        col('名称', 'Title', 'text'),
        col('发放', 'Dropped', 'time'),
        col('门槛', 'Threshold', 'yuan'),
        col('面额', 'Discount', 'yuan'),
        col('数量', 'Quantity', 'int'),
        col('已领', 'Claimed', 'int'),
        col('领取率', 'Claim rate', 'pct'),
        col('领完秒', 'Claimed out s', 'num'),
      ],
      rows: recap.coupons.map((c) => [
        c.couponId,
        c.title,
        c.droppedAt,
        yuan(c.thresholdFen),
        yuan(c.discountFen),
        c.quantity,
        c.claimed,
        c.quantity > 0 ? c.claimed / c.quantity : null,
        c.claimedOutSec,
      ]),
    },
  ];
}

export const TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
const FORMATS: Partial<Record<Kind, string>> = { yuan: YUAN_FORMAT, pct: PERCENT_FORMAT, num: '#,##0.00', int: '#,##0', time: TIME_FORMAT };

export function recapWorkbook(report: Report, lang?: RecapLang, timeZone = studioTimeZone()): ExcelJS.Workbook {
  return tablesWorkbook(recapTables(report, lang), new Date(report.recap.endAt), timeZone);
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
  await recapWorkbook(report, undefined, timeZone).xlsx.writeFile(file);
}

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

/**
 * One table as CSV (BOM, CRLF), values rounded for reading (see {@link displayValue}). Text cells
 * (nicknames, comments, titles: anyone's words) are guarded against formulas by the one guard every
 * CSV uses (server/output/csv.ts); a number written as text (−12.50) is not.
 */
export function tableCsv(table: Table, timeZone = studioTimeZone()): string {
  const kinds = table.columns.map((c) => c.kind);
  return formatCsv([table.columns.map((c) => csvField(c.header)), ...table.rows.map((r) => r.map((v, i) => csvField(displayValue(v, kinds[i], timeZone), { text: kinds[i] === 'text' })))]);
}
