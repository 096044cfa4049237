/**
 * The slice of Electron the main process uses, as plain interfaces. The real `electron` module
 * satisfies them; tests pass a fake, so the shell's logic runs without the Electron runtime.
 */
export interface WebContentsLike {
  id: number;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
}

export interface BrowserWindowOptions {
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  fullscreen?: boolean;
  title?: string;
  backgroundColor?: string;
  show?: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    webSecurity: boolean;
    spellcheck?: boolean;
  };
}

export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  show(): void;
  setFullScreen(flag: boolean): void;
}

export interface IpcMainInvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string } | null;
}

export interface UtilityProcessLike {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface DisplayLike {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

export interface ElectronLike {
  app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'before-quit', listener: () => void): unknown;
    quit(): void;
    getPath(name: 'userData'): string;
    isPackaged: boolean;
  };
  BrowserWindow: new (options: BrowserWindowOptions) => BrowserWindowLike;
  ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void;
  };
  utilityProcess: {
    fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe'; env?: Record<string, string | undefined> }): UtilityProcessLike;
  };
  shell: { openExternal(url: string): Promise<void> };
  screen: { getAllDisplays(): DisplayLike[]; getPrimaryDisplay(): DisplayLike };
  session: {
    defaultSession: {
      webRequest: {
        onHeadersReceived(
          listener: (
            details: { url: string; responseHeaders?: Record<string, string[] | string> },
            callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void,
          ) => void,
        ): void;
      };
    };
  };
}
