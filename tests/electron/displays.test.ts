import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDesktop } from '../../electron/main/app.js';
import { pickDisplay, placeAfterRemoval, placeOnChosen, placeRemembered, windowedBounds } from '../../electron/main/displays.js';
import { findMenuItem } from '../../electron/main/menu.js';
import { fileSettingsStore, parseSettings, SETTINGS_FILE } from '../../electron/main/settings.js';
import type { DisplayLike } from '../../electron/main/types.js';
import { fakeElectron, logLines, PRIMARY, SIDE, type FakeOptions } from './fake-electron.js';

const WALL: DisplayLike = { id: 3, label: 'Wall TV', bounds: { x: -3840, y: 0, width: 3840, height: 2160 } };

async function launch(options: FakeOptions = {}) {
  const f = fakeElectron(options);
  const { lines, log } = logLines();
  const desktop = await startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs', log });
  const windowFor = (role: string) => f.windows.filter((w) => !w.destroyed && w.loaded?.includes(`#/${role}`)).at(-1)!;
  const settingsOnDisk = () => JSON.parse(fs.readFileSync(path.join(f.userData, SETTINGS_FILE), 'utf8'));
  return { f, desktop, lines, windowFor, settingsOnDisk };
}

describe('placing the prompter and big screen (pure)', () => {
  it('puts a window on the display asked for, or the primary when that display is gone', () => {
    expect(pickDisplay([PRIMARY, SIDE], PRIMARY, 2)).toBe(SIDE);
    expect(pickDisplay([PRIMARY], PRIMARY, 2)).toBe(PRIMARY);
  });

  it('with nothing remembered, uses the first display that is not the primary, full screen', () => {
    expect(placeRemembered([PRIMARY, SIDE, WALL], PRIMARY, undefined)).toEqual({ display: SIDE, source: 'default', fullscreen: true, bounds: SIDE.bounds });
  });

  it('on a single display, opens windowed so the control room stays visible', () => {
    // Two thirds of 1920×1080 is 1280×720, centred: x = (1920 − 1280) / 2 = 320, y = (1080 − 720) / 2 = 180.
    expect(placeRemembered([PRIMARY], PRIMARY, undefined)).toEqual({
      display: PRIMARY,
      source: 'default',
      fullscreen: false,
      bounds: { x: 320, y: 180, width: 1280, height: 720 },
    });
    // 1024 × 2/3 = 682.7 → 683 wide, 768 × 2/3 = 512 high; x = 1920 + round((1024 − 683) / 2) = 1920 + 171.
    expect(windowedBounds(SIDE)).toEqual({ x: 2091, y: 128, width: 683, height: 512 });
  });

  it('goes back to the remembered display, full screen, even when it is the primary', () => {
    expect(placeRemembered([PRIMARY, SIDE, WALL], PRIMARY, { displayId: 3 })).toMatchObject({ display: WALL, source: 'remembered', fullscreen: true });
    expect(placeRemembered([PRIMARY, SIDE], PRIMARY, { displayId: 1 })).toMatchObject({ display: PRIMARY, source: 'remembered', fullscreen: true });
  });

  it('recognises the remembered display under a new id by its position and size', () => {
    const renumbered = { ...SIDE, id: 42 };
    expect(placeRemembered([PRIMARY, renumbered], PRIMARY, { displayId: 2, bounds: SIDE.bounds })).toMatchObject({ display: renumbered, source: 'recognised' });
  });

  it('falls back to the primary, windowed, when the remembered display is gone', () => {
    expect(placeRemembered([PRIMARY, WALL], PRIMARY, { displayId: 2, bounds: SIDE.bounds })).toEqual({
      display: PRIMARY,
      source: 'fallback',
      fullscreen: false,
      bounds: windowedBounds(PRIMARY),
    });
    expect(placeAfterRemoval(PRIMARY)).toMatchObject({ display: PRIMARY, source: 'fallback', fullscreen: false });
  });

  it('takes a display the user chooses, primary included, full screen; an absent one is no choice', () => {
    expect(placeOnChosen([PRIMARY, SIDE], PRIMARY, 1)).toMatchObject({ display: PRIMARY, source: 'chosen', fullscreen: true, bounds: PRIMARY.bounds });
    expect(placeOnChosen([PRIMARY, SIDE], PRIMARY, 9)).toBeNull();
  });
});

