/**
 * One palette (issue #18): every colour of the screens is written once, in `renderer/ui/theme.ts`, and
 * reaches the styles as `var(--ld-…)`. Checked over the real files on every run: no hex colour literal
 * in a `.vue` file's `<style>` blocks or a renderer `.css` file, and every `--ld-` variable the renderer
 * names is a palette entry, so a typo (which CSS would quietly drop) fails here instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chartColors, cssVarName, palette, paletteCss, platformColors, themeOverrides } from '../../renderer/ui/theme.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every file under `dir` whose name ends in one of `exts`, relative to the repo root. */
function filesUnder(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(rel, exts));
    else if (exts.some((ext) => entry.name.endsWith(ext))) out.push(rel);
  }
  return out;
}

/** The CSS a file holds: a `.vue` file's `<style>` blocks, or a whole `.css` file. */
function stylesOf(file: string, text: string): string {
  if (file.endsWith('.css')) return text;
  return [...text.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('\n');
}

const HEX = /#(?:[0-9a-f]{8}|[0-9a-f]{6}|[0-9a-f]{3,4})\b/gi;

/**
 * The hex colour literals in some CSS, with their declaration. Only declaration values count (text
 * after a `:` that ends at `;` or `}`), so an id selector such as `#app {` is not a colour; comments
 * and `url(…)` fragments are skipped.
 */
function hexColoursIn(css: string): string[] {
  const code = css.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/url\([^)]*\)/g, 'url()');
  const found: string[] = [];
  for (const m of code.matchAll(/([\w-]+)\s*:([^;{}]*)(?=[;}])/g)) {
    for (const hex of m[2].match(HEX) ?? []) found.push(`${m[1]}: ${hex}`);
  }
  return found;
}

/** The `--ld-` names used in some text (`var(--ld-x)`, `setProperty('--ld-x')`, …) that the palette lacks. */
function unknownPaletteVars(text: string, known: ReadonlySet<string>): string[] {
  return [...text.matchAll(/--ld-[a-z0-9-]+/g)].map((m) => m[0]).filter((name) => !known.has(name));
}

const known = new Set(Object.keys(palette).map(cssVarName));
const styleFiles = filesUnder('renderer', ['.vue', '.css']);

describe('the palette', () => {
  it('finds what it should in a small bad sample, and nothing in a good one', () => {
    const bad = '<style scoped>\n#app { color: #E6EBF2; }\n.a{border:1px solid #222833}\n.b { background: #4fa3f724; }\n</style>';
    expect(hexColoursIn(stylesOf('x.vue', bad))).toEqual(['color: #E6EBF2', 'border: #222833', 'background: #4fa3f724']);
    const good = '/* was #fff */ #app, .x:hover #abc { color: var(--ld-text); background: url(#fade) }';
    expect(hexColoursIn(good)).toEqual([]);
    expect(stylesOf('x.vue', '<script>const c = "#fff";</script><template><i style="color:#fff" /></template>')).toBe('');
    expect(unknownPaletteVars('color: var(--ld-text-strong); border-color: var(--ld-text-strnog)', known)).toEqual(['--ld-text-strnog']);
  });

  it('is read from the real sources', () => {
    // A floor, so a walker that found nothing does not pass for a clean tree.
    expect(styleFiles.length).toBeGreaterThan(50);
    const uses = styleFiles.reduce((n, f) => n + (fs.readFileSync(path.join(root, f), 'utf8').match(/var\(--ld-/g)?.length ?? 0), 0);
    expect(uses).toBeGreaterThan(400);
  });

  it('leaves no hex colour literal in a component style or renderer stylesheet', () => {
    const found = styleFiles.flatMap((f) => hexColoursIn(stylesOf(f, fs.readFileSync(path.join(root, f), 'utf8'))).map((hit) => `${f}: ${hit}`));
    expect(found).toEqual([]);
  });

  it('names only palette entries in the renderer', () => {
    const files = filesUnder('renderer', ['.vue', '.css', '.ts']);
    const unknown = files.flatMap((f) => unknownPaletteVars(fs.readFileSync(path.join(root, f), 'utf8'), known).map((name) => `${f}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('keeps no dead entry: each is used by a stylesheet, or by Naive UI and the charts in theme.ts', () => {
    const used = new Set(styleFiles.flatMap((f) => fs.readFileSync(path.join(root, f), 'utf8').match(/--ld-[a-z0-9-]+/g) ?? []));
    const source = fs.readFileSync(path.join(root, 'renderer/ui/theme.ts'), 'utf8');
    const dead = Object.keys(palette).filter((name) => !used.has(cssVarName(name)) && !new RegExp(`\\bpalette\\.${name}\\b`).test(source));
    expect(dead).toEqual([]);
  });

  it('is on :root before the app mounts (main.ts installs it first)', () => {
    const main = fs.readFileSync(path.join(root, 'renderer/main.ts'), 'utf8');
    const installedAt = main.indexOf('installPalette();');
    expect(installedAt).toBeGreaterThan(-1);
    expect(installedAt).toBeLessThan(main.indexOf('.mount('));
  });

  it('writes each colour once, and its entries are colours', () => {
    const source = fs.readFileSync(path.join(root, 'renderer/ui/theme.ts'), 'utf8');
    const literals = (source.match(HEX) ?? []).map((h) => h.toLowerCase());
    const twice = literals.filter((h, i) => literals.indexOf(h) !== i);
    expect(twice).toEqual([]);
    for (const [name, value] of Object.entries(palette)) expect(value, name).toMatch(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/);
  });

  it('gives Naive UI, the charts and the platform tags the same entries', () => {
    const values = new Set<string>(Object.values(palette));
    expect(themeOverrides.common?.primaryColor).toBe(palette.accent);
    expect(themeOverrides.common?.cardColor).toBe(palette.surfaceCard);
    for (const [name, value] of Object.entries(chartColors)) if (!value.startsWith('rgba(')) expect(values.has(value), `chartColors.${name}`).toBe(true);
    expect(platformColors.mall).toBe(palette.item);
  });

  it('declares every entry on :root as --ld-<kebab-name>', () => {
    const css = paletteCss();
    expect(css.startsWith(':root {')).toBe(true);
    expect(css).toContain(`  --ld-text-strong: ${palette.textStrong};`);
    expect(css).toContain(`  --ld-surface-card: ${palette.surfaceCard};`);
    expect(css.match(/--ld-[a-z0-9-]+:/g)).toHaveLength(Object.keys(palette).length);
  });
});
