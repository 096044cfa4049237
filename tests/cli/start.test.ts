import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { tempDbFile } from '../support/hub.js';

const hasElectron = (() => {
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown;
    return typeof bin === 'string' && fs.existsSync(bin);
  } catch {
    return false;
  }
})();

describe('npm start', () => {
  it.skipIf(hasElectron)(
    'says in one sentence that Electron is missing and serves the control room at a tokenised local URL',
    async () => {
      const db = tempDbFile('start');
      // stdout is a pipe here, where tokens are shortened unless asked for whole (as a launcher would).
      const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--db', db, '--no-sim'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LIVEDECK_PRINT_TOKENS: '1' } });
      const lines: string[] = [];
      try {
        const control = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no URL printed:\n${lines.join('\n')}`)), 90_000);
          readline.createInterface({ input: child.stdout! }).on('line', (line) => {
            lines.push(line);
            const m = /Control room:\s+(\S+)/.exec(line);
            if (m) {
              clearTimeout(timer);
              resolve(m[1]);
            }
          });
          child.once('exit', (code) => reject(new Error(`exited ${code}:\n${lines.join('\n')}`)));
        });
        expect(lines[0]).toMatch(/^The Electron runtime is not installed on this machine, so .* serves the same control room in your browser\.$/);
        expect(control).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}#\/control$/);
        const page = await fetch(control.replace(/#.*$/, ''));
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<div id="app">');
        const health = await fetch(new URL('/health', control));
        expect(health.status).toBe(200);
      } finally {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
    120_000,
  );
});
