import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDesktop } from '../../electron/main/app.js';
import { findMenuItem } from '../../electron/main/menu.js';
import { isRecapPage, pdfFileName } from '../../electron/main/pdf.js';
import { IPC } from '../../electron/preload/bridge.js';
import { fakeElectron, HUB_URL, logLines } from './fake-electron.js';

async function launch() {
  const f = fakeElectron();
  const { lines, log } = logLines();
  const desktop = await startDesktop(f.electron, { hubEntry: 'hub.js', preload: 'preload.cjs', log });
  const control = f.windows[0];
  /** The control window after the user opened a recap (a hash change inside the page). */
  const showRecap = (id = '12') => void (control.webContents.url = `${HUB_URL}/#/recap/${id}`);
  return { f, desktop, lines, control, showRecap };
}

describe('printing a page to PDF over IPC (livedeck-print-pdf)', () => {
  it('asks where to save, prints the sender’s page on A4 with backgrounds, and writes the file there', async () => {
    const { f, control, showRecap } = await launch();
    showRecap('12');
    const target = path.join(f.documents, 'chosen.pdf');
    f.answerSave({ canceled: false, filePath: target });
    const result = await f.invoke(IPC.printPdf, control);
    expect(result).toEqual({ ok: true, filePath: target });
    expect(f.saveDialogs).toEqual([
      {
        window: control,
        options: expect.objectContaining({ defaultPath: path.join(f.documents, 'livedeck-recap-12.pdf'), filters: [{ name: 'PDF', extensions: ['pdf'] }] }),
      },
    ]);
    expect(control.webContents.prints).toEqual([{ printBackground: true, pageSize: 'A4' }]);
    expect(fs.readFileSync(target, 'utf8')).toBe(`%PDF-1.7 fake of ${HUB_URL}/#/recap/12`);
  });

  it('prints the page of the window that asked, not another', async () => {
    const { f, desktop } = await launch();
    const screen = await desktop.open('screen');
    f.answerSave({ canceled: false, filePath: path.join(f.documents, 'wall.pdf') });
    await f.invoke(IPC.printPdf, screen);
    expect(f.windows.map((w) => w.webContents.prints.length)).toEqual([0, 1]);
    expect(f.saveDialogs[0].window).toBe(screen);
  });

  it('writes nothing and prints nothing when the save dialog is canceled', async () => {
    const { f, control, showRecap } = await launch();
    showRecap();
    f.answerSave({ canceled: true });
    expect(await f.invoke(IPC.printPdf, control)).toEqual({ ok: false, error: { code: 'canceled', message: 'Export canceled; nothing was saved.' } });
    expect(control.webContents.prints).toEqual([]);
    expect(fs.readdirSync(f.documents)).toEqual([]);
  });

  it('adds the .pdf the user left off', async () => {
    const { f, control } = await launch();
    f.answerSave({ canceled: false, filePath: path.join(f.documents, 'recap') });
    expect(await f.invoke(IPC.printPdf, control)).toEqual({ ok: true, filePath: path.join(f.documents, 'recap.pdf') });
    expect(fs.readdirSync(f.documents)).toEqual(['recap.pdf']);
  });

  it('answers a failed print or write with a code and a sentence, and logs it', async () => {
    const { f, control, lines } = await launch();
    control.webContents.printFails = new Error('Printing failed');
    f.answerSave({ canceled: false, filePath: path.join(f.documents, 'a.pdf') });
    expect(await f.invoke(IPC.printPdf, control)).toEqual({ ok: false, error: { code: 'failed', message: expect.stringMatching(/could not be saved to .*a\.pdf: Printing failed/) } });
    control.webContents.printFails = null;
    f.answerSave({ canceled: false, filePath: path.join(f.documents, 'no-such-folder', 'b.pdf') });
    expect(await f.invoke(IPC.printPdf, control)).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringMatching(/ENOENT/) } });
    expect(lines.filter((l) => l.includes('could not be saved'))).toHaveLength(2);
  });

  it('refuses a frame that is not ours, before any dialog', async () => {
    const { f, control } = await launch();
    expect(() => f.invoke(IPC.printPdf, control, 'https://evil.example/#/recap/12')).toThrow(/may not call livedeck-print-pdf/);
    expect(() => f.invoke(IPC.printPdf, { webContents: { id: 4242, getURL: () => `${HUB_URL}/#/recap/1` } })).toThrow(/may not/);
    expect(f.saveDialogs).toEqual([]);
  });
});

describe('File → Export recap PDF', () => {
  const settle = () => new Promise((r) => setTimeout(r, 5));

  it('exports the recap on screen through the same save dialog', async () => {
    const { f, desktop, control, showRecap } = await launch();
    showRecap('s-7');
    f.answerSave({ canceled: false, filePath: path.join(f.documents, 'x.pdf') });
    expect(await desktop.exportRecapPdf()).toEqual({ ok: true, filePath: path.join(f.documents, 'x.pdf') });
    expect(f.saveDialogs[0].options.defaultPath).toBe(path.join(f.documents, 'livedeck-recap-s-7.pdf'));
    expect(control.webContents.prints).toHaveLength(1);
  });

  it('says to open a recap first when none is on screen, and opens no dialog', async () => {
    const { f } = await launch();
    findMenuItem(f.menu(), 'export-recap-pdf')!.click!();
    await settle();
    expect(f.saveDialogs).toEqual([]);
    expect(f.messages).toEqual([expect.objectContaining({ message: '请先打开一场复盘 (Open a recap first)' })]);
  });

  it('tells the user when the export failed, and stays quiet when they canceled', async () => {
    const { f, desktop, control, showRecap } = await launch();
    showRecap();
    await desktop.exportRecapPdf();
    expect(f.messages).toEqual([]);
    control.webContents.printFails = new Error('out of paper');
    f.answerSave({ canceled: false, filePath: path.join(f.documents, 'y.pdf') });
    await desktop.exportRecapPdf();
    expect(f.messages).toEqual([expect.objectContaining({ type: 'error', message: expect.stringContaining('out of paper') })]);
  });
});

describe('PDF file names', () => {
  const day = new Date(2025, 5, 18, 21, 30);
  it('names a recap after its session, and anything else after the day', () => {
    expect(pdfFileName(`${HUB_URL}/#/recap/12`, day)).toBe('livedeck-recap-12.pdf');
    expect(pdfFileName(`${HUB_URL}/#/recap/a%2F..%2Fb?x=1`, day)).toBe('livedeck-recap-a_.._b.pdf');
    expect(pdfFileName(`${HUB_URL}/#/recap/%E0%A4`, day)).toBe('livedeck-recap-_E0_A4.pdf');
    expect(pdfFileName(`${HUB_URL}/#/screen`, day)).toBe('livedeck-2025-06-18.pdf');
    expect(pdfFileName('not a url', day)).toBe('livedeck-2025-06-18.pdf');
  });

  it('knows a recap page by its route', () => {
    expect(isRecapPage(`${HUB_URL}/#/recap/3`)).toBe(true);
    expect(isRecapPage(`${HUB_URL}/#/recap/`)).toBe(false);
    expect(isRecapPage(`${HUB_URL}/#/sessions`)).toBe(false);
  });
});
