import { createRequire } from 'node:module';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALREADY_RUNNING, IPC_CONNECTION, IPC_PRINT_PDF, startDesktop, type Desktop } from '../../electron/main/app.js';
import { findMenuItem } from '../../electron/main/menu.js';
import { CSP, isAllowedExternal } from '../../electron/main/security.js';
import { IPC } from '../../electron/preload/bridge.js';
import { fakeElectron, HUB_URL, logLines, type FakeElectron } from './fake-electron.js';

const start = (f: FakeElectron) => startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs', log: logLines().log });

/** Opens every kind of window the app makes, every way it makes them: start, menu, API, reopen after close. */
async function openEverything(f: FakeElectron, desktop: Desktop) {
  findMenuItem(f.menu(), 'display-2')!.click!();
  await desktop.open('screen', 1);
  await desktop.open('prompter', 1);
  f.windows.find((w) => w.loaded?.endsWith('#/screen'))!.close();
  await desktop.open('screen');
  findMenuItem(f.menu(), 'keyboard-map')!.click!();
  await new Promise((r) => setTimeout(r, 5));
}

const prevented = () => ({
  prevented: false,
  preventDefault() {
    this.prevented = true;
  },
});

describe('the security checklist, over every window the app creates', () => {
  it('makes every window isolated, sandboxed, without Node and with web security, on the hub URL', async () => {
    const f = fakeElectron();
    const desktop = await start(f);
    await openEverything(f, desktop);
    expect(f.windows.length).toBeGreaterThanOrEqual(4);
    for (const w of f.windows) {
      expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: 'preload.cjs' });
      for (const url of w.loads) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:5170\/#\/(control|prompter|screen)(\?help=1)?$/);
    }
  });

  it('blocks navigation away from the hub and every new window on every window; only allowlisted links leave, to the browser', async () => {
    const f = fakeElectron();
    const desktop = await start(f);
    await openEverything(f, desktop);
    for (const w of f.windows) {
      const away = prevented();
      w.webContents.emit('will-navigate', away, 'https://evil.example/');
      expect(away.prevented).toBe(true);
      const otherPort = prevented();
      w.webContents.emit('will-navigate', otherPort, 'http://127.0.0.1:5171/#/control');
      expect(otherPort.prevented).toBe(true);
      const home = prevented();
      w.webContents.emit('will-navigate', home, `${HUB_URL}/#/sessions`);
      expect(home.prevented).toBe(false);
      const redirect = prevented();
      w.webContents.emit('will-redirect', redirect, 'http://127.0.0.1:9999/');
      expect(redirect.prevented).toBe(true);
      expect(w.webContents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
      expect(w.webContents.openHandler!({ url: `${HUB_URL}/#/control` })).toEqual({ action: 'deny' });
      expect(w.webContents.openHandler!({ url: 'https://github.com/livedeck' })).toEqual({ action: 'deny' });
    }
    // Every window handed the allowlisted link to the system browser, and nothing else.
    expect(f.opened).toEqual(f.windows.map(() => 'https://github.com/livedeck'));
    expect(isAllowedExternal('http://github.com/')).toBe(false);
    expect(isAllowedExternal('https://github.com.evil.example/')).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
  });

  it('answers every IPC channel only to our windows showing a hub page, with no side effect otherwise', async () => {
    const f = fakeElectron();
    const desktop = await start(f);
    await openEverything(f, desktop);
    expect([...f.handlers.keys()].sort()).toEqual([IPC.connection, IPC.printPdf].sort());
    for (const channel of f.handlers.keys()) {
      expect(channel).toMatch(/^[a-z]+(-[a-z]+)+$/);
      for (const w of f.windows.filter((x) => !x.destroyed)) {
        expect(() => f.invoke(channel, w, 'https://evil.example/')).toThrow(/may not/);
        expect(() => f.invoke(channel, w, 'http://127.0.0.1:5171/#/control')).toThrow(/may not/);
        expect(() => f.handlers.get(channel)!({ sender: { id: w.webContents.id }, senderFrame: null })).toThrow(/may not/);
      }
      expect(() => f.invoke(channel, { webContents: { id: 999, getURL: () => `${HUB_URL}/#/control` } })).toThrow(/may not/);
      // A closed window's contents are no longer ours.
      const closed = f.windows.find((x) => x.destroyed)!;
      expect(() => f.invoke(channel, closed, `${HUB_URL}/#/screen`)).toThrow(/may not/);
    }
    expect(f.saveDialogs).toEqual([]);
    expect(f.windows.flatMap((w) => w.webContents.prints)).toEqual([]);
  });

  it('hands the operator token only to the control window', async () => {
    const f = fakeElectron();
    const desktop = await start(f);
    const prompter = await desktop.open('prompter');
    const screen = await desktop.open('screen');
    const control = f.windows[0];
    expect(f.invoke(IPC_CONNECTION, control)).toEqual({ hubUrl: HUB_URL, token: 'op', role: 'control' });
    expect(f.invoke(IPC_CONNECTION, prompter)).toEqual({ hubUrl: HUB_URL, token: 'vw', role: 'prompter' });
    expect(f.invoke(IPC_CONNECTION, screen)).toEqual({ hubUrl: HUB_URL, token: 'vw', role: 'screen' });
    expect(IPC_PRINT_PDF).toBe('livedeck-print-pdf');
  });

  it('adds a CSP without unsafe-eval to every response, keeping the other headers', async () => {
    const f = fakeElectron();
    await start(f);
    let headers: Record<string, string[] | string> | undefined;
    f.headers()!({ url: `${HUB_URL}/`, responseHeaders: { 'x-a': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'x-a': ['1'], 'Content-Security-Policy': [CSP] });
    expect(CSP).not.toMatch(/unsafe-eval/);
    expect(CSP).toMatch(/script-src 'self'(;|$)/);
    expect(CSP).toMatch(/object-src 'none'/);
  });

  it('grants pages full screen only, and only to hub pages', async () => {
    const f = fakeElectron();
    await start(f);
    const ask = (permission: string, url: string) => {
      let granted: boolean | undefined;
      f.permissions()!({ getURL: () => url }, permission, (g) => (granted = g), { requestingUrl: url });
      return granted;
    };
    expect(ask('fullscreen', `${HUB_URL}/#/screen`)).toBe(true);
    expect(ask('fullscreen', 'https://evil.example/')).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) expect(ask(p, `${HUB_URL}/#/control`)).toBe(false);
  });
});

