/**
 * The slice of Electron the main process uses, as plain interfaces. The real `electron` module
 * satisfies them; tests pass a fake, so the shell's logic runs without the Electron runtime.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PrintToPdfOptions {
  printBackground: boolean;
  pageSize: 'A4';
}

export interface WebContentsLike {
  id: number;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  /** The page's current address, hash included (`…/#/recap/12`). */
  getURL(): string;
  printToPDF(options: PrintToPdfOptions): Promise<Uint8Array>;
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
  /** Windows/Linux: hide the menu bar until Alt is pressed (the prompter and big screen show no chrome). */
  autoHideMenuBar?: boolean;
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
  focus(): void;
  setFullScreen(flag: boolean): void;
  isFullScreen(): boolean;
  setBounds(bounds: Rect): void;
  isDestroyed(): boolean;
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
  bounds: Rect;
  /** The name the OS gives the display ("DELL U2720Q"); may be empty. */
  label?: string;
}

/** A menu item as `Menu.buildFromTemplate` takes it (the subset the shell uses). */
export interface MenuItemTemplate {
  id?: string;
  label?: string;
  role?: 'appMenu' | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll' | 'reload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'minimize';
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  accelerator?: string;
  checked?: boolean;
  enabled?: boolean;
  submenu?: MenuItemTemplate[];
  click?: () => void;
}

export interface SaveDialogOptions {
  title: string;
  defaultPath: string;
  buttonLabel?: string;
  filters: { name: string; extensions: string[] }[];
}

export interface MessageBoxOptions {
  type: 'none' | 'info' | 'error' | 'question' | 'warning';
  title: string;
  message: string;
  detail?: string;
  buttons?: string[];
}

export interface ElectronLike {
  app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'before-quit' | 'will-quit' | 'second-instance', listener: () => void): unknown;
    quit(): void;
    getPath(name: 'userData' | 'documents'): string;
    getVersion(): string;
    requestSingleInstanceLock(): boolean;
    isPackaged: boolean;
  };
  BrowserWindow: {
    new (options: BrowserWindowOptions): BrowserWindowLike;
    getFocusedWindow(): BrowserWindowLike | null;
  };
  ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void;
  };
  utilityProcess: {
    fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe'; env?: Record<string, string | undefined> }): UtilityProcessLike;
  };
  shell: { openExternal(url: string): Promise<void> };
  screen: {
    getAllDisplays(): DisplayLike[];
    getPrimaryDisplay(): DisplayLike;
    on(event: 'display-added' | 'display-removed', listener: (event: unknown, display: DisplayLike) => void): unknown;
  };
  Menu: {
    buildFromTemplate(template: MenuItemTemplate[]): unknown;
    setApplicationMenu(menu: unknown): void;
  };
  globalShortcut: {
    /** False when the accelerator could not be taken (another application owns it). */
    register(accelerator: string, callback: () => void): boolean;
    unregisterAll(): void;
  };
  dialog: {
    showSaveDialog(window: BrowserWindowLike, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
    showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>;
  };
  session: {
    defaultSession: {
      webRequest: {
        onHeadersReceived(
          listener: (details: { url: string; responseHeaders?: Record<string, string[] | string> }, callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void) => void,
        ): void;
      };
      setPermissionRequestHandler(handler: (contents: { getURL(): string }, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void): void;
    };
  };
}