describe('the prompter on a chosen display, remembered per display', () => {
  it('opens the prompter full screen on the display chosen in the menu and remembers it in the user-data folder', async () => {
    const { f, desktop, windowFor, settingsOnDisk } = await launch({ displays: [PRIMARY, SIDE, WALL] });
    findMenuItem(findMenuItem(f.menu(), 'open-prompter')!.submenu!, 'display-3')!.click!();
    await new Promise((r) => setTimeout(r, 1));
    expect(windowFor('prompter').options).toMatchObject({ ...WALL.bounds, fullscreen: true });
    expect(desktop.displayOf('prompter')).toBe(3);
    expect(settingsOnDisk().displays.prompter).toEqual({ displayId: 3, bounds: WALL.bounds, label: 'Wall TV' });
    // The submenu now ticks where the prompter is.
    const ticks = findMenuItem(f.menu(), 'open-prompter')!.submenu!.map((i) => [i.id, i.checked]);
    expect(ticks).toEqual([
      ['display-1', false],
      ['display-2', false],
      ['display-3', true],
    ]);
  });

  it('moves an open prompter to another display instead of opening a second one', async () => {
    const { f, desktop, windowFor } = await launch({ displays: [PRIMARY, SIDE, WALL] });
    await desktop.open('prompter', 2);
    const prompter = windowFor('prompter');
    await desktop.open('prompter', 3);
    expect(f.windows.filter((w) => w.loaded?.endsWith('#/prompter'))).toHaveLength(1);
    expect(prompter.bounds).toEqual(WALL.bounds);
    expect(prompter.fullscreen).toBe(true);
  });

  it('after a restart, opens the prompter on the display chosen last time', async () => {
    const first = await launch({ displays: [PRIMARY, SIDE, WALL] });
    await first.desktop.open('prompter', 3);
    await first.desktop.open('screen', 2);
    const again = await launch({ displays: [PRIMARY, SIDE, WALL], userData: first.f.userData });
    await again.desktop.open('prompter');
    await again.desktop.open('screen');
    expect(again.windowFor('prompter').options).toMatchObject({ ...WALL.bounds, fullscreen: true });
    expect(again.windowFor('screen').options).toMatchObject({ ...SIDE.bounds, fullscreen: true });
  });

  it('after a restart without that display, opens on the primary and says so in the log', async () => {
    const first = await launch({ displays: [PRIMARY, SIDE, WALL] });
    await first.desktop.open('prompter', 3);
    const again = await launch({ displays: [PRIMARY, SIDE], userData: first.f.userData });
    await again.desktop.open('prompter');
    expect(again.windowFor('prompter').options).toMatchObject({ ...windowedBounds(PRIMARY), fullscreen: false });
    expect(again.lines).toContainEqual(expect.stringMatching(/prompter was last on display 3 \(Wall TV\), which is not connected; it opens on the primary display/));
    // The choice is kept for when the display is back.
    expect(again.settingsOnDisk().displays.prompter.displayId).toBe(3);
  });

  it('moves the prompter to the primary when its display is unplugged, and back when it returns', async () => {
    const { f, desktop, lines, windowFor } = await launch();
    await desktop.open('prompter', 2);
    const prompter = windowFor('prompter');
    f.unplug(2);
    expect(prompter.fullscreen).toBe(false);
    expect(prompter.bounds).toEqual(windowedBounds(PRIMARY));
    expect(desktop.displayOf('prompter')).toBe(1);
    expect(lines).toContainEqual('display 2 (Prompter) was disconnected; the prompter moved to the primary display.');
    expect(findMenuItem(f.menu(), 'open-prompter')!.submenu!.map((i) => i.id)).toEqual(['display-1']);

    f.plugIn(SIDE);
    expect(prompter.bounds).toEqual(SIDE.bounds);
    expect(prompter.fullscreen).toBe(true);
    expect(desktop.displayOf('prompter')).toBe(2);
    expect(lines).toContainEqual('display 2 (Prompter) is back; the prompter moved back to it.');
  });

  it('leaves a window alone when a display it is not on comes or goes', async () => {
    const { f, desktop, windowFor } = await launch({ displays: [PRIMARY, SIDE, WALL] });
    await desktop.open('screen', 3);
    const screen = windowFor('screen');
    f.unplug(2);
    f.plugIn(SIDE);
    expect(screen.bounds).toEqual(WALL.bounds);
    expect(screen.fullscreen).toBe(true);
  });

  it('keeps the control window on the primary display, not full screen', async () => {
    const { f } = await launch();
    expect(f.windows[0].options).toMatchObject({ x: 160, y: 90, width: 1600, height: 900, fullscreen: false });
  });
});

describe('the settings file', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'livedeck-settings-'));

  it('starts empty, and saves and loads what it is given', () => {
    const store = fileSettingsStore(tmp());
    expect(store.load()).toEqual({ displays: {}, shortcuts: {} });
    store.save({ displays: { prompter: { displayId: 2 } }, shortcuts: { 'item.next': 'F13' } });
    expect(store.load()).toEqual({ displays: { prompter: { displayId: 2 } }, shortcuts: { 'item.next': 'F13' } });
    expect(fs.readdirSync(path.dirname(store.location))).toEqual([SETTINGS_FILE]);
  });

  it('sets a broken file aside and uses the defaults instead of failing to start', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), '{"shortcuts": {"item.next": "F13",}');
    const { lines, log } = logLines();
    expect(fileSettingsStore(dir, log).load()).toEqual({ displays: {}, shortcuts: {} });
    expect(fs.readFileSync(path.join(dir, 'desktop-settings.broken.json'), 'utf8')).toContain('F13');
    expect(lines[0]).toMatch(/is not valid JSON .* kept as .*desktop-settings\.broken\.json/);
  });

  it('keeps the well-formed parts of a hand-edited file and names the rest', () => {
    const { settings, problems } = parseSettings({
      displays: { prompter: { displayId: 2, bounds: { x: 1, y: 2, width: 3, height: 4 } }, screen: { displayId: 'two' } },
      shortcuts: { 'item.next': 'F13', 'deal.stop': null, 'prompter.play': 5 },
    });
    expect(settings).toEqual({
      displays: { prompter: { displayId: 2, bounds: { x: 1, y: 2, width: 3, height: 4 } } },
      shortcuts: { 'item.next': 'F13', 'deal.stop': null },
    });
    expect(problems).toEqual(['displays.screen has no whole-number displayId', 'shortcuts.prompter.play is neither a string nor null']);
    expect(parseSettings([1, 2]).problems).toEqual(['the file is not a JSON object']);
  });
});
