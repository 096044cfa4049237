/**
 * The period report's public doors: `livedeck report` (the real binary) and `GET /api/reports` on a
 * real hub, both on a stored month, both answering what `periodFromStore` computes, and both turning
 * bad input into a sentence (CLI) or a coded 400 (HTTP), never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodFromStore, type PeriodReport } from '../../server/period/index.js';
import { createRepository, openDb } from '../../server/store/index.js';
import { startTestHub, tempDbFile, TEST_TOKENS, type TestHub } from '../support/hub.js';
import { novemberSpecs, storePeriodShows } from '../support/period-fixture.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'livedeck.mjs');
const NOV = { from: new Date(2026, 10, 1).getTime(), to: new Date(2026, 11, 1).getTime() };

let dbFile: string;
let want: PeriodReport;
let wantDouyin: PeriodReport;

beforeAll(() => {
  dbFile = tempDbFile('period-doors');
  storePeriodShows(dbFile, novemberSpecs(5000));
  const repo = createRepository(openDb(dbFile));
  want = periodFromStore(repo, NOV, Date.now());
  wantDouyin = periodFromStore(repo, { ...NOV, platform: 'douyin' }, Date.now());
  repo.db.close();
});
afterAll(() => fs.rmSync(path.dirname(dbFile), { recursive: true, force: true }));

const livedeck = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('livedeck report', () => {
  it('prints the period report as JSON, and the workbook with --xlsx', async () => {
    const out = path.join(path.dirname(dbFile), 'nov.xlsx');
    const r = livedeck('report', '--from', '2026-11-01', '--to', '2026-12-01', '--db', dbFile, '--json', '--xlsx', out, '--lang', 'en');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(want);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.getWorksheet('Shows')!.rowCount).toBe(1 + want.shows.length);
  });

  it('takes epoch ms and a platform, and prints a readable summary without --json', () => {
    const r = livedeck('report', '--from', String(NOV.from), '--to', String(NOV.to), '--platform', 'douyin', '--db', dbFile, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(wantDouyin);
    const text = livedeck('report', '--from', '2026-11-01', '--to', '2026-12-01', '--db', dbFile);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`${want.totals.shows} 场`);
    expect(text.stdout).toContain('双十一正场');
    expect(text.stdout).toContain('导购 小美');
  });

  it('answers a month with no show with zeros, not an error', () => {
    const r = livedeck('report', '--from', '2025-01-01', '--to', '2025-02-01', '--db', dbFile, '--json');
    expect(r.status, r.stderr).toBe(0);
    const empty = JSON.parse(r.stdout) as PeriodReport;
    expect(empty.shows).toEqual([]);
    expect(empty.totals.paidGmvFen).toBe(0);
    expect(empty.totals.repeatRate).toBe(0);
  });

  it.each([
    [['--from', '2026-12-01', '--to', '2026-11-01'], /--from \(2026-12-01\) must be before --to/],
    [['--from', 'yesterday', '--to', '2026-11-01'], /--from “yesterday” is not a date/],
    [['--from', '2026-11-31', '--to', '2026-12-01'], /not a day of the calendar/],
    [['--to', '2026-12-01'], /--from is required/],
    [['--from', '2026-11-01', '--to', '2026-12-01', '--platform', 'kuaishou'], /No show has the platform “kuaishou”/],
  ])('refuses %j with one sentence and exit code 2', (args, message) => {
    const r = livedeck('report', ...args, '--db', dbFile);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('says so when there is no database', () => {
    const r = livedeck('report', '--from', '2026-11-01', '--to', '2026-12-01', '--db', path.join(path.dirname(dbFile), 'none.db'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/No database at/);
  });
});

describe('GET /api/reports', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ dbFile });
  });
  afterAll(() => t.stop());

  const get = (pathname: string, token: string | null = TEST_TOKENS.viewer) => fetch(`${t.url}${pathname}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it('answers the §12 JSON to a viewer token, for dates and for epoch ms, all platforms or one', async () => {
    const res = await get('/api/reports?from=2026-11-01&to=2026-12-01');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(want);
    const one = await get(`/api/reports?from=${NOV.from}&to=${NOV.to}&platform=douyin`);
    expect(await one.json()).toEqual(wantDouyin);
  });

  it('keeps every show’s facts, so the next report reads them instead of the events', async () => {
    const kept = t.hub.db.prepare("SELECT count(*) FROM recap_cache WHERE key LIKE 'period:facts:%'").pluck().get() as number;
    expect(kept).toBeGreaterThanOrEqual(want.shows.length);
  });

  it('refuses no token and the ingest token', async () => {
    expect((await get('/api/reports?from=2026-11-01&to=2026-12-01', null)).status).toBe(401);
    const ingest = await get('/api/reports?from=2026-11-01&to=2026-12-01', TEST_TOKENS.ingest);
    expect(ingest.status).toBe(403);
    expect(((await ingest.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it.each([
    ['from=2026-12-01&to=2026-11-01', 'bad_period'],
    ['from=soon&to=2026-11-01', 'bad_date'],
    ['to=2026-11-01', 'missing_period'],
    ['from=2026-11-01&to=2026-12-01&platform=kuaishou', 'unknown_platform'],
  ])('answers ?%s with 400 and the code %s', async (qs, code) => {
    const res = await get(`/api/reports?${qs}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { ok: boolean; error: { code: string; message: string } };
    expect(body).toMatchObject({ ok: false, error: { code } });
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(body.error.message).not.toMatch(/\n\s+at /);
  });

  it('answers an empty period with zeros', async () => {
    const body = (await (await get('/api/reports?from=2025-01-01&to=2025-02-01')).json()) as PeriodReport;
    expect(body.totals.shows).toBe(0);
    expect(body.shows).toEqual([]);
  });

  it('exports the workbook and each table as CSV, headers in the asked language', async () => {
    const xlsx = await get('/api/reports.xlsx?from=2026-11-01&to=2026-12-01&lang=en');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toMatch(/livedeck-period-2026-11-01-2026-12-01\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Shows', 'Products', 'Promoter statement']);
    const csv = await get('/api/reports/csv/3?from=2026-11-01&to=2026-12-01');
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // A BOM first, so Excel on Windows opens the Chinese text as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.subarray(3));
    expect(text.split('\r\n')[0]).toBe('导购,成交订单,成交件数,成交金额,退款金额,净成交,佣金规则,佣金');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + want.promoters.length);
    expect((await get('/api/reports/csv/9?from=2026-11-01&to=2026-12-01')).status).toBe(404);
  });
});
