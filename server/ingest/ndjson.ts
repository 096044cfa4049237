/** Splits an NDJSON body into records, keeping 1-based line numbers so errors can point at them. */
export type NdjsonLine = { line: number; ok: true; value: unknown } | { line: number; ok: false; error: string };

export function parseNdjson(text: string): NdjsonLine[] {
  const out: NdjsonLine[] = [];
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    try {
      out.push({ line, ok: true, value: JSON.parse(raw) as unknown });
    } catch (err) {
      out.push({ line, ok: false, error: `not valid JSON (${(err as Error).message})` });
    }
  }
  return out;
}
