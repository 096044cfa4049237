/**
 * The period report as an Excel workbook (a sheet per table) and as CSV (a file per table), headers in
 * the reader's language. Money is a number in yuan rounded to the fen, with a ¥ number format, so the
 * brand can add up the 导购 statement in Excel; text cells in CSV are guarded against formulas.
 */
import type ExcelJS from 'exceljs';
import { csvField, formatCsv } from '../output/csv.js';
import { tablesWorkbook, type Column, type Kind, type Table } from '../recap/workbook.js';
import type { PeriodReport } from './compute.js';

export type ExportLang = 'zh-CN' | 'en';

/** The tables in workbook and CSV order (`GET /api/reports/csv/N`). */
export const PERIOD_TABLES = ['summary', 'shows', 'skus', 'promoters'] as const;
export type PeriodTableName = (typeof PERIOD_TABLES)[number];

/** Headers and words, per language. The hub's only words for people outside an error message. */
const WORDS = {
  'zh-CN': {
    sheet: { summary: '概览', shows: '场次', skus: '商品', promoters: '导购结算' },
    from: '开始日期',
    to: '结束日期（不含）',
    platform: '平台',
    all: '全部平台',
    shows: '场次',
    liveMin: '直播分钟',
    paidGmv: '成交金额',
    refund: '退款金额',
    netGmv: '净成交',
    orders: '成交订单',
    units: '成交件数',
    buyers: '成交人数',
    viewers: '观看人数',
    newBuyers: '新客',
    returningBuyers: '老客',
    repeatBuyers: '复购人数',
    repeatRate: '复购率',
    conversion: '转化率',
    session: '场次编号',
    title: '标题',
    startedAt: '开始时间',
    gpm: 'GPM 千次观看成交',
    sku: 'SKU',
    product: '商品',
    onAir: '上播场次',
    airMin: '讲解分钟',
    gmvPerMin: '每讲解分钟成交',
    lowYield: '占时低效',
    promoter: '导购',
    rule: '佣金规则',
    commission: '佣金',
    noRule: '未设置',
    perUnit: '每件',
    ofGmv: '成交额',
    yes: '是',
    no: '',
  },
  en: {
    sheet: { summary: 'Summary', shows: 'Shows', skus: 'Products', promoters: 'Promoter statement' },
    from: 'From',
    to: 'To (exclusive)',
    platform: 'Platform',
    all: 'All platforms',
    shows: 'Shows',
    liveMin: 'Live minutes',
    paidGmv: 'Paid GMV',
    refund: 'Refunds',
    netGmv: 'Net GMV',
    orders: 'Orders',
    units: 'Units',
    buyers: 'Buyers',
    viewers: 'Viewers',
    newBuyers: 'New buyers',
    returningBuyers: 'Returning buyers',
    repeatBuyers: 'Repeat buyers',
    repeatRate: 'Repeat rate',
    conversion: 'Conversion',
    session: 'Session',
    title: 'Title',
    startedAt: 'Started',
    gpm: 'GPM',
    sku: 'SKU',
    product: 'Product',
    onAir: 'Shows on air',
    airMin: 'Minutes on air',
    gmvPerMin: 'GMV per minute on air',
    lowYield: 'Airtime, few sales',
    promoter: 'Promoter',
    rule: 'Commission rule',
    commission: 'Commission',
    noRule: 'not set',
    perUnit: 'per unit',
    ofGmv: 'of GMV',
    yes: 'yes',
    no: '',
  },
} as const;

/** Money as the workbook writes it: yuan, rounded to the fen. */
const yuan = (fen: number) => Math.round(fen) / 100;
const minutes = (sec: number) => Math.round((sec / 60) * 100) / 100;
const pad = (n: number) => String(n).padStart(2, '0');
/** Local date and time (the machine exporting is the studio's). */
function when(ms: number, withTime = true): string {
  const d = new Date(ms);
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return withTime ? `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}` : day;
}

