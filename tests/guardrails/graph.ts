/**
 * The repository's import graph, read with the TypeScript compiler's own parser (not regexes), so
 * the guardrail tests can say which file imports which at run time. A type-only import
 * (`import type`, or every named binding marked `type`) vanishes when compiled and is kept apart:
 * layering rules care about both, cycles only about run-time edges.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** Importing file, relative to the repository root, with forward slashes. */
  from: string;
  /** Imported file, relative to the root, or the bare specifier for a package. */
  to: string;
  /** True when the import disappears from the compiled output. */
  typeOnly: boolean;
}

const SOURCE = /\.(ts|vue|mts|mjs)$/;
const ALIASES: Record<string, string> = {
  '@protocol': 'server/protocol/index.ts',
  '@rules': 'server/rules/index.ts',
};

/** Every source file under the given folders, relative to root. */
export function sourceFiles(root: string, folders: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(rel);
      } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const folder of folders) if (fs.existsSync(path.join(root, folder))) walk(folder);
  return out.sort();
}

/** The script blocks of a single-file component, joined (template and style import nothing). */
function scriptOf(file: string, text: string): string {
  if (!file.endsWith('.vue')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

/** Resolves a relative or aliased specifier to a file that exists, as TS and Vite would. */
function resolve(root: string, from: string, spec: string): string {
  const aliased = ALIASES[spec];
  if (aliased) return aliased;
  if (!spec.startsWith('.')) return spec;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const stem = base.replace(/\.(js|mjs)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.mts`, `${base}.ts`, `${base}.vue`, `${base}/index.ts`, `${stem}.mjs`];
  return candidates.find((c) => fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile()) ?? base;
}

/** The imports of one file: static imports, re-exports and dynamic `import('…')` with a literal. */
export function importsOf(root: string, file: string): ImportEdge[] {
  const text = scriptOf(file, fs.readFileSync(path.join(root, file), 'utf8'));
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteral(spec)) edges.push({ from: file, to: resolve(root, file, spec.text), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) add(arg.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** All edges among the given folders. */
export function importGraph(root: string, folders: string[]): ImportEdge[] {
  return sourceFiles(root, folders).flatMap((f) => importsOf(root, f));
}

/**
 * The cycles among run-time edges, each as the files of one strongly connected component (Tarjan),
 * sorted, so a cycle is named the same way whichever file the walk starts from.
 */
export function runtimeCycles(edges: ImportEdge[], within: (file: string) => boolean): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.typeOnly || !within(e.from) || !within(e.to)) continue;
    const list = next.get(e.from) ?? [];
    list.push(e.to);
    next.set(e.from, list);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const strong = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (next.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) out.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) strong(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}
