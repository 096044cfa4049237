/** Saving what the hub sends as a file (exports): its suggested name, and a download that works in a browser and in Electron. */

/** The file name the hub suggests (`content-disposition`), or a fallback. */
export function fileNameOf(res: Response, fallback: string): string {
  const header = res.headers.get('content-disposition') ?? '';
  // RFC 6266: the UTF-8 name (a show's Chinese title) when the hub gives one, else the plain one.
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  if (utf8) {
    try {
      return decodeURIComponent(utf8);
    } catch {
      // A malformed escape: fall through to the plain name.
    }
  }
  return /filename="?([^";]+)"?/.exec(header)?.[1] ?? fallback;
}

/** Saves a fetched file through a temporary blob link (works in a browser and in Electron). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
