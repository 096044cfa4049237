/**
 * Hostile input, what leaves the hub: one formula guard for every CSV, recap windows made canonical or
 * refused (fuzzed), live charts that cannot be made to draw 56 years of minutes, terminal escapes from
 * connectors stripped in the CLI, owner-only files, and tokens shortened in logs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startStudio } from '../../server/cli/studio.js';
import { csvField, formatCsv, unguardFormula } from '../../server/output/csv.js';
import { maskToken, maskTokenInUrl } from '../../server/output/secrets.js';
import { printable } from '../../server/output/terminal.js';
import { canonicalWindow, MAX_RECAP_MINUTES, MINUTE_MS, RecapError } from '../../server/recap/window.js';
import { computeRecap } from '../../server/recap/compute.js';
import { parseCsv } from '../../server/runsheet/csv.js';
import { openDb } from '../../server/store/index.js';
import { contiguousMinutes, MAX_CHART_MINUTES } from '../../renderer/lib/buckets.js';
import type { Bucket } from '../../server/protocol/index.js';
import { HOSTILE, writeStudioShows } from './shows.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

describe('CSV cells', () => {
  it('guard text a spreadsheet would run (= + - @ tab CR) and leave numbers and number text alone', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+86 138')).toBe("'+86 138");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    expect(csvField('主播好')).toBe('主播好');
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField('-12.50', { text: false })).toBe('-12.50');
  });

  it('never start with a formula character and read back as written, whatever the text (fuzzed)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(...Object.values(HOSTILE)), fc.stringMatching(/^[=+\-@\t\r][\s\S]{0,10}$/)), { minLength: 1, maxLength: 6 }), (row) => {
        const csv = formatCsv([row.map((v) => csvField(v))]);
        const [read] = parseCsv(csv.replace(/^\uFEFF/, ''), ',');
        for (const cell of read) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        expect(read.map(unguardFormula)).toEqual(row);
      }),
      { numRuns: 300 },
    );
  });
});

describe('recap windows', () => {
  const show = { startedAt: Date.UTC(2026, 10, 11, 12, 0, 17), endAt: Date.UTC(2026, 10, 11, 16, 3, 41) };
  const code = (f: () => unknown) => {
    try {
      f();
      return 'ok';
    } catch (err) {
      return (err as RecapError).code;
    }
  };

  it('drop bounds at or past the show, round to the minute, and refuse what cannot be meant', () => {
    expect(canonicalWindow({ from: 0 }, show)).toEqual({});
    expect(canonicalWindow({ from: 0, to: 8.64e15 }, show)).toEqual({});
    expect(canonicalWindow({ from: show.startedAt + 3_600_000, to: show.startedAt + 7_200_000, platform: 'douyin' }, show)).toEqual({
      from: Date.UTC(2026, 10, 11, 13, 0),
      to: Date.UTC(2026, 10, 11, 14, 1),
      platform: 'douyin',
    });
    expect(code(() => canonicalWindow({ from: NaN }, show))).toBe('invalid_window');
    expect(code(() => canonicalWindow({ from: -1 }, show))).toBe('invalid_window');
    expect(code(() => canonicalWindow({ to: 1e300 }, show))).toBe('invalid_window');
    expect(code(() => canonicalWindow({ from: show.endAt - 1, to: show.startedAt + 1 }, show))).toBe('invalid_window');
    expect(code(() => canonicalWindow({ from: show.endAt + 60_000 }, show))).toBe('invalid_window');
    expect(code(() => canonicalWindow({ to: show.startedAt - 60_000 }, show))).toBe('invalid_window');
    expect(code(() => canonicalWindow({}, { startedAt: 0, endAt: show.endAt }))).toBe('window_too_long');
    expect(code(() => canonicalWindow({ from: show.endAt - 3_600_000 }, { startedAt: 0, endAt: show.endAt }))).toBe('ok');
  });

  it('are canonical, inside the show, minute-aligned and within the minute cap, or refused with a code (fuzzed)', () => {
    const time = fc.oneof(fc.integer({ min: -1e6, max: 9e15 }), fc.integer({ min: show.startedAt - 86_400_000, max: show.endAt + 86_400_000 }), fc.constant(Number.NaN), fc.double());
    fc.assert(
      fc.property(fc.option(time, { nil: undefined }), fc.option(time, { nil: undefined }), fc.integer({ min: 0, max: 40 }), (from, to, days) => {
        const span = { startedAt: show.startedAt - days * 86_400_000, endAt: show.endAt };
        let q;
        try {
          q = canonicalWindow({ from, to }, span);
        } catch (err) {
          expect(err).toBeInstanceOf(RecapError);
          expect(['invalid_window', 'window_too_long']).toContain((err as RecapError).code);
          return;
        }
        if (q.from !== undefined) {
          expect(q.from % MINUTE_MS).toBe(0);
          expect(q.from).toBeGreaterThan(span.startedAt);
          expect(q.from).toBeLessThan(span.endAt);
        }
        if (q.to !== undefined) {
          expect(q.to % MINUTE_MS).toBe(0);
          expect(q.to).toBeLessThan(span.endAt);
        }
        expect(((q.to ?? span.endAt) - (q.from ?? span.startedAt)) / MINUTE_MS).toBeLessThanOrEqual(MAX_RECAP_MINUTES);
        expect(canonicalWindow(q, span)).toEqual(q);
      }),
      { numRuns: 2000 },
    );
  });

  it('cap what the recap engine allocates, before it allocates: one 1970 event costs a refusal, not 56 years of rows', () => {
    const session = { id: 1, title: 't', startedAt: Date.now() - 3_600_000, endAt: Date.now() };
    const events = [{ type: 'comment' as const, platform: 'douyin', id: 'c0', ts: 0, userId: 'u', nick: 'n', text: '1970' }];
    const before = process.memoryUsage().heapUsed;
    expect(() => computeRecap({ session, events })).toThrow(RecapError);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
    // From the show's start, the same event is outside the window and the recap is an hour of minutes.
    expect(computeRecap({ session, events, from: session.startedAt }).minutes.length).toBeLessThanOrEqual(61);
  });
});

describe('live charts', () => {
  it('draw at most seven days of minutes, the newest, whatever a bucket’s time', () => {
    const bucket = (sec: number): Bucket => ({ sec, gmvFen: 1, orders: 1, units: 1, comments: 1, online: 1, enters: 0, clicks: 0 });
    const now = Math.floor(Date.now() / 60_000) * 60;
    const map = new Map([0, now].map((s) => [s, bucket(s)]));
    const drawn = contiguousMinutes(map, 0, now);
    expect(drawn).toHaveLength(MAX_CHART_MINUTES);
    expect(drawn[drawn.length - 1].sec).toBe(now);
    expect(contiguousMinutes(map, now - 600, now)).toHaveLength(11);
  });
});

describe('the command line and files', () => {
  it('strips control characters from connector-supplied text it prints', () => {
    expect(printable(HOSTILE.title)).toBe('双11专场?]0;pwned??[2J');
    expect(printable('a\u202ebc')).toBe('a?bc');
    const shows = writeStudioShows(2_000);
    try {
      const out = spawnSync(process.execPath, [path.join(root, 'bin', 'livedeck.mjs'), 'recap', String(shows.small.id), '--db', shows.dbFile], { encoding: 'utf8' });
      expect(out.status).toBe(0);
      expect(out.stdout).toContain('双11专场');
      // eslint-disable-next-line no-control-regex
      expect(out.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    } finally {
      shows.remove();
    }
  }, 60_000);

  it('keeps the database, its WAL and SHM, and backups readable by their owner only, in an owner-only folder', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-modes-'));
    const previous = process.umask(0o022);
    try {
      const dbFile = path.join(base, 'new-folder', 'studio.db');
      const db = openDb(dbFile);
      db.prepare('CREATE TABLE IF NOT EXISTS t (x)').run();
      const mode = (f: string) => fs.statSync(f).mode & 0o777;
      expect(mode(path.dirname(dbFile))).toBe(0o700);
      for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) expect(mode(f)).toBe(0o600);
      db.close();
      const out = path.join(base, 'backups', 'b.db');
      const r = spawnSync(process.execPath, [path.join(root, 'bin', 'livedeck.mjs'), 'backup', out, '--db', dbFile], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(mode(out)).toBe(0o600);
      // A file left world-readable by an older version is tightened when opened.
      fs.chmodSync(dbFile, 0o644);
      openDb(dbFile).close();
      expect(mode(dbFile)).toBe(0o600);
    } finally {
      process.umask(previous);
      fs.rmSync(base, { recursive: true, force: true });
    }
  }, 60_000);

  it('shortens tokens in what livedeck studio prints to a log', async () => {
    expect(maskToken('abcdefghijklmnopqrstuvwxyz012345')).toBe('abcdef…');
    expect(maskTokenInUrl('http://h/?token=abcdefghijklmnopqrstuvwx#/control')).toBe('http://h/?token=abcdef…#/control');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-log-'));
    const lines: string[] = [];
    const studio = await startStudio({ dbFile: path.join(dir, 's.db'), port: 0, host: '127.0.0.1', simulate: false, seed: 1, log: (l) => lines.push(l), fullTokens: false });
    try {
      const text = lines.join('\n');
      for (const token of Object.values(studio.hub.tokens)) expect(text).not.toContain(token);
      expect(text).toMatch(/Control room: +http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{6}…#\/control/);
    } finally {
      await studio.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
