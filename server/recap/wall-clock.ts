/**
 * Times and file names on the studio's clock, for the recap's exports: light enough for the hub's
 * HTTP routes to name a file without loading the workbook code (and exceljs) on the hub's thread.
 */

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
export function recapFileName(show: { sessionId: number; title: string; startedAt: number }, suffix: string, timeZone = studioTimeZone()): { name: string; ascii: string } {
  const d = wallClock(show.startedAt, timeZone);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
  const title =
    show.title
      .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
      .trim()
      .slice(0, 60) || 'livedeck';
  return { name: `${title}-${stamp}${suffix}`, ascii: `livedeck-${show.sessionId}-${stamp}${suffix}` };
}
