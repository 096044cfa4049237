/**
 * The file name a period export is offered under. Its own module, without exceljs: the hub's thread
 * names the file while a job worker builds it, and loading exceljs there would stall it for a second.
 */
const pad = (n: number) => String(n).padStart(2, '0');
const day = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

export function periodFileName(report: { from: number; to: number; platform?: string | null }, suffix: string): string {
  return `livedeck-period-${day(report.from)}-${day(report.to)}${report.platform ? `-${report.platform.replace(/[^\w-]/g, '_')}` : ''}${suffix}`;
}
