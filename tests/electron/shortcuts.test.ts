import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDesktop } from '../../electron/main/app.js';
import { findMenuItem } from '../../electron/main/menu.js';
import { SETTINGS_FILE } from '../../electron/main/settings.js';
import { createHubCaller, DEFAULT_SHORTCUTS, normalizeAccelerator, planShortcuts, registerShortcuts, SHORTCUT_IDS, type PlannedShortcut } from '../../electron/main/shortcuts.js';
import { fakeElectron, HUB_URL, logLines, type FakeOptions } from './fake-electron.js';

/** A `fetch` that records requests and answers like the hub's `POST /api/control/:action`. */
function fakeFetch(answer: (url: string) => { status: number; body: unknown } | Error = () => ({ status: 200, body: { ok: true } })) {
  const calls: { url: string; method: string; headers: Record<string, string>; body: unknown }[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method!, headers: init.headers as Record<string, string>, body: JSON.parse(init.body as string) });
    const a = answer(url);
    if (a instanceof Error) throw a;
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { calls, fetch: impl };
}

const plan = (config: Record<string, string | null>, platform: NodeJS.Platform = 'linux') => planShortcuts(config, platform);
const registeredIds = (config: Record<string, string | null>, platform: NodeJS.Platform = 'linux') => plan(config, platform).register.map((s) => s.id);

describe('planning global shortcuts', () => {
  it('registers every default, with no conflict, on every platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const p = plan({}, platform);
      expect(p.conflicts).toEqual([]);
      expect(p.register.map((s) => s.id)).toEqual(SHORTCUT_IDS);
    }
    expect(plan({}).register.find((s) => s.id === 'item.next')).toEqual({ id: 'item.next', accelerator: 'CommandOrControl+Alt+N', action: 'item.next', body: {} });
  });

  it('maps each shortcut to a hub action with a fixed body, and nothing that needs a preset', () => {
    expect(Object.fromEntries(plan({}).register.map((s) => [s.id, [s.action, s.body]]))).toEqual({
      'item.next': ['item.next', {}],
      'deal.stop': ['deal.stop', {}],
      'prompter.play': ['prompter.play', {}],
      'prompter.scroll-down': ['prompter.scroll', { delta: 0.05 }],
      'prompter.scroll-up': ['prompter.scroll', { delta: -0.05 }],
      'prompter.faster': ['prompter.speed', { delta: 1 }],
      'prompter.slower': ['prompter.speed', { delta: -1 }],
      'prompter.mirror': ['prompter.mirror', {}],
    });
  });

  it('treats different spellings of one key as the same key', () => {
    const same = (a: string, b: string, platform: NodeJS.Platform) => {
      const x = normalizeAccelerator(a, platform);
      const y = normalizeAccelerator(b, platform);
      return x.ok && y.ok && x.key === y.key;
    };
    expect(same('CmdOrCtrl+Alt+n', 'Alt+CommandOrControl+N', 'linux')).toBe(true);
    expect(same('CommandOrControl+Alt+N', 'Ctrl+Option+N', 'win32')).toBe(true);
    expect(same('CommandOrControl+Alt+N', 'Control+Alt+N', 'darwin')).toBe(false);
    expect(same('CommandOrControl+Alt+N', 'Cmd+Alt+N', 'darwin')).toBe(true);
    expect(same('Super+Alt+N', 'Command+Alt+N', 'darwin')).toBe(true);
    expect(same('Ctrl+Alt+Return', 'Ctrl+Alt+Enter', 'linux')).toBe(true);
  });

  it('gives a key to the action the user set it for, and reports the default that lost it', () => {
    const p = plan({ 'prompter.mirror': 'Ctrl+Alt+N' });
    expect(p.register.find((s) => s.id === 'prompter.mirror')?.accelerator).toBe('Ctrl+Alt+N');
    expect(p.register.map((s) => s.id)).not.toContain('item.next');
    expect(p.conflicts).toEqual([
      expect.objectContaining({
        reason: 'duplicate',
        ids: ['item.next', 'prompter.mirror'],
        message: expect.stringMatching(/your setting for .*prompter\.mirror.* keeps it, .*item\.next.* has no global key/),
      }),
    ]);
  });

  it('registers neither of two actions the user put on one key, and says so', () => {
    const p = plan({ 'item.next': 'F13', 'deal.stop': 'f13' });
    expect(p.register.map((s) => s.id)).not.toContain('item.next');
    expect(p.register.map((s) => s.id)).not.toContain('deal.stop');
    expect(p.conflicts).toEqual([expect.objectContaining({ reason: 'duplicate', accelerator: 'F13', ids: ['item.next', 'deal.stop'], message: expect.stringMatching(/none of them was registered/) })]);
  });

  it('reports keys that are not keys, and bare keys that would swallow typing in every app', () => {
    const p = plan({ 'item.next': 'Ctrl+Alt+Banana', 'deal.stop': 'N', 'prompter.play': 'Shift+P', 'prompter.mirror': 'Ctrl++', 'prompter.faster': 'Alt+Ctrl' });
    expect(p.conflicts.map((c) => [c.ids[0], c.reason])).toEqual([
      ['item.next', 'invalid'],
      ['deal.stop', 'invalid'],
      ['prompter.play', 'invalid'],
      ['prompter.faster', 'invalid'],
      ['prompter.mirror', 'invalid'],
    ]);
    expect(p.conflicts[1].message).toMatch(/needs Ctrl, Alt or ⌘/);
    expect(p.conflicts[3].message).toMatch(/no key/);
    expect(p.conflicts[4].message).toMatch(/write "Plus"/);
    // A Stream Deck's F13–F24 and media keys type nothing, so they may go bare.
    expect(registeredIds({ 'item.next': 'F13', 'prompter.play': 'MediaPlayPause' })).toEqual(expect.arrayContaining(['item.next', 'prompter.play']));
  });

  it('turns a shortcut off when set to null or empty, without calling it a conflict', () => {
    const p = plan({ 'item.next': null, 'deal.stop': '' });
    expect(p.conflicts).toEqual([]);
    expect(p.register.map((s) => s.id)).toEqual(SHORTCUT_IDS.filter((id) => id !== 'item.next' && id !== 'deal.stop'));
  });

  it('reports an action the desktop does not offer (deal.fire needs a preset; it stays in the control window)', () => {
    expect(plan({ 'deal.fire': 'Ctrl+Alt+F' }).conflicts).toEqual([expect.objectContaining({ reason: 'unknown-action', ids: ['deal.fire'], message: expect.stringMatching(/not a shortcut action/) })]);
  });
});

