/**
 * The desktop shell: start the hub in a utility process, open windows by role, hand each window the
 * hub URL and the token its role needs, and add what only a desktop app can: a prompter on the
 * display the host faces (remembered), an application menu, global shortcuts that work while OBS
 * has focus, PDF export. Nothing of the domain lives here — a shortcut is a key mapped to a hub
 * action name. Everything takes the Electron API as a parameter, so tests drive it with a fake.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IPC, type Connection, type PrintPdfResult, type WindowRole } from '../preload/bridge.js';
import { displayName, pickDisplay, placeAfterRemoval, placeOnChosen, placeRemembered, type Placement } from './displays.js';
import { buildMenuTemplate, type MenuActions } from './menu.js';
import { exportPdf, isRecapPage } from './pdf.js';
import { enforceCsp, handleTrusted, limitPermissions, lockDown, secureWebPreferences } from './security.js';
import { fileSettingsStore, type DesktopSettings, type ScreenRole, type SettingsStore } from './settings.js';
import { createHubCaller, DEFAULT_SHORTCUTS, describeShortcuts, planShortcuts, registerShortcuts, type ShortcutReport } from './shortcuts.js';
import type { BrowserWindowLike, DisplayLike, ElectronLike, MenuItemTemplate } from './types.js';

export { pickDisplay };
export type { Connection, WindowRole };

export interface HubReady {
  url: string;
  tokens: { operator: string; viewer: string; ingest: string };
}

export const IPC_CONNECTION = IPC.connection;
export const IPC_PRINT_PDF = IPC.printPdf;

const ROUTES: Record<WindowRole, string> = { control: '#/control', prompter: '#/prompter', screen: '#/screen' };
const ROLE_NAMES: Record<WindowRole, string> = { control: 'control window', prompter: 'prompter', screen: 'big screen' };
const SCREEN_ROLES: ScreenRole[] = ['prompter', 'screen'];

/** The error `startDesktop` throws when another LiveDeck is already running (the entry quits quietly). */
export const ALREADY_RUNNING = 'already-running';

