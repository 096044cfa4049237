/**
 * Every error code the hub can answer has words in both languages, under one key: `errors.<code>`
 * (the renderer's `errorText` reads it for socket acks and HTTP answers alike). The codes are
 * collected from the hub's real sources — `fail('code'`, `code: 'code'` (and unions of them), `new
 * …Error(status?, 'code'` — so a new refusal without Chinese and English words fails here, rather than
 * reaching the Chinese UI as the hub's English sentence. The run-sheet reader's per-row issues are
 * worded with their cells by the import dialog (`import.issue.*`, `import.fileError.*`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from '../../renderer/i18n/en.js';
import zhCN from '../../renderer/i18n/zh-CN.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) return sourcesUnder(rel);
    return d.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The codes a source can answer with, by the three ways the hub writes one. */
export function codesIn(source: string): Set<string> {
  const codes = new Set<string>();
  for (const m of source.matchAll(/\bfail\(\s*'([a-z_]+)'/g)) codes.add(m[1]);
  for (const m of source.matchAll(/\bcode: ((?:'[a-z_]+'\s*\|\s*)*'[a-z_]+')/g)) for (const c of m[1].matchAll(/'([a-z_]+)'/g)) codes.add(c[1]);
  for (const m of source.matchAll(/\bnew \w*Error\(\s*(?:\d+,\s*)?'([a-z_]+)'/g)) codes.add(m[1]);
  // A shop adapter's mapping refusal (`bad('bad_shape', …)`), shown in the 数据源 panel.
  for (const m of source.matchAll(/\bbad\(\s*'([a-z_]+)'/g)) codes.add(m[1]);
  return codes;
}

type Tree = { [key: string]: string | Tree };
const lookup = (tree: Tree, key: string): string | undefined => {
  const v = key.split('.').reduce<string | Tree | undefined>((node, k) => (node && typeof node === 'object' ? node[k] : undefined), tree);
  return typeof v === 'string' ? v : undefined;
};

const hubCodes = new Map<string, string[]>();
const importCodes = new Map<string, string[]>();
for (const file of sourcesUnder('server')) {
  const into = file.startsWith('server/runsheet/') ? importCodes : hubCodes;
  for (const code of codesIn(fs.readFileSync(path.join(root, file), 'utf8'))) into.set(code, [...(into.get(code) ?? []), file]);
}
const CJK = /[\u4e00-\u9fff]/;

describe('error wording', () => {
  it('finds the codes in the hub’s sources, however they are written', () => {
    expect(
      codesIn(
        "return fail('taken', 'x'); const e = { code: 'bad_stock', message }; throw new HttpError(413, 'too_large', m); new RecapError('recap_failed', m); type C = { code: 'a_b' | 'c' }; return bad('bad_shape', m);",
      ),
    ).toEqual(new Set(['taken', 'bad_stock', 'too_large', 'recap_failed', 'a_b', 'c', 'bad_shape']));
    // A floor, and the refusals that once reached the Chinese UI in English.
    expect(hubCodes.size).toBeGreaterThan(40);
    for (const code of ['deal_live', 'bad_stock', 'coupon_live', 'no_live_show', 'not_found', 'invalid', 'unauthorized', 'invalid_window']) expect(hubCodes.has(code), code).toBe(true);
  });

  it('has zh-CN and English words for every code the hub can answer, under errors.<code>', () => {
    const missing: string[] = [];
    for (const [code, files] of hubCodes) {
      const zh = lookup(zhCN as unknown as Tree, `errors.${code}`);
      const english = lookup(en as unknown as Tree, `errors.${code}`);
      if (!zh || !CJK.test(zh)) missing.push(`errors.${code} (zh-CN) — from ${files.join(', ')}`);
      if (!english || CJK.test(english)) missing.push(`errors.${code} (en) — from ${files.join(', ')}`);
    }
    expect(missing).toEqual([]);
  });

  it('has words for every code of the run-sheet import, in the import dialog’s own keys or errors.<code>', () => {
    const missing: string[] = [];
    for (const code of importCodes.keys()) {
      for (const [lang, tree] of [
        ['zh-CN', zhCN],
        ['en', en],
      ] as const) {
        const keys = [`import.issue.${code}`, `import.fileError.${code}`, `errors.${code}`];
        if (!keys.some((k) => lookup(tree as unknown as Tree, k))) missing.push(`${code} (${lang})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('is read from one place: no screen looks an error up under another key', () => {
    const stray = [
      ...sourcesUnder('renderer'),
      ...fs
        .readdirSync(path.join(root, 'renderer'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.vue'))
        .map((f) => `renderer/${f}`),
    ].filter((f) => /errors\.byCode|coupon\.errors/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(stray).toEqual([]);
  });
});
