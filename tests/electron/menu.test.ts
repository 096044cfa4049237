import { describe, expect, it } from 'vitest';
import { startDesktop } from '../../electron/main/app.js';
import { buildMenuTemplate, findMenuItem, type MenuActions, type MenuState } from '../../electron/main/menu.js';
import type { MenuItemTemplate } from '../../electron/main/types.js';
import { fakeElectron, HUB_URL, logLines, PRIMARY, SIDE } from './fake-electron.js';

/** Menu actions that record which were called, and with what. */
function spyActions() {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args]);
  const actions: MenuActions = {
    exportRecapPdf: record('exportRecapPdf'),
    quit: record('quit'),
    openPrompter: record('openPrompter'),
    openScreen: record('openScreen'),
    showKeyboardMap: record('showKeyboardMap'),
    showGlobalShortcuts: record('showGlobalShortcuts'),
    reloadShortcuts: record('reloadShortcuts'),
    about: record('about'),
  };
  return { actions, calls };
}

const state = (over: Partial<MenuState> = {}): MenuState => ({ platform: 'win32', displays: [PRIMARY, SIDE], primaryId: 1, devTools: false, ...over });
const labels = (items: MenuItemTemplate[]) => items.map((i) => i.label ?? i.role ?? i.type);

describe('the application menu template', () => {
  it('has File, Edit, View, Window and Help, in Chinese with the English in parentheses', () => {
    expect(labels(buildMenuTemplate(state(), spyActions().actions))).toEqual(['文件 (File)', '编辑 (Edit)', '视图 (View)', '窗口 (Window)', '帮助 (Help)']);
  });

  it('starts with the application menu on a Mac', () => {
    expect(labels(buildMenuTemplate(state({ platform: 'darwin' }), spyActions().actions))[0]).toBe('appMenu');
  });

  it('File exports the recap PDF and quits', () => {
    const { actions, calls } = spyActions();
    const menu = buildMenuTemplate(state(), actions);
    expect(labels(menu[0].submenu!)).toEqual(['导出复盘 PDF… (Export recap PDF)', 'separator', '退出 (Quit)']);
    expect(findMenuItem(menu, 'export-recap-pdf')).toMatchObject({ accelerator: 'CommandOrControl+P' });
    findMenuItem(menu, 'export-recap-pdf')!.click!();
    findMenuItem(menu, 'quit')!.click!();
    expect(calls).toEqual([['exportRecapPdf'], ['quit']]);
  });

  it('Window lists every display for the prompter and the big screen, ticking where each is', () => {
    const { actions, calls } = spyActions();
    const menu = buildMenuTemplate(state({ prompterDisplayId: 2 }), actions);
    const prompter = findMenuItem(menu, 'open-prompter')!;
    expect(prompter.label).toBe('打开提词器 (Open prompter)');
    expect(prompter.submenu!.map((i) => [i.label, i.checked])).toEqual([
      ['显示器 1（主屏） · Built-in · 1920×1080 (Display 1, primary)', false],
      ['显示器 2 · Prompter · 1024×768 (Display 2)', true],
    ]);
    prompter.submenu![1].click!();
    const screen = findMenuItem(menu, 'open-screen')!;
    expect(screen.label).toBe('打开数据大屏 (Open big screen)');
    expect(screen.submenu!.every((i) => !i.checked)).toBe(true);
    screen.submenu![0].click!();
    expect(calls).toEqual([
      ['openPrompter', 2],
      ['openScreen', 1],
    ]);
  });

  it('Help opens the keyboard map, the global shortcuts and About', () => {
    const { actions, calls } = spyActions();
    const menu = buildMenuTemplate(state(), actions);
    expect(labels(menu.at(-1)!.submenu!)).toEqual([
      '键盘快捷键 (Keyboard map)',
      '全局快捷键… (Global shortcuts)',
      '重新载入快捷键设置 (Reload shortcut settings)',
      'separator',
      '关于 LiveDeck (About)',
    ]);
    for (const id of ['keyboard-map', 'global-shortcuts', 'reload-shortcuts', 'about']) findMenuItem(menu, id)!.click!();
    expect(calls).toEqual([['showKeyboardMap'], ['showGlobalShortcuts'], ['reloadShortcuts'], ['about']]);
  });

  it('offers developer tools only in an unpackaged build, and keeps copy and paste working', () => {
    const roles = (s: MenuState) =>
      buildMenuTemplate(s, spyActions().actions)
        .flatMap((m) => m.submenu ?? [])
        .map((i) => i.role);
    expect(roles(state())).not.toContain('toggleDevTools');
    expect(roles(state({ devTools: true }))).toContain('toggleDevTools');
    expect(roles(state())).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'undo']));
  });
});

describe('the application menu in the app', () => {
  const settle = () => new Promise((r) => setTimeout(r, 5));

  it('is set at start and its items do what they say', async () => {
    const f = fakeElectron();
    const desktop = await startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs', log: logLines().log, platform: 'linux' });
    expect(desktop.menu()).toBe(f.menu());

    findMenuItem(f.menu(), 'open-screen')!.submenu![1].click!();
    await settle();
    expect(desktop.windows.get('screen')).toBe(f.windows[1]);
    expect(f.windows[1]).toMatchObject({ loaded: `${HUB_URL}/#/screen`, bounds: SIDE.bounds, fullscreen: true });

    findMenuItem(f.menu(), 'keyboard-map')!.click!();
    await settle();
    expect(f.windows[0].loaded).toBe(`${HUB_URL}/#/control?help=1`);
    expect(f.electron.BrowserWindow.getFocusedWindow()).toBe(f.windows[0]);

    findMenuItem(f.menu(), 'about')!.click!();
    await settle();
    expect(f.messages.at(-1)).toMatchObject({ title: '关于 LiveDeck (About)', message: 'LiveDeck 直播中控台 0.1.0', detail: expect.stringContaining(HUB_URL) });

    findMenuItem(f.menu(), 'quit')!.click!();
    expect(f.counts().quits).toBe(1);
  });
});
