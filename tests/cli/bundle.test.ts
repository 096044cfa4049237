import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { hubBundle, sourcesHash } from '../../scripts/hub-bundle.mjs';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `livedeck-${name}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A short show: viewers, a question, orders paid, one refunded. */
function recording(dir: string): string {
  const lines: unknown[] = [{ type: 'session', title: '打包测试', startedAt: T0, endedAt: T0 + 600_000 }];
  for (let i = 0; i < 200; i++) {
    const ts = T0 + i * 2500;
    lines.push({ type: 'viewer.enter', platform: 'douyin', id: `v${i}`, ts, userId: `u${i % 50}` });
    if (i % 4 === 0)
      lines.push({ type: 'order', platform: 'douyin', id: `o${i}`, ts, orderId: `O${i}`, userId: `u${i % 50}`, sku: 'SKU-1', qty: 1, amountFen: 9900, status: i % 40 === 0 ? 'refunded' : 'paid' });
    if (i % 10 === 0) lines.push({ type: 'comment', platform: 'douyin', id: `c${i}`, ts, userId: `u${i}`, nick: '小美', text: '这个多少钱？' });
  }
  const file = path.join(dir, 'show.ndjson');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

const livedeck = (args: string[], fromSources = false) =>
  run(process.execPath, [path.join(root, 'bin', 'livedeck.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, LIVEDECK_FROM_SOURCES: fromSources ? '1' : '' },
    maxBuffer: 16 * 1024 * 1024,
  });

describe('the prebuilt hub', () => {
  it("runs the command line from a bundle named by the sources' hash, answering as the sources do", async () => {
    const entry = await hubBundle();
    expect(entry).not.toBeNull();
    expect(path.basename(path.dirname(entry!))).toBe(sourcesHash());
    // The recap runner looks for its worker beside its own chunk.
    expect(fs.existsSync(path.join(path.dirname(entry!), 'worker-entry.mjs'))).toBe(true);
    expect(fs.existsSync(path.join(path.dirname(entry!), 'jobs-entry.mjs'))).toBe(true);

    const dir = tempDir('bundle');
    const db = path.join(dir, 's.db');
    const replayed = await livedeck(['replay', recording(dir), '--db', db]);
    expect(replayed.stdout.trim()).toMatch(/^\d+$/);
    const [bundled, sources] = await Promise.all([livedeck(['recap', 'latest', '--db', db, '--json']), livedeck(['recap', 'latest', '--db', db, '--json'], true)]);
    const recap = JSON.parse(bundled.stdout) as { orders: number; paidGmvFen: number; refundFen: number };
    // 50 orders (every 4th of 200 lines), 5 of them refunded (every 40th).
    expect(recap).toMatchObject({ orders: 50, paidGmvFen: 50 * 9900, refundFen: 5 * 9900 });
    expect(JSON.parse(sources.stdout)).toEqual(recap);
    // exceljs is loaded on first use, from a chunk of its own.
    const xlsx = path.join(dir, 'recap.xlsx');
    await livedeck(['recap', 'latest', '--db', db, '--xlsx', xlsx]);
    expect(fs.readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
  });

  it('builds another bundle when a source changes, keeps the last ones, and answers null where it cannot build', async () => {
    const copy = tempDir('bundle-src');
    fs.cpSync(path.join(root, 'server'), path.join(copy, 'server'), { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(copy, 'package.json'));
    const cacheDir = path.join(copy, 'cache');
    const first = await hubBundle({ root: copy, cacheDir });
    expect(first).not.toBeNull();
    expect(await hubBundle({ root: copy, cacheDir, build: false })).toBe(first);

    fs.appendFileSync(path.join(copy, 'server', 'hub.ts'), '\n// edited\n');
    expect(await hubBundle({ root: copy, cacheDir, build: false })).toBeNull();
    const second = await hubBundle({ root: copy, cacheDir });
    expect(second).not.toBeNull();
    expect(path.dirname(second!)).not.toBe(path.dirname(first!));
    expect(fs.existsSync(first!)).toBe(true);
    expect(path.basename(path.dirname(second!))).toBe(sourcesHash(copy));

    // A cache folder that cannot be made (a file stands in its way): no bundle, so `livedeck` takes tsx.
    const blocked = path.join(copy, 'blocked');
    fs.writeFileSync(blocked, '');
    expect(await hubBundle({ root: copy, cacheDir: path.join(blocked, 'cache') })).toBeNull();
  });
});