describe('the desktop app lifecycle', () => {
  it('hands over to the LiveDeck already running instead of starting a second hub on the same database', async () => {
    const f = fakeElectron({ singleInstance: false });
    await expect(start(f)).rejects.toMatchObject({ code: ALREADY_RUNNING });
    expect(f.counts()).toMatchObject({ forks: 0, quits: 1 });
    expect(f.windows).toEqual([]);
  });

  it('brings the control window forward when LiveDeck is started again', async () => {
    const f = fakeElectron();
    await start(f);
    f.focus(null);
    f.emitApp('second-instance');
    await new Promise((r) => setTimeout(r, 1));
    expect(f.electron.BrowserWindow.getFocusedWindow()).toBe(f.windows[0]);
    expect(f.windows).toHaveLength(1);
  });

  it('stops the hub when quitting and gives the global shortcuts back to the system', async () => {
    const f = fakeElectron();
    await start(f);
    expect(f.shortcuts.size).toBeGreaterThan(0);
    f.emitApp('before-quit');
    f.hubChild.emit('exit', 0);
    f.emitApp('will-quit');
    expect(f.counts().killed).toBe(1);
    expect(f.shortcuts.size).toBe(0);
    expect(f.messages).toEqual([]);
  });

  it('tells the user when the hub stops mid-show, and that the session is kept', async () => {
    const f = fakeElectron();
    await start(f);
    f.hubChild.emit('exit', 134);
    expect(f.messages).toEqual([expect.objectContaining({ type: 'error', message: '数据中心已停止 (The hub stopped)', detail: expect.stringContaining('Exit code 134') })]);
  });
});

const electronBinary = (() => {
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown;
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
})();

describe('the real desktop app', () => {
  it.skipIf(!electronBinary)('starts under Playwright _electron (skipped: the Electron runtime is not installed here)', async () => {
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({ executablePath: electronBinary!, args: ['.'] });
    const page = await app.firstWindow();
    await page.waitForSelector('[data-testid="kpi-strip"]', { timeout: 30_000 });
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => Object.keys((window as unknown as { livedeck: object }).livedeck).sort())).toEqual(['connection', 'printToPdf']);
    await app.close();
  });
});
