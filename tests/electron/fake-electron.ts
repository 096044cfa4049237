/**
 * A stand-in for the `electron` module that records what the shell asks of it: windows (with their
 * bounds and full-screen state), IPC handlers, menus, global shortcuts, dialogs, display events.
 * The Electron runtime cannot be installed here, so the shell is written against `ElectronLike`
 * and driven by this in tests.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  BrowserWindowOptions,
  DisplayLike,
  ElectronLike,
  IpcMainInvokeEventLike,
  MenuItemTemplate,
  MessageBoxOptions,
  PrintToPdfOptions,
  Rect,
  SaveDialogOptions,
} from '../../electron/main/types.js';

export const HUB_URL = 'http://127.0.0.1:5170';
export const TOKENS = { operator: 'op', viewer: 'vw', ingest: 'in' };

export const PRIMARY: DisplayLike = { id: 1, label: 'Built-in', bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
export const SIDE: DisplayLike = { id: 2, label: 'Prompter', bounds: { x: 1920, y: 0, width: 1024, height: 768 } };

export interface FakeOptions {
  displays?: DisplayLike[];
  primary?: DisplayLike;
  /** The user-data folder; a fresh temporary one by default (pass one to "restart" on the same settings). */
  userData?: string;
  /** Accelerators another application already owns (register answers false). */
  takenKeys?: string[];
  /** Whether this is the only LiveDeck running. */
  singleInstance?: boolean;
}

export type FakeElectron = ReturnType<typeof fakeElectron>;

