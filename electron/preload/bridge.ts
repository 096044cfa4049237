/**
 * The contract between pages and the desktop shell: the IPC channel names and what `window.livedeck`
 * offers. The main process answers these channels and the preload exposes them, both from this one
 * file, so the two cannot drift apart. Type-only apart from the channel names (safe to bundle into
 * the sandboxed preload).
 */

/** IPC channels, kebab-case; every one is answered only to frames our hub served. */
export const IPC = {
  connection: 'livedeck-connection',
  printPdf: 'livedeck-print-pdf',
} as const;

export type WindowRole = 'control' | 'prompter' | 'screen';

/** The hub URL and the token this window's role needs (operator for control, viewer otherwise). */
export interface Connection {
  hubUrl: string;
  token: string;
  role: WindowRole;
}

/** Where the PDF went, or why it did not (`canceled`: the save dialog was closed; nothing written). */
export type PrintPdfResult = { ok: true; filePath: string } | { ok: false; error: { code: 'canceled' | 'failed'; message: string } };

/** What pages see as `window.livedeck`; absent in a plain browser. */
export interface LivedeckBridge {
  /** The hub URL and the token this window's role needs. */
  connection(): Promise<Connection>;
  /** Prints this page to an A4 PDF (backgrounds on) and saves it where the user chooses. */
  printToPdf(): Promise<PrintPdfResult>;
}