describe('registering global shortcuts', () => {
  it('reports a key another application owns instead of dropping it silently', () => {
    const taken = new Set(['CommandOrControl+Alt+N']);
    const got: string[] = [];
    const report = registerShortcuts(
      {
        register: (accelerator) => {
          if (accelerator === 'CommandOrControl+Alt+M') throw new Error('Failed to register the accelerator');
          if (taken.has(accelerator)) return false;
          got.push(accelerator);
          return true;
        },
      },
      plan({}),
      () => undefined,
    );
    expect(report.registered.map((s) => s.id)).toEqual(SHORTCUT_IDS.filter((id) => id !== 'item.next' && id !== 'prompter.mirror'));
    expect(got).toHaveLength(SHORTCUT_IDS.length - 2);
    expect(report.conflicts).toEqual([
      expect.objectContaining({ reason: 'taken', ids: ['item.next'], message: expect.stringMatching(/CommandOrControl\+Alt\+N .* could not be registered: another application already uses it/) }),
      expect.objectContaining({ reason: 'taken', ids: ['prompter.mirror'], message: expect.stringMatching(/Failed to register the accelerator/) }),
    ]);
  });

  it('keeps the planning conflicts in the report', () => {
    const report = registerShortcuts({ register: () => true }, plan({ 'deal.fire': 'F14' }), () => undefined);
    expect(report.conflicts.map((c) => c.reason)).toEqual(['unknown-action']);
  });
});

describe('a shortcut press, sent to the hub', () => {
  const next: PlannedShortcut = { id: 'item.next', accelerator: 'CommandOrControl+Alt+N', action: 'item.next', body: {} };
  const down: PlannedShortcut = { id: 'prompter.scroll-down', accelerator: 'CommandOrControl+Alt+Down', action: 'prompter.scroll', body: { delta: 0.05 } };

  it('posts the action with its fixed body and the operator token', async () => {
    const http = fakeFetch();
    const call = createHubCaller({ hubUrl: HUB_URL, operatorToken: 'op', fetch: http.fetch, log: () => undefined });
    expect(await call(down)).toEqual({ ok: true });
    expect(http.calls).toEqual([
      {
        url: `${HUB_URL}/api/control/prompter.scroll`,
        method: 'POST',
        headers: { authorization: 'Bearer op', 'content-type': 'application/json', 'x-livedeck-actor': 'desktop-shortcut' },
        body: { delta: 0.05 },
      },
    ]);
  });

  it('logs and returns the hub’s refusal, and an unreachable hub, without throwing', async () => {
    const { lines, log } = logLines();
    const refused = createHubCaller({
      hubUrl: HUB_URL,
      operatorToken: 'op',
      log,
      fetch: fakeFetch(() => ({ status: 409, body: { ok: false, error: { code: 'not_live', message: 'No live deal matches.' } } })).fetch,
    });
    const stop: PlannedShortcut = { id: 'deal.stop', accelerator: 'F15', action: 'deal.stop', body: {} };
    expect(await refused(stop)).toEqual({ ok: false, error: { code: 'not_live', message: 'No live deal matches.' } });
    const down409 = createHubCaller({ hubUrl: HUB_URL, operatorToken: 'op', log, fetch: fakeFetch(() => new Error('connect ECONNREFUSED')).fetch });
    expect(await down409(next)).toEqual({ ok: false, error: { code: 'unreachable', message: 'The hub did not answer: connect ECONNREFUSED' } });
    const notJson = createHubCaller({
      hubUrl: HUB_URL,
      operatorToken: 'op',
      log,
      fetch: (async () => new Response('<html>', { status: 502 })) as unknown as typeof fetch,
    });
    expect(await notJson(next)).toEqual({ ok: false, error: { code: 'http_502', message: 'The hub answered 502.' } });
    expect(lines).toEqual([
      'Shortcut F15 → deal.stop: No live deal matches. (not_live)',
      'Shortcut CommandOrControl+Alt+N → item.next: The hub did not answer: connect ECONNREFUSED',
      'Shortcut CommandOrControl+Alt+N → item.next: The hub answered 502. (http_502)',
    ]);
  });

  it('ignores a second "next" within the guard (a bounce must not skip an item), but lets scrolling repeat', async () => {
    let now = 1_000;
    const http = fakeFetch();
    const call = createHubCaller({ hubUrl: HUB_URL, operatorToken: 'op', fetch: http.fetch, log: () => undefined, now: () => now, repeatGuardMs: 400 });
    expect(await call(next)).toEqual({ ok: true });
    now += 150;
    expect(await call(next)).toEqual({ ok: false, ignored: 'repeat' });
    expect(await call(down)).toEqual({ ok: true });
    expect(await call(down)).toEqual({ ok: true });
    now += 400;
    expect(await call(next)).toEqual({ ok: true });
    expect(http.calls.map((c) => c.url.split('/').at(-1))).toEqual(['item.next', 'prompter.scroll', 'prompter.scroll', 'item.next']);
  });
});

