/**
 * `livedeck report --from DATE --to DATE [--platform P] [--json] [--xlsx OUT] [--lang zh-CN|en]`: the
 * period report (月度复盘, DESIGN §12) of the shows started in [from, to). Bad input is one sentence.
 */
import fs from 'node:fs';
import { printable } from '../output/index.js';
import { parsePeriod, periodFromStore, type PeriodReport } from '../period/index.js';
import { createRepository, openDb } from '../store/index.js';

export const REPORT_USAGE = `  livedeck report --from DATE --to DATE [--platform P] [--db FILE] [--json] [--xlsx OUT] [--lang zh-CN|en]
      the period report (月度复盘) of the shows started in [from, to); DATE is 2026-11-01 (local midnight) or epoch ms`;

export interface ReportOptions {
  dbFile: string;
  from?: string;
  to?: string;
  platform?: string;
  json?: boolean;
  xlsx?: string;
  lang?: string;
}

/** A problem with what was asked, said in one sentence (exit 2, no stack). */
export class ReportInputError extends Error {}

const yuan = (fen: number) => `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (r: number) => `${(r * 100).toFixed(2)}%`;
const day = (ms: number) => new Date(ms).toLocaleString('zh-CN', { hour12: false });

export async function reportCommand(o: ReportOptions): Promise<number> {
  const lang = o.lang ?? 'zh-CN';
  if (lang !== 'zh-CN' && lang !== 'en') throw new ReportInputError(`--lang is zh-CN or en, not “${lang}”.`);
  if (!fs.existsSync(o.dbFile)) throw new ReportInputError(`No database at ${o.dbFile}.`);
  const repo = createRepository(openDb(o.dbFile));
  let report: PeriodReport;
  try {
    const parsed = parsePeriod({ from: o.from, to: o.to, platform: o.platform }, { from: '--from', to: '--to', platform: '--platform' }, (p) => repo.platformSeen(p));
    if (!parsed.ok) throw new ReportInputError(parsed.error.message);
    report = periodFromStore(repo, parsed.value, Date.now());
  } finally {
    repo.db.close();
  }
  if (o.xlsx) {
    const { periodWorkbook } = await import('../period/workbook.js');
    await periodWorkbook(report, lang).xlsx.writeFile(o.xlsx);
    console.error(`Wrote ${o.xlsx}`);
  }
  if (o.json) {
    console.log(JSON.stringify(report, null, 2));
    return 0;
  }
  const t = report.totals;
  console.log(`${day(report.from)} – ${day(report.to)}${report.platform ? ` · ${printable(report.platform)}` : ''} · ${t.shows} 场 · ${(t.liveSec / 3600).toFixed(1)} 小时`);
  console.log(`成交金额 ${yuan(t.paidGmvFen)}  退款 ${yuan(t.refundFen)}  净成交 ${yuan(t.netGmvFen)}  订单 ${t.orders}  件数 ${t.units}`);
  console.log(`成交人数 ${t.buyers}（新客 ${t.newBuyers} · 老客 ${t.returningBuyers} · 复购 ${t.repeatBuyers}，复购率 ${pct(t.repeatRate)}）  观看人数 ${t.viewers}`);
  if (!t.shows) console.log('这段时间没有场次。 No show started in this period.');
  for (const s of report.shows)
    console.log(`  #${String(s.sessionId).padEnd(5)} ${day(s.startedAt).padEnd(20)} ${yuan(s.paidGmvFen).padStart(14)}  ${String(s.orders).padStart(6)} 单  ${printable(s.title)}`);
  for (const p of report.promoters) console.log(`  导购 ${printable(p.promoter).padEnd(12)} ${yuan(p.paidGmvFen).padStart(14)}  佣金 ${yuan(Math.round(p.commissionFen))}`);
  return 0;
}
