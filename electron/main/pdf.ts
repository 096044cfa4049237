/**
 * PDF export: asks where to save first (a cancelled dialog prints and writes nothing), then prints
 * the window's page on A4 with backgrounds and writes the file. Used by the recap page through the
 * preload (`printToPdf()`) and by File → Export recap PDF.
 */
import path from 'node:path';
import type { PrintPdfResult } from '../preload/bridge.js';
import type { BrowserWindowLike, ElectronLike } from './types.js';

export interface PdfDeps {
  dialog: Pick<ElectronLike['dialog'], 'showSaveDialog'>;
  /** The folder the save dialog opens in. */
  documentsDir: string;
  writeFile: (file: string, data: Uint8Array) => Promise<void>;
  log: (line: string) => void;
  now?: () => Date;
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** `livedeck-recap-12.pdf` on a recap page, `livedeck-2025-06-18.pdf` elsewhere. */
export function pdfFileName(pageUrl: string, now: Date): string {
  const hash = (() => {
    try {
      return new URL(pageUrl).hash;
    } catch {
      return '';
    }
  })();
  const recap = /^#\/recap\/([^/?#]+)/.exec(hash);
  const id = recap
    ? safeDecode(recap[1])
        .replace(/[^\w.-]+/g, '_')
        .slice(0, 64)
    : '';
  if (id) return `livedeck-recap-${id}.pdf`;
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `livedeck-${day}.pdf`;
}

/** Whether a window is showing a recap (`#/recap/:sessionId`). */
export function isRecapPage(pageUrl: string): boolean {
  try {
    return /^#\/recap\/[^/?#]+/.test(new URL(pageUrl).hash);
  } catch {
    return false;
  }
}

export async function exportPdf(win: BrowserWindowLike, deps: PdfDeps): Promise<PrintPdfResult> {
  const name = pdfFileName(win.webContents.getURL(), (deps.now ?? (() => new Date()))());
  const choice = await deps.dialog.showSaveDialog(win, {
    title: '导出 PDF (Export PDF)',
    defaultPath: path.join(deps.documentsDir, name),
    buttonLabel: '保存 (Save)',
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
  });
  if (choice.canceled || !choice.filePath) return { ok: false, error: { code: 'canceled', message: 'Export canceled; nothing was saved.' } };
  const filePath = path.extname(choice.filePath).toLowerCase() === '.pdf' ? choice.filePath : `${choice.filePath}.pdf`;
  try {
    const pdf = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    await deps.writeFile(filePath, pdf);
  } catch (err) {
    const message = `The PDF could not be saved to ${filePath}: ${(err as Error).message}`;
    deps.log(message);
    return { ok: false, error: { code: 'failed', message } };
  }
  deps.log(`Saved ${filePath}`);
  return { ok: true, filePath };
}
