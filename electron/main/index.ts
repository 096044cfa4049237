// Electron entry: wires the real `electron` module into the testable shell.
import * as electron from 'electron';
import path from 'node:path';
import { ALREADY_RUNNING, startDesktop } from './app.js';
import type { ElectronLike } from './types.js';

startDesktop(electron as unknown as ElectronLike, {
  hubEntry: path.join(__dirname, 'hub.js'),
  preload: path.join(__dirname, '../preload/index.cjs'),
  simulate: process.argv.includes('--demo') || !electron.app.isPackaged,
}).catch((err: Error & { code?: string }) => {
  if (err.code !== ALREADY_RUNNING) electron.dialog.showErrorBox('LiveDeck could not start', err.message);
  electron.app.quit();
});
