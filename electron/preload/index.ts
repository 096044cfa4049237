// The only door between a page and the desktop shell: a few named methods, never raw ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type LivedeckBridge } from './bridge.js';

const bridge = {
  connection: () => ipcRenderer.invoke(IPC.connection),
  printToPdf: () => ipcRenderer.invoke(IPC.printPdf),
} satisfies LivedeckBridge;

contextBridge.exposeInMainWorld('livedeck', bridge);