/** Every table of the period report, in {@link PERIOD_TABLES} order. */
export function periodTables(report: PeriodReport, lang: ExportLang = 'zh-CN'): Table[] {
  const w = WORDS[lang];
  const col = (header: string, kind: Kind): Column => ({ header, kind });
  const t = report.totals;
  const midnight = (ms: number) => new Date(ms).getHours() === 0 && new Date(ms).getMinutes() === 0;
  const day = (ms: number) => when(ms, !midnight(ms));
  return [
    {
      name: w.sheet.summary,
      columns: [
        col(w.from, 'text'),
        col(w.to, 'text'),
        col(w.platform, 'text'),
        col(w.shows, 'int'),
        col(w.liveMin, 'num'),
        col(w.paidGmv, 'yuan'),
        col(w.refund, 'yuan'),
        col(w.netGmv, 'yuan'),
        col(w.orders, 'int'),
        col(w.units, 'int'),
        col(w.buyers, 'int'),
        col(w.viewers, 'int'),
        col(w.conversion, 'pct'),
        col(w.newBuyers, 'int'),
        col(w.returningBuyers, 'int'),
        col(w.repeatBuyers, 'int'),
        col(w.repeatRate, 'pct'),
      ],
      rows: [
        [
          day(report.from),
          day(report.to),
          report.platform ?? w.all,
          t.shows,
          minutes(t.liveSec),
          yuan(t.paidGmvFen),
          yuan(t.refundFen),
          yuan(t.netGmvFen),
          t.orders,
          t.units,
          t.buyers,
          t.viewers,
          t.conversion,
          t.newBuyers,
          t.returningBuyers,
          t.repeatBuyers,
          t.repeatRate,
        ],
      ],
    },
    {
      name: w.sheet.shows,
      columns: [
        col(w.session, 'int'),
        col(w.title, 'text'),
        col(w.startedAt, 'text'),
        col(w.liveMin, 'num'),
        col(w.paidGmv, 'yuan'),
        col(w.refund, 'yuan'),
        col(w.netGmv, 'yuan'),
        col(w.orders, 'int'),
        col(w.units, 'int'),
        col(w.buyers, 'int'),
        col(w.viewers, 'int'),
        col(w.conversion, 'pct'),
        col(w.gpm, 'yuan'),
      ],
      rows: report.shows.map((s) => [
        s.sessionId,
        s.title,
        when(s.startedAt),
        minutes(s.liveSec),
        yuan(s.paidGmvFen),
        yuan(s.refundFen),
        yuan(s.netGmvFen),
        s.orders,
        s.units,
        s.buyers,
        s.viewers,
        s.conversion,
        yuan(s.gpmFen),
      ]),
    },
    {
      name: w.sheet.skus,
      columns: [
        col(w.sku, 'text'),
        col(w.product, 'text'),
        col(w.onAir, 'int'),
        col(w.airMin, 'num'),
        col(w.paidGmv, 'yuan'),
        col(w.units, 'int'),
        col(w.buyers, 'int'),
        col(w.gmvPerMin, 'yuan'),
        col(w.lowYield, 'text'),
      ],
      rows: report.skus.map((s) => [
        s.sku,
        s.title,
        s.shows,
        minutes(s.liveSec),
        yuan(s.paidGmvFen),
        s.units,
        s.buyers,
        s.gmvPerLiveMinFen === null ? null : yuan(s.gmvPerLiveMinFen),
        s.lowYield ? w.yes : w.no,
      ]),
    },
    {
      name: w.sheet.promoters,
      columns: [
        col(w.promoter, 'text'),
        col(w.orders, 'int'),
        col(w.units, 'int'),
        col(w.paidGmv, 'yuan'),
        col(w.refund, 'yuan'),
        col(w.netGmv, 'yuan'),
        col(w.rule, 'text'),
        col(w.commission, 'yuan'),
      ],
      rows: report.promoters.map((p) => [
        p.promoter,
        p.orders,
        p.units,
        yuan(p.paidGmvFen),
        yuan(p.refundFen),
        yuan(p.netGmvFen),
        !p.rule ? w.noRule : p.rule.kind === 'perUnit' ? `¥${(p.rule.fen / 100).toFixed(2)} ${w.perUnit}` : `${(p.rule.rate * 100).toFixed(2)}% ${w.ofGmv}`,
        yuan(p.commissionFen),
      ]),
    },
  ];
}

export function periodWorkbook(report: PeriodReport, lang: ExportLang = 'zh-CN'): ExcelJS.Workbook {
  return tablesWorkbook(periodTables(report, lang), new Date());
}

/** One table as CSV (BOM, CRLF); text cells that look like formulas are guarded (see `csvField`). */
export function periodCsv(table: Table): string {
  const textColumn = table.columns.map((c) => c.kind === 'text');
  return formatCsv([table.columns.map((c) => csvField(c.header, { text: true })), ...table.rows.map((r) => r.map((v, i) => csvField(v, { text: textColumn[i] })))]);
}

export { periodFileName } from './file-name.js';