/** Waits for the hub process to say where it listens. */
export function waitForHub(child: ReturnType<ElectronLike['utilityProcess']['fork']>, timeoutMs = 20_000): Promise<HubReady> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The hub did not start within 20 seconds.')), timeoutMs);
    child.on('message', (message) => {
      const m = message as { type?: string } & Partial<HubReady> & { error?: string };
      if (m.type === 'ready' && m.url && m.tokens) {
        clearTimeout(timer);
        resolve({ url: m.url, tokens: m.tokens });
      } else if (m.type === 'error') {
        clearTimeout(timer);
        reject(new Error(m.error ?? 'The hub failed to start.'));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The hub stopped (exit code ${code}).`));
    });
  });
}

export interface Desktop {
  hub: HubReady;
  windows: Map<WindowRole, BrowserWindowLike>;
  /** Opens (or shows) a role's window; for prompter and big screen, on `displayId` if given (and remembers it). */
  open: (role: WindowRole, displayId?: number) => Promise<BrowserWindowLike>;
  roleOf: (webContentsId: number) => WindowRole | undefined;
  /** The display the prompter or big screen is on now. */
  displayOf: (role: ScreenRole) => number | undefined;
  /** The global shortcuts now registered, and every one that is not (with why). */
  shortcuts: () => ShortcutReport;
  /** Re-reads the settings file and registers the shortcuts again. */
  reloadShortcuts: () => ShortcutReport;
  /** File → Export recap PDF: the recap on screen, or `null` when no window shows one. */
  exportRecapPdf: () => Promise<PrintPdfResult | null>;
  /** The application menu as last built. */
  menu: () => MenuItemTemplate[];
}

export interface DesktopOptions {
  /** The built hub entry (a Node module run by `utilityProcess.fork`). */
  hubEntry: string;
  /** The built preload script. */
  preload: string;
  /** The studio database; defaults to the app's user-data folder. */
  dbFile?: string;
  /** Run the demo audience (rehearsal mode). */
  simulate?: boolean;
  /** Display choices and shortcuts; defaults to `desktop-settings.json` in the user-data folder. */
  settings?: SettingsStore;
  /** How shortcuts reach the hub; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** How exported PDFs are written; defaults to `fs.promises.writeFile`. */
  writeFile?: (file: string, data: Uint8Array) => Promise<void>;
  log?: (line: string) => void;
  platform?: NodeJS.Platform;
  now?: () => number;
}

export async function startDesktop(electron: ElectronLike, options: DesktopOptions): Promise<Desktop> {
  const { app, screen, dialog } = electron;
  const log = options.log ?? ((line: string) => console.log(`[livedeck] ${line}`));
  const platform = options.platform ?? process.platform;
  // Two apps would run two hubs on one database; the second hands over to the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    throw Object.assign(new Error('LiveDeck is already running.'), { code: ALREADY_RUNNING });
  }
  await app.whenReady();
  enforceCsp(electron);
  const settingsStore = options.settings ?? fileSettingsStore(app.getPath('userData'), log);
  let settings: DesktopSettings = settingsStore.load();
  const save = () => {
    try {
      settingsStore.save(settings);
    } catch (err) {
      log(`Could not save ${settingsStore.location}: ${(err as Error).message}`);
    }
  };
  if (Object.keys(settings.shortcuts).length === 0) {
    // Written out once so the operator has a file to edit, not a format to guess.
    settings.shortcuts = { ...DEFAULT_SHORTCUTS };
    save();
  }

  const dbFile = options.dbFile ?? path.join(app.getPath('userData'), 'livedeck.db');
  const child = electron.utilityProcess.fork(options.hubEntry, [], {
    serviceName: 'livedeck-hub',
    stdio: 'inherit',
    env: { ...process.env, LIVEDECK_DB: dbFile, LIVEDECK_SIMULATE: options.simulate ? '1' : '0' },
  });
  const hub = await waitForHub(child);
  const origin = new URL(hub.url).origin;
  limitPermissions(electron, origin);
  const windows = new Map<WindowRole, BrowserWindowLike>();
  const roles = new Map<number, WindowRole>();
  /** The display each full-screen window is on now (not necessarily the remembered one). */
  const placed = new Map<ScreenRole, number>();
  const isOurWindow = (webContentsId: number) => roles.has(webContentsId);
  const windowOf = (webContentsId: number) => windows.get(roles.get(webContentsId)!)!;

  const pdfDeps = {
    dialog,
    documentsDir: app.getPath('documents'),
    writeFile: options.writeFile ?? ((file: string, data: Uint8Array) => fs.promises.writeFile(file, data)),
    log,
  };

  handleTrusted(electron.ipcMain, IPC.connection, isOurWindow, origin, (event): Connection => {
    const role = roles.get(event.sender.id)!;
    return { hubUrl: hub.url, token: role === 'control' ? hub.tokens.operator : hub.tokens.viewer, role };
  });
  handleTrusted(electron.ipcMain, IPC.printPdf, isOurWindow, origin, (event) => exportPdf(windowOf(event.sender.id), pdfDeps));

  function remember(role: ScreenRole, display: DisplayLike): void {
    settings.displays[role] = { displayId: display.id, bounds: { ...display.bounds }, ...(display.label ? { label: display.label } : {}) };
    save();
  }

  /** Where a prompter or big screen goes: the display chosen now, else the one remembered, else a default. */
  function placeFor(role: ScreenRole, displayId: number | undefined): Placement {
    const displays = screen.getAllDisplays();
    const primary = screen.getPrimaryDisplay();
    if (displayId !== undefined) {
      const chosen = placeOnChosen(displays, primary, displayId);
      if (chosen) {
        remember(role, chosen.display);
        return chosen;
      }
      log(`Display ${displayId} is not connected; the ${ROLE_NAMES[role]} opens on the primary display instead.`);
      return placeAfterRemoval(primary);
    }
    const remembered = settings.displays[role];
    const placement = placeRemembered(displays, primary, remembered);
    if (placement.source === 'fallback') {
      log(
        `The ${ROLE_NAMES[role]} was last on display ${remembered!.displayId}${remembered!.label ? ` (${remembered!.label})` : ''}, which is not connected; it opens on the primary display instead.`,
      );
    } else if (placement.source === 'recognised') {
      log(`Display ${remembered!.displayId} is now ${displayName(placement.display)} (same position and size); the ${ROLE_NAMES[role]} goes there.`);
      remember(role, placement.display);
    }
    return placement;
  }

  function moveTo(role: ScreenRole, win: BrowserWindowLike, placement: Placement): void {
    // A full-screen window ignores new bounds; leave full screen, move, then enter it on the new display.
    if (win.isFullScreen()) win.setFullScreen(false);
    win.setBounds(placement.bounds);
    if (placement.fullscreen) win.setFullScreen(true);
    placed.set(role, placement.display.id);
  }

  async function open(role: WindowRole, displayId?: number): Promise<BrowserWindowLike> {
    const existing = windows.get(role);
    if (role === 'control') {
      if (existing) {
        existing.show();
        existing.focus();
        return existing;
      }
      const primary = screen.getPrimaryDisplay().bounds;
      const width = Math.min(1600, primary.width);
      const height = Math.min(900, primary.height);
      return create('control', {
        x: primary.x + Math.round((primary.width - width) / 2),
        y: primary.y + Math.round((primary.height - height) / 2),
        width,
        height,
        fullscreen: false,
      });
    }
    const placement = placeFor(role, displayId);
    if (existing) {
      if (placed.get(role) !== placement.display.id || displayId !== undefined) moveTo(role, existing, placement);
      existing.show();
      existing.focus();
      refreshMenu();
      return existing;
    }
    placed.set(role, placement.display.id);
    const win = await create(role, { ...placement.bounds, fullscreen: placement.fullscreen });
    refreshMenu();
    return win;
  }

  async function create(role: WindowRole, frame: { x: number; y: number; width: number; height: number; fullscreen: boolean }): Promise<BrowserWindowLike> {
    const win = new electron.BrowserWindow({
      title: 'LiveDeck 直播中控台',
      ...frame,
      backgroundColor: '#101014',
      show: false,
      autoHideMenuBar: role !== 'control',
      webPreferences: secureWebPreferences(options.preload),
    });
    const contentsId = win.webContents.id;
    lockDown(win.webContents, origin, electron.shell);
    roles.set(contentsId, role);
    windows.set(role, win);
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (windows.get(role) === win) windows.delete(role);
      roles.delete(contentsId);
      if (role !== 'control') placed.delete(role);
      refreshMenu();
    });
    await win.loadURL(`${hub.url}/${ROUTES[role]}`);
    return win;
  }

  electron.screen.on('display-removed', (_event, gone) => {
    for (const role of SCREEN_ROLES) {
      const win = windows.get(role);
      if (!win || placed.get(role) !== gone.id) continue;
      moveTo(role, win, placeAfterRemoval(screen.getPrimaryDisplay()));
      log(`${displayName(gone)} was disconnected; the ${ROLE_NAMES[role]} moved to the primary display.`);
    }
    refreshMenu();
  });
  electron.screen.on('display-added', (_event, added) => {
    // The remembered display is back (a cable reseated): return the window to it.
    for (const role of SCREEN_ROLES) {
      const win = windows.get(role);
      const remembered = settings.displays[role];
      if (!win || !remembered || placed.get(role) === added.id) continue;
      const placement = placeRemembered(screen.getAllDisplays(), screen.getPrimaryDisplay(), remembered);
      if (placement.display.id !== added.id) continue;
      moveTo(role, win, placement);
      log(`${displayName(added)} is back; the ${ROLE_NAMES[role]} moved back to it.`);
    }
    refreshMenu();
  });

  const callHub = createHubCaller({
    hubUrl: hub.url,
    operatorToken: hub.tokens.operator,
    fetch: options.fetch ?? globalThis.fetch,
    log,
    now: options.now,
  });
  let shortcuts: ShortcutReport = { registered: [], conflicts: [] };
  function applyShortcuts(): ShortcutReport {
    electron.globalShortcut.unregisterAll();
    // The press's outcome is logged by the caller; nothing waits on it.
    shortcuts = registerShortcuts(electron.globalShortcut, planShortcuts(settings.shortcuts, platform), (shortcut) => void callHub(shortcut));
    log(`Global shortcuts: ${shortcuts.registered.map((s) => s.accelerator).join(', ') || 'none'} (set in ${settingsStore.location}).`);
    for (const c of shortcuts.conflicts) log(c.message);
    return shortcuts;
  }
  function reloadShortcuts(): ShortcutReport {
    settings = settingsStore.load();
    return applyShortcuts();
  }
  const showShortcuts = (title: string) =>
    dialog.showMessageBox({
      type: shortcuts.conflicts.length > 0 ? 'warning' : 'info',
      title,
      message: shortcuts.conflicts.length > 0 ? '有全局快捷键未生效 (Some global shortcuts are not active)' : '全局快捷键 (Global shortcuts)',
      detail: `${describeShortcuts(shortcuts)}\n\n设置文件 (Settings file): ${settingsStore.location}`,
    });

  async function exportRecapPdf(): Promise<PrintPdfResult | null> {
    const ours = [...windows.values()];
    const focused = electron.BrowserWindow.getFocusedWindow();
    const showsRecap = (w: BrowserWindowLike) => !w.isDestroyed() && isRecapPage(w.webContents.getURL());
    const target = focused && ours.includes(focused) && showsRecap(focused) ? focused : ours.find(showsRecap);
    if (!target) {
      await dialog.showMessageBox({
        type: 'info',
        title: '导出复盘 PDF (Export recap PDF)',
        message: '请先打开一场复盘 (Open a recap first)',
        detail: '在「场次」中打开一场直播的复盘，再导出。(Open a session’s recap from Sessions, then export.)',
      });
      return null;
    }
    const result = await exportPdf(target, pdfDeps);
    if (!result.ok && result.error.code === 'failed') {
      await dialog.showMessageBox({ type: 'error', title: '导出失败 (Export failed)', message: result.error.message });
    }
    return result;
  }

  const report = (what: string) => (err: Error) => log(`${what} failed: ${err.message}`);
  const menuActions: MenuActions = {
    exportRecapPdf: () => void exportRecapPdf().catch(report('Export recap PDF')),
    quit: () => app.quit(),
    openPrompter: (displayId) => void open('prompter', displayId).catch(report('Opening the prompter')),
    openScreen: (displayId) => void open('screen', displayId).catch(report('Opening the big screen')),
    // The control page opens its keyboard help when the route asks for it (`?help=1`).
    showKeyboardMap: () =>
      void open('control')
        .then((win) => win.loadURL(`${hub.url}/#/control?help=1`))
        .catch(report('Opening the keyboard map')),
    showGlobalShortcuts: () => void showShortcuts('全局快捷键 (Global shortcuts)').catch(report('Showing the shortcuts')),
    reloadShortcuts: () => {
      reloadShortcuts();
      void showShortcuts('全局快捷键 (Global shortcuts)').catch(report('Showing the shortcuts'));
    },
    about: () =>
      void dialog
        .showMessageBox({
          type: 'info',
          title: '关于 LiveDeck (About)',
          message: `LiveDeck 直播中控台 ${app.getVersion()}`,
          detail: `Hub: ${hub.url}\n设置 (Settings): ${settingsStore.location}\n数据库 (Database): ${dbFile}`,
        })
        .catch(report('Showing About')),
  };
  let template: MenuItemTemplate[] = [];
  function refreshMenu(): void {
    template = buildMenuTemplate(
      {
        platform,
        displays: screen.getAllDisplays(),
        primaryId: screen.getPrimaryDisplay().id,
        prompterDisplayId: placed.get('prompter'),
        screenDisplayId: placed.get('screen'),
        devTools: !app.isPackaged,
      },
      menuActions,
    );
    electron.Menu.setApplicationMenu(electron.Menu.buildFromTemplate(template));
  }

  let quitting = false;
  child.on('exit', (code) => {
    if (quitting) return;
    // The windows keep their last state and show they are disconnected; say why, and what to do.
    log(`The hub stopped unexpectedly (exit code ${code}).`);
    void dialog
      .showMessageBox({
        type: 'error',
        title: 'LiveDeck',
        message: '数据中心已停止 (The hub stopped)',
        detail: `Exit code ${code}. 请重新启动 LiveDeck；本场数据已保存 (Restart LiveDeck; the session is kept in ${dbFile}).`,
      })
      .catch(report('Showing the hub failure'));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    quitting = true;
    child.kill();
  });
  app.on('will-quit', () => electron.globalShortcut.unregisterAll());
  app.on('second-instance', () => void open('control').catch(report('Showing the control window')));
  refreshMenu();
  applyShortcuts();
  if (shortcuts.conflicts.length > 0) void showShortcuts('LiveDeck').catch(report('Showing the shortcuts'));
  await open('control');
  return {
    hub,
    windows,
    open,
    roleOf: (id) => roles.get(id),
    displayOf: (role) => placed.get(role),
    shortcuts: () => shortcuts,
    reloadShortcuts,
    exportRecapPdf,
    menu: () => template,
  };
}
