// The only door between a page and the desktop shell: a few named methods, never raw ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';

/** What pages see as `window.livedeck`. */
export interface LivedeckBridge {
  /** The hub URL and the token this window's role needs. */
  connection(): Promise<{ hubUrl: string; token: string; role: 'control' | 'prompter' | 'screen' }>;
}

const bridge = {
  connection: () => ipcRenderer.invoke('livedeck-connection'),
} satisfies LivedeckBridge;

contextBridge.exposeInMainWorld('livedeck', bridge);