describe('global shortcuts in the desktop app', () => {
  async function launch(options: FakeOptions = {}, answer?: Parameters<typeof fakeFetch>[0]) {
    const f = fakeElectron(options);
    const http = fakeFetch(answer);
    const { lines, log } = logLines();
    const desktop = await startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs', log, fetch: http.fetch, platform: 'linux' });
    return { f, http, lines, desktop };
  }
  const settle = () => new Promise((r) => setTimeout(r, 5));

  it('registers the defaults and writes them to the settings file for the operator to edit', async () => {
    const { f, desktop } = await launch();
    expect([...f.shortcuts.keys()].sort()).toEqual(Object.values(DEFAULT_SHORTCUTS).sort());
    expect(desktop.shortcuts().conflicts).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(f.userData, SETTINGS_FILE), 'utf8')).shortcuts).toEqual(DEFAULT_SHORTCUTS);
    expect(f.messages).toEqual([]);
  });

  it('sends the hub the action when a global key is pressed, with the operator token', async () => {
    const { f, http } = await launch();
    f.shortcuts.get('CommandOrControl+Alt+N')!();
    f.shortcuts.get('CommandOrControl+Alt+Left')!();
    await settle();
    expect(http.calls.map((c) => [c.url, c.headers.authorization, c.body])).toEqual([
      [`${HUB_URL}/api/control/item.next`, 'Bearer op', {}],
      [`${HUB_URL}/api/control/prompter.speed`, 'Bearer op', { delta: -1 }],
    ]);
  });

  it('warns the operator at start when a key is taken by another app, and lists it under Help', async () => {
    const { f, desktop, lines } = await launch({ takenKeys: ['CommandOrControl+Alt+P'] });
    expect(f.shortcuts.has('CommandOrControl+Alt+P')).toBe(false);
    expect(desktop.shortcuts().conflicts).toEqual([expect.objectContaining({ reason: 'taken', ids: ['prompter.play'] })]);
    expect(lines).toContainEqual(expect.stringMatching(/CommandOrControl\+Alt\+P for .*prompter\.play.* could not be registered/));
    expect(f.messages).toEqual([expect.objectContaining({ type: 'warning', detail: expect.stringMatching(/⚠ CommandOrControl\+Alt\+P/) })]);
    findMenuItem(f.menu(), 'global-shortcuts')!.click!();
    await settle();
    expect(f.messages[1].detail).toContain('CommandOrControl+Alt+N  下一个商品 (Next item)');
    expect(f.messages[1].detail).toContain(path.join(f.userData, SETTINGS_FILE));
  });

  it('applies an edited settings file on "reload shortcut settings", reporting its conflicts', async () => {
    const { f, desktop } = await launch();
    const file = path.join(f.userData, SETTINGS_FILE);
    const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
    settings.shortcuts['item.next'] = 'F13';
    settings.shortcuts['deal.stop'] = 'CommandOrControl+Alt+M';
    fs.writeFileSync(file, JSON.stringify(settings));
    findMenuItem(f.menu(), 'reload-shortcuts')!.click!();
    expect(f.shortcuts.has('F13')).toBe(true);
    expect(f.shortcuts.has('CommandOrControl+Alt+N')).toBe(false);
    expect(f.shortcuts.has('CommandOrControl+Alt+M')).toBe(false);
    expect(desktop.shortcuts().conflicts).toEqual([expect.objectContaining({ reason: 'duplicate', ids: ['deal.stop', 'prompter.mirror'] })]);
    await settle();
    expect(f.messages.at(-1)).toMatchObject({ type: 'warning' });
  });
});
