import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startDesktop } from '../../electron/main/app.js';
import type { ElectronLike } from '../../electron/main/types.js';
import { DEFAULT_SHORTCUTS } from '../../electron/main/shortcuts.js';
import { fakeElectron, logLines } from './fake-electron.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const hubEntry = path.resolve(here, '../../electron/main/hub.ts');
const shim = path.join(here, 'utility-process-shim.mjs');
const children: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => (c.once('exit', r), c.kill())) : undefined)));
});

/** The fake electron, but `utilityProcess.fork` really starts the hub entry in a Node child. */
function withRealHub() {
  const f = fakeElectron();
  const utilityProcess: ElectronLike['utilityProcess'] = {
    fork: (modulePath, args, options) => {
      const child = fork(modulePath, args ?? [], { execArgv: ['--import', 'tsx', '--import', shim], env: options?.env as NodeJS.ProcessEnv, stdio: 'ignore' });
      children.push(child);
      return child;
    },
  };
  return { f, electron: { ...f.electron, utilityProcess } as ElectronLike };
}

describe('global shortcuts against the real hub', () => {
  it('every default shortcut reaches the hub with a body its control actions accept', async () => {
    const { f, electron } = withRealHub();
    const answers: { action: string; status: number; body: { ok: boolean; error?: { code: string } } }[] = [];
    const recordingFetch = (async (url: string, init: RequestInit) => {
      const res = await fetch(url, init);
      answers.push({ action: url.split('/').at(-1)!, status: res.status, body: await res.clone().json() });
      return res;
    }) as typeof fetch;
    const dbFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-desktop-hub-')), 'studio.db');
    const desktop = await startDesktop(electron, { hubEntry, preload: 'preload.cjs', dbFile, log: logLines().log, fetch: recordingFetch, platform: 'linux' });
    expect(desktop.hub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    for (const accelerator of Object.values(DEFAULT_SHORTCUTS)) {
      f.shortcuts.get(accelerator)!();
      await expect.poll(() => answers.length).toBeGreaterThanOrEqual(Object.values(DEFAULT_SHORTCUTS).indexOf(accelerator) + 1);
    }
    expect(answers.map((a) => [a.action, a.status, a.body.ok ? 'ok' : a.body.error!.code])).toEqual([
      ['item.next', 200, 'ok'],
      // No deal is live, and the hub says so: the request itself was understood.
      ['deal.stop', 409, 'not_live'],
      ['prompter.play', 200, 'ok'],
      ['prompter.scroll', 200, 'ok'],
      ['prompter.scroll', 200, 'ok'],
      ['prompter.speed', 200, 'ok'],
      ['prompter.speed', 200, 'ok'],
      ['prompter.mirror', 200, 'ok'],
    ]);
  }, 60_000);
});
