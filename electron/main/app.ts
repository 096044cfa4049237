/**
 * The desktop shell: start the hub in a utility process, open windows by role, hand each window the
 * hub URL and the token its role needs. Nothing of the domain lives here. Everything takes the
 * Electron API as a parameter, so tests drive it with a fake.
 */
import path from 'node:path';
import { enforceCsp, isTrustedSender, lockDown, secureWebPreferences } from './security.js';
import type { BrowserWindowLike, DisplayLike, ElectronLike } from './types.js';

export type WindowRole = 'control' | 'prompter' | 'screen';

export interface HubReady {
  url: string;
  tokens: { operator: string; viewer: string; ingest: string };
}

/** What the preload may ask for; the answer depends on the window's role. */
export interface Connection {
  hubUrl: string;
  token: string;
  role: WindowRole;
}

export const IPC_CONNECTION = 'livedeck-connection';

const ROUTES: Record<WindowRole, string> = { control: '#/control', prompter: '#/prompter', screen: '#/screen' };

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

/** The display a role's window goes on: the one asked for if it exists, else the primary. */
export function pickDisplay(displays: DisplayLike[], primary: DisplayLike, wantedId: number | undefined): DisplayLike {
  return displays.find((d) => d.id === wantedId) ?? primary;
}

export interface Desktop {
  hub: HubReady;
  windows: Map<WindowRole, BrowserWindowLike>;
  open: (role: WindowRole, displayId?: number) => Promise<BrowserWindowLike>;
  roleOf: (webContentsId: number) => WindowRole | undefined;
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
}

export async function startDesktop(electron: ElectronLike, options: DesktopOptions): Promise<Desktop> {
  await electron.app.whenReady();
  enforceCsp(electron);
  const dbFile = options.dbFile ?? path.join(electron.app.getPath('userData'), 'livedeck.db');
  const child = electron.utilityProcess.fork(options.hubEntry, [], {
    serviceName: 'livedeck-hub',
    stdio: 'inherit',
    env: { ...process.env, LIVEDECK_DB: dbFile, LIVEDECK_SIMULATE: options.simulate ? '1' : '0' },
  });
  const hub = await waitForHub(child);
  const origin = new URL(hub.url).origin;
  const windows = new Map<WindowRole, BrowserWindowLike>();
  const roles = new Map<number, WindowRole>();

  electron.ipcMain.handle(IPC_CONNECTION, (event): Connection => {
    const role = roles.get(event.sender.id);
    if (!role || !isTrustedSender(event, origin)) throw new Error('This frame may not ask for a connection.');
    return { hubUrl: hub.url, token: role === 'control' ? hub.tokens.operator : hub.tokens.viewer, role };
  });

  async function open(role: WindowRole, displayId?: number): Promise<BrowserWindowLike> {
    const existing = windows.get(role);
    if (existing) {
      existing.show();
      return existing;
    }
    const display = pickDisplay(electron.screen.getAllDisplays(), electron.screen.getPrimaryDisplay(), displayId);
    const win = new electron.BrowserWindow({
      title: 'LiveDeck 直播中控台',
      width: role === 'control' ? 1600 : display.bounds.width,
      height: role === 'control' ? 900 : display.bounds.height,
      x: display.bounds.x,
      y: display.bounds.y,
      fullscreen: role !== 'control',
      backgroundColor: '#101014',
      show: false,
      webPreferences: secureWebPreferences(options.preload),
    });
    lockDown(win.webContents, origin, electron.shell);
    roles.set(win.webContents.id, role);
    windows.set(role, win);
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      windows.delete(role);
      roles.delete(win.webContents.id);
    });
    await win.loadURL(`${hub.url}/${ROUTES[role]}`);
    return win;
  }

  electron.app.on('window-all-closed', () => electron.app.quit());
  electron.app.on('before-quit', () => child.kill());
  await open('control');
  return { hub, windows, open, roleOf: (id) => roles.get(id) };
}
