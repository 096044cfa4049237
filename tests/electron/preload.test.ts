import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC } from '../../electron/preload/bridge.js';

// The preload runs in the page's sandbox with only `electron` to import; here it gets a recorder.
const exposed = new Map<string, unknown>();
const invoked: string[] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push(channel);
      return { channel, args };
    },
  },
}));

describe('the preload bridge', () => {
  beforeAll(async () => {
    // Not a literal, so tsc does not follow it: the preload imports `electron`, whose types are not installed.
    const preload = '../../electron/preload/index.js';
    await import(preload);
  });

  it('exposes window.livedeck with named methods only, never ipcRenderer itself', () => {
    expect([...exposed.keys()]).toEqual(['livedeck']);
    const bridge = exposed.get('livedeck') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['connection', 'printToPdf']);
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('maps each method to its kebab-case channel, passing nothing from the page', async () => {
    const bridge = exposed.get('livedeck') as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(await bridge.connection('ignored')).toEqual({ channel: IPC.connection, args: [] });
    expect(await bridge.printToPdf({ path: '/etc/passwd' })).toEqual({ channel: IPC.printPdf, args: [] });
    expect(invoked).toEqual(['livedeck-connection', 'livedeck-print-pdf']);
  });
});
