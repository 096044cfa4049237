/**
 * The Electron security checklist, applied to every window the app makes: isolated, sandboxed, no
 * Node in pages, navigation and new windows blocked, links opened outside only from an allowlist,
 * IPC answered only to frames served by our own hub.
 */
import type { BrowserWindowOptions, ElectronLike, IpcMainInvokeEventLike, WebContentsLike } from './types.js';

/** Content Security Policy for every page: no eval, scripts only from the hub itself. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Hosts whose links may open in the system browser. */
export const EXTERNAL_ALLOWLIST = new Set(['github.com', 'obsproject.com', 'bitfocus.io']);

export function secureWebPreferences(preload: string): BrowserWindowOptions['webPreferences'] {
  return { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false };
}

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_ALLOWLIST.has(u.hostname);
  } catch {
    return false;
  }
}

/** Same origin as the hub (scheme, host and port). */
export function isHubUrl(url: string | undefined | null, hubOrigin: string): boolean {
  if (!url) return false;
  try {
    return new URL(url).origin === hubOrigin;
  } catch {
    return false;
  }
}

/** Blocks navigation away from the hub and every new window; allowlisted links go to the browser. */
export function lockDown(contents: WebContentsLike, hubOrigin: string, shell: ElectronLike['shell']): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const stay = (event: { preventDefault(): void }, url: string) => {
    if (!isHubUrl(url, hubOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
}

/** Whether an IPC call comes from a frame our hub served; anything else is refused. */
export function isTrustedSender(event: IpcMainInvokeEventLike, hubOrigin: string): boolean {
  return isHubUrl(event.senderFrame?.url, hubOrigin);
}

/**
 * Registers an IPC handler that runs only for a window the shell made, showing a page our hub
 * served; any other caller gets an error and the handler never runs. Every channel goes through
 * here, so no handler can forget the check.
 */
export function handleTrusted<T>(
  ipcMain: ElectronLike['ipcMain'],
  channel: string,
  isOurWindow: (webContentsId: number) => boolean,
  hubOrigin: string,
  handler: (event: IpcMainInvokeEventLike) => T,
): void {
  ipcMain.handle(channel, (event) => {
    if (!isOurWindow(event.sender.id) || !isTrustedSender(event, hubOrigin)) throw new Error(`This frame may not call ${channel}.`);
    return handler(event);
  });
}

/** Browser permissions our pages use (the big screen's full-screen key); everything else is refused. */
export const ALLOWED_PERMISSIONS = new Set(['fullscreen']);

/** Refuses camera, microphone, notifications, geolocation… to every page, and all to foreign ones. */
export function limitPermissions(electron: ElectronLike, hubOrigin: string): void {
  electron.session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
    const url = details.requestingUrl ?? contents.getURL();
    callback(ALLOWED_PERMISSIONS.has(permission) && isHubUrl(url, hubOrigin));
  });
}

/** Adds the CSP header to every response the windows load. */
export function enforceCsp(electron: ElectronLike): void {
  electron.session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}
