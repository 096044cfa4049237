import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IPC_CONNECTION, pickDisplay, startDesktop } from '../../electron/main/app.js';
import { CSP, isAllowedExternal } from '../../electron/main/security.js';
import type { BrowserWindowOptions, ElectronLike, IpcMainInvokeEventLike } from '../../electron/main/types.js';

/** A stand-in for the `electron` module that records what the shell asks of it. */
function fakeElectron() {
  const windows: FakeWindow[] = [];
  const handlers = new Map<string, (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown>();
  const opened: string[] = [];
  let headerHook: Parameters<ElectronLike['session']['defaultSession']['webRequest']['onHeadersReceived']>[0] | null = null;
  let nextId = 1;
  class FakeContents extends EventEmitter {
    id = nextId++;
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }) {
      this.openHandler = h;
    }
  }
  class FakeWindow extends EventEmitter {
    webContents = new FakeContents();
    loaded: string | null = null;
    constructor(readonly options: BrowserWindowOptions) {
      super();
      windows.push(this);
    }
    async loadURL(url: string) {
      this.loaded = url;
      this.emit('ready-to-show');
    }
    show() {}
    setFullScreen() {}
  }
  const child = new EventEmitter() as EventEmitter & { kill: () => boolean };
  child.kill = () => true;
  const electron = {
    app: {
      whenReady: async () => undefined,
      on: () => undefined,
      quit: () => undefined,
      getPath: () => '/tmp/livedeck-fake',
      isPackaged: false,
    },
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (channel: string, h: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown) => handlers.set(channel, h) },
    utilityProcess: {
      fork: () => {
        setTimeout(() => child.emit('message', { type: 'ready', url: 'http://127.0.0.1:5170', tokens: { operator: 'op', viewer: 'vw', ingest: 'in' } }), 5);
        return child;
      },
    },
    shell: { openExternal: async (url: string) => void opened.push(url) },
    screen: {
      getAllDisplays: () => [
        { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } },
        { id: 2, bounds: { x: 1920, y: 0, width: 1024, height: 768 } },
      ],
      getPrimaryDisplay: () => ({ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }),
    },
    session: { defaultSession: { webRequest: { onHeadersReceived: (h: typeof headerHook) => void (headerHook = h) } } },
  } as unknown as ElectronLike;
  return { electron, windows, handlers, opened, headers: () => headerHook };
}

describe('the desktop shell', () => {
  it('opens every window isolated, sandboxed and without Node, on the hub URL', async () => {
    const f = fakeElectron();
    const desktop = await startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs' });
    await desktop.open('prompter', 2);
    await desktop.open('screen');
    expect(f.windows).toHaveLength(3);
    for (const w of f.windows) {
      expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
      expect(w.loaded).toMatch(/^http:\/\/127\.0\.0\.1:5170\/#\/(control|prompter|screen)$/);
    }
    expect(f.windows[1].options).toMatchObject({ x: 1920, fullscreen: true, width: 1024 });
  });

  it('blocks navigation away from the hub and every new window, on every window', async () => {
    const f = fakeElectron();
    const desktop = await startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs' });
    await desktop.open('screen');
    for (const w of f.windows) {
      const away = { prevented: false, preventDefault() { this.prevented = true; } };
      w.webContents.emit('will-navigate', away, 'https://evil.example/');
      expect(away.prevented).toBe(true);
      const home = { prevented: false, preventDefault() { this.prevented = true; } };
      w.webContents.emit('will-navigate', home, 'http://127.0.0.1:5170/#/sessions');
      expect(home.prevented).toBe(false);
      const redirect = { prevented: false, preventDefault() { this.prevented = true; } };
      w.webContents.emit('will-redirect', redirect, 'http://127.0.0.1:9999/');
      expect(redirect.prevented).toBe(true);
      expect(w.webContents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
      expect(w.webContents.openHandler!({ url: 'https://github.com/livedeck' })).toEqual({ action: 'deny' });
    }
    expect(f.opened).toEqual(['https://github.com/livedeck', 'https://github.com/livedeck']);
    expect(isAllowedExternal('http://github.com/')).toBe(false);
  });

  it('hands the operator token only to the control window and refuses frames from elsewhere', async () => {
    const f = fakeElectron();
    const desktop = await startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs' });
    const prompter = await desktop.open('prompter');
    const control = f.windows[0];
    const ask = f.handlers.get(IPC_CONNECTION)!;
    expect(ask({ sender: { id: control.webContents.id }, senderFrame: { url: 'http://127.0.0.1:5170/#/control' } })).toEqual({
      hubUrl: 'http://127.0.0.1:5170',
      token: 'op',
      role: 'control',
    });
    expect(ask({ sender: { id: prompter.webContents.id }, senderFrame: { url: 'http://127.0.0.1:5170/#/prompter' } })).toMatchObject({ token: 'vw' });
    expect(() => ask({ sender: { id: control.webContents.id }, senderFrame: { url: 'https://evil.example/' } })).toThrow(/may not/);
    expect(() => ask({ sender: { id: 999 }, senderFrame: { url: 'http://127.0.0.1:5170/' } })).toThrow(/may not/);
  });

  it('adds a CSP without unsafe-eval to every response', async () => {
    const f = fakeElectron();
    await startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs' });
    let headers: Record<string, string[] | string> | undefined;
    f.headers()!({ url: 'http://127.0.0.1:5170/', responseHeaders: { 'x-a': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers!['Content-Security-Policy']).toEqual([CSP]);
    expect(CSP).not.toMatch(/unsafe-eval/);
    expect(CSP).toMatch(/script-src 'self'(;|$)/);
  });

  it('puts a window on the display asked for, or the primary when that display is gone', () => {
    const primary = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
    const side = { id: 7, bounds: { x: 1920, y: 0, width: 1280, height: 800 } };
    expect(pickDisplay([primary, side], primary, 7)).toBe(side);
    expect(pickDisplay([primary], primary, 7)).toBe(primary);
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
    await app.close();
  });
});