export function fakeElectron(options: FakeOptions = {}) {
  const userData = options.userData ?? fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-electron-'));
  const documents = fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-docs-'));
  let displays = [...(options.displays ?? [PRIMARY, SIDE])];
  const primary = options.primary ?? displays[0];
  const windows: FakeWindow[] = [];
  const handlers = new Map<string, (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown>();
  const opened: string[] = [];
  const menus: MenuItemTemplate[][] = [];
  const shortcuts = new Map<string, () => void>();
  const registerCalls: string[] = [];
  const saveDialogs: { window: FakeWindow; options: SaveDialogOptions }[] = [];
  const saveAnswers: { canceled: boolean; filePath?: string }[] = [];
  const messages: MessageBoxOptions[] = [];
  const appEvents = new EventEmitter();
  const screenEvents = new EventEmitter();
  const taken = new Set(options.takenKeys ?? []);
  let focused: FakeWindow | null = null;
  let quits = 0;
  let killed = 0;
  let forks = 0;
  let headerHook: Parameters<ElectronLike['session']['defaultSession']['webRequest']['onHeadersReceived']>[0] | null = null;
  let permissionHook: Parameters<ElectronLike['session']['defaultSession']['setPermissionRequestHandler']>[0] | null = null;
  let nextId = 1;

  class FakeContents extends EventEmitter {
    id = nextId++;
    url = '';
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    prints: PrintToPdfOptions[] = [];
    printFails: Error | null = null;
    setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }) {
      this.openHandler = h;
    }
    getURL() {
      return this.url;
    }
    async printToPDF(o: PrintToPdfOptions) {
      this.prints.push(o);
      if (this.printFails) throw this.printFails;
      return new TextEncoder().encode(`%PDF-1.7 fake of ${this.url}`);
    }
  }

  class FakeWindow extends EventEmitter {
    webContents = new FakeContents();
    loads: string[] = [];
    bounds: Rect;
    fullscreen: boolean;
    visible = false;
    destroyed = false;
    constructor(readonly options: BrowserWindowOptions) {
      super();
      this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
      this.fullscreen = options.fullscreen ?? false;
      windows.push(this);
    }
    static getFocusedWindow() {
      return focused;
    }
    get loaded() {
      return this.loads.at(-1) ?? null;
    }
    async loadURL(url: string) {
      this.loads.push(url);
      this.webContents.url = url;
      this.emit('ready-to-show');
    }
    show() {
      this.visible = true;
    }
    focus() {
      focused = this;
    }
    setFullScreen(flag: boolean) {
      this.fullscreen = flag;
    }
    isFullScreen() {
      return this.fullscreen;
    }
    setBounds(bounds: Rect) {
      // Like a real window: a full-screen one keeps covering its display whatever it is told.
      if (!this.fullscreen) this.bounds = { ...bounds };
    }
    isDestroyed() {
      return this.destroyed;
    }
    close() {
      this.destroyed = true;
      if (focused === this) focused = null;
      this.emit('closed');
    }
  }

  const child = new EventEmitter() as EventEmitter & { kill: () => boolean };
  child.kill = () => {
    killed++;
    return true;
  };

  const electron = {
    app: {
      whenReady: async () => undefined,
      on: (event: string, listener: () => void) => appEvents.on(event, listener),
      quit: () => void quits++,
      getPath: (name: 'userData' | 'documents') => (name === 'userData' ? userData : documents),
      getVersion: () => '0.1.0',
      requestSingleInstanceLock: () => options.singleInstance ?? true,
      isPackaged: false,
    },
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (channel: string, h: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown) => handlers.set(channel, h) },
    utilityProcess: {
      fork: () => {
        forks++;
        setTimeout(() => child.emit('message', { type: 'ready', url: HUB_URL, tokens: TOKENS }), 1);
        return child;
      },
    },
    shell: { openExternal: async (url: string) => void opened.push(url) },
    screen: {
      getAllDisplays: () => [...displays],
      getPrimaryDisplay: () => primary,
      on: (event: string, listener: (...args: unknown[]) => void) => screenEvents.on(event, listener),
    },
    Menu: {
      buildFromTemplate: (template: MenuItemTemplate[]) => ({ template }),
      setApplicationMenu: (menu: { template: MenuItemTemplate[] }) => void menus.push(menu.template),
    },
    globalShortcut: {
      register: (accelerator: string, callback: () => void) => {
        registerCalls.push(accelerator);
        if (taken.has(accelerator)) return false;
        shortcuts.set(accelerator, callback);
        return true;
      },
      unregisterAll: () => shortcuts.clear(),
    },
    dialog: {
      showSaveDialog: async (window: FakeWindow, o: SaveDialogOptions) => {
        saveDialogs.push({ window, options: o });
        return saveAnswers.shift() ?? { canceled: true };
      },
      showMessageBox: async (o: MessageBoxOptions) => {
        messages.push(o);
        return { response: 0 };
      },
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (h: typeof headerHook) => void (headerHook = h) },
        setPermissionRequestHandler: (h: typeof permissionHook) => void (permissionHook = h),
      },
    },
  } as unknown as ElectronLike;

  return {
    electron,
    userData,
    documents,
    windows,
    handlers,
    opened,
    menus,
    shortcuts,
    registerCalls,
    saveDialogs,
    messages,
    headers: () => headerHook,
    permissions: () => permissionHook,
    /** What the next save dialog answers (canceled unless told). */
    answerSave: (answer: { canceled: boolean; filePath?: string }) => void saveAnswers.push(answer),
    /** The application menu as last set. */
    menu: () => menus.at(-1)!,
    focus: (w: FakeWindow | null) => void (focused = w),
    emitApp: (event: string) => appEvents.emit(event),
    unplug: (id: number) => {
      const gone = displays.find((d) => d.id === id)!;
      displays = displays.filter((d) => d.id !== id);
      screenEvents.emit('display-removed', {}, gone);
    },
    plugIn: (display: DisplayLike) => {
      displays = [...displays, display];
      screenEvents.emit('display-added', {}, display);
    },
    counts: () => ({ quits, killed, forks }),
    /** The hub's utility process, to make it exit. */
    hubChild: child,
    /** An IPC call as it would come from `win`'s page (or from a foreign frame URL). */
    invoke: (channel: string, win: { webContents: { id: number; getURL(): string } }, frameUrl = win.webContents.getURL()) =>
      handlers.get(channel)!({ sender: { id: win.webContents.id }, senderFrame: { url: frameUrl } }),
  };
}

/** Collects log lines. */
export function logLines(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => void lines.push(line) };
}
