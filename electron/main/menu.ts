/**
 * The application menu as a pure function of what is on screen: the display list feeds the
 * "open prompter / big screen on…" submenus, and every click is a callback the shell supplies.
 * Rebuilt whenever a display comes or goes.
 */
import { describeDisplay } from './displays.js';
import type { DisplayLike, MenuItemTemplate } from './types.js';

export interface MenuActions {
  exportRecapPdf(): void;
  quit(): void;
  openPrompter(displayId: number): void;
  openScreen(displayId: number): void;
  showKeyboardMap(): void;
  showGlobalShortcuts(): void;
  reloadShortcuts(): void;
  about(): void;
}

export interface MenuState {
  platform: NodeJS.Platform;
  displays: DisplayLike[];
  primaryId: number;
  /** Where the prompter / big screen is now, to tick it in the submenu. */
  prompterDisplayId?: number;
  screenDisplayId?: number;
  /** Developer tools in the View menu (unpackaged builds only). */
  devTools: boolean;
}

function displayChoices(state: MenuState, current: number | undefined, open: (displayId: number) => void): MenuItemTemplate[] {
  return state.displays.map((d, i) => ({
    id: `display-${d.id}`,
    label: describeDisplay(d, i, state.primaryId),
    type: 'radio',
    checked: d.id === current,
    click: () => open(d.id),
  }));
}

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemTemplate[] {
  const separator: MenuItemTemplate = { type: 'separator' };
  const menu: MenuItemTemplate[] = [
    {
      label: '文件 (File)',
      submenu: [
        { id: 'export-recap-pdf', label: '导出复盘 PDF… (Export recap PDF)', accelerator: 'CommandOrControl+P', click: actions.exportRecapPdf },
        separator,
        { id: 'quit', label: '退出 (Quit)', accelerator: 'CommandOrControl+Q', click: actions.quit },
      ],
    },
    {
      label: '编辑 (Edit)',
      // Without these roles, copy and paste do nothing in the pages' text fields on a Mac.
      submenu: [{ role: 'undo' }, { role: 'redo' }, separator, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: '视图 (View)',
      submenu: [
        { role: 'reload' },
        ...(state.devTools ? [{ role: 'toggleDevTools' } satisfies MenuItemTemplate] : []),
        separator,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '窗口 (Window)',
      submenu: [
        { id: 'open-prompter', label: '打开提词器 (Open prompter)', submenu: displayChoices(state, state.prompterDisplayId, actions.openPrompter) },
        { id: 'open-screen', label: '打开数据大屏 (Open big screen)', submenu: displayChoices(state, state.screenDisplayId, actions.openScreen) },
        separator,
        { role: 'minimize' },
      ],
    },
    {
      label: '帮助 (Help)',
      submenu: [
        { id: 'keyboard-map', label: '键盘快捷键 (Keyboard map)', click: actions.showKeyboardMap },
        { id: 'global-shortcuts', label: '全局快捷键… (Global shortcuts)', click: actions.showGlobalShortcuts },
        { id: 'reload-shortcuts', label: '重新载入快捷键设置 (Reload shortcut settings)', click: actions.reloadShortcuts },
        separator,
        { id: 'about', label: '关于 LiveDeck (About)', click: actions.about },
      ],
    },
  ];
  // A Mac's first menu is always the application's own (About, Hide, Quit…).
  return state.platform === 'darwin' ? [{ role: 'appMenu' }, ...menu] : menu;
}

/** The item with this id anywhere in the template (for tests and for wiring). */
export function findMenuItem(template: MenuItemTemplate[], id: string): MenuItemTemplate | undefined {
  for (const item of template) {
    if (item.id === id) return item;
    const inner = item.submenu && findMenuItem(item.submenu, id);
    if (inner) return inner;
  }
  return undefined;
}
