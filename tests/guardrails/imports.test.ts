/**
 * The layering that keeps LiveDeck's parts apart (STYLE.md §4–5), checked on every run over the
 * real import graph: the hub never reaches into the screens or the desktop shell, the screens take
 * from the hub only code that is safe in a browser, no import cycle forms in the hub or in the
 * screens, and a renderer store imports no other store (each binds its slice of renderer/api/feed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph, importsOf, runtimeCycles, sourceFiles, type ImportEdge } from './graph.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const edges = importGraph(root, ['server', 'renderer', 'electron']);
const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);
const show = (list: ImportEdge[]) => list.map((e) => `${e.from} → ${e.to}`);

/**
 * Packages a browser may receive from hub code: none. Not even zod — the screens validate nothing,
 * and zod with every schema would ride in the entry chunk every window loads (97 KB in the
 * prompter's way, and a CSP eval probe to silence). They take types from @protocol and values from
 * @rules and the few pure constant files.
 */
const BROWSER_SAFE_PACKAGES = new Set<string>();

describe('the import graph', () => {
  it('is read from the real sources, type-only imports told apart', () => {
    // A sanity floor: the walker found the parts and knows a type import from a value import.
    expect(edges.length).toBeGreaterThan(300);
    const sockets = importsOf(root, 'server/sockets/server.ts');
    expect(sockets.some((e) => e.to === 'socket.io' && !e.typeOnly)).toBe(true);
    expect(edges.some((e) => e.from.startsWith('renderer/') && e.typeOnly)).toBe(true);
  });

  it('keeps the hub out of the screens and the desktop shell', () => {
    const bad = edges.filter((e) => under('server')(e.from) && (under('renderer')(e.to) || under('electron')(e.to)));
    expect(show(bad)).toEqual([]);
  });

  it('lets the desktop shell reach the hub only through its command-line front door', () => {
    const bad = edges.filter((e) => under('electron')(e.from) && !e.typeOnly && under('server')(e.to) && !e.to.startsWith('server/cli/'));
    expect(show(bad)).toEqual([]);
    expect(show(edges.filter((e) => under('electron')(e.from) && under('renderer')(e.to)))).toEqual([]);
  });

  it('gives the screens only hub code that runs in a browser (no node:, no database, no sockets server, no zod)', () => {
    const byFile = new Map<string, ImportEdge[]>();
    for (const e of edges) byFile.set(e.from, [...(byFile.get(e.from) ?? []), e]);
    // Every server file the renderer loads at run time, directly or through another server file.
    const reached = new Set<string>();
    const queue = edges.filter((e) => under('renderer')(e.from) && !e.typeOnly && under('server')(e.to)).map((e) => e.to);
    while (queue.length) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const e of byFile.get(file) ?? []) if (!e.typeOnly && under('server')(e.to)) queue.push(e.to);
    }
    expect(reached.has('server/rules/index.ts')).toBe(true);
    expect(show(edges.filter((e) => under('renderer')(e.from) && !e.typeOnly && e.to === 'zod'))).toEqual([]);
    const unsafe = [...reached].flatMap((file) => (byFile.get(file) ?? []).filter((e) => !e.typeOnly && !under('server')(e.to) && !BROWSER_SAFE_PACKAGES.has(e.to)));
    expect(show(unsafe)).toEqual([]);
  });

  it('has no import cycle in the hub', () => {
    expect(runtimeCycles(edges, under('server'))).toEqual([]);
  });

  it('has no import cycle in the screens', () => {
    expect(runtimeCycles(edges, under('renderer'))).toEqual([]);
  });

  it('leaves the socket to renderer/api: no store, page or component opens or listens on one of its own', () => {
    const bad = edges.filter((e) => under('renderer')(e.from) && !under('renderer/api')(e.from) && e.to === 'socket.io-client');
    expect(show(bad)).toEqual([]);
    // The feed is the one that does, so the check above is looking at the right package name.
    expect(edges.some((e) => e.from.startsWith('renderer/api/') && e.to === 'socket.io-client' && !e.typeOnly)).toBe(true);
    // Nor does anything outside api/ hold a socket it got from there (how prompter.ts and deals.ts listened before the feed).
    const socketWords = /\b(LiveSocket|ControlSocket|ViewSocket|openSocket)\b/;
    const holders = sourceFiles(root, ['renderer']).filter((f) => !under('renderer/api')(f) && socketWords.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(holders).toEqual([]);
  });

  it('keeps every renderer store apart from the others, types included', () => {
    const stores = edges.filter((e) => under('renderer/stores')(e.from));
    // A floor, so a walker that stopped seeing the stores cannot pass this by finding nothing.
    expect(new Set(stores.map((e) => e.from)).size).toBeGreaterThanOrEqual(8);
    expect(stores.some((e) => e.to === 'renderer/api/feed.ts')).toBe(true);
    expect(show(stores.filter((e) => under('renderer/stores')(e.to)))).toEqual([]);
  });
});

describe('the cycle finder', () => {
  it('names a cycle by its files and ignores type-only edges', () => {
    const e = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });
    const graph = [e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd'), e('d', 'e', true), e('e', 'd')];
    expect(runtimeCycles(graph, () => true)).toEqual([['a', 'b', 'c']]);
    expect(runtimeCycles([...graph, e('d', 'e')], () => true)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });
});
