/**
 * The linter that `npm test` runs refuses what it is there to refuse: small bad sources, linted with
 * the repository's own eslint.config.mjs as if they sat at the paths given, must fail, and their
 * good twins must pass — so a config that silently stopped applying would show here.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: root });

/** The rule ids ESLint reports for `code` placed at `file` (relative to the root). */
async function rulesHit(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('the linter', () => {
  it('refuses a hub file that imports the screens or Electron', async () => {
    expect(await rulesHit('server/live/bad.ts', "import { x } from '../../renderer/stores/live';\nexport const y = x;\n")).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(await rulesHit('server/live/bad.ts', "import { app } from 'electron';\nexport const y = app;\n")).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(await rulesHit('server/live/good.ts', "import { x } from '../rules/index.js';\nexport const y = x;\n")).toEqual([]);
  });

  it('refuses a value import of hub code into the screens, and lets types and the aliases through', async () => {
    expect(await rulesHit('renderer/stores/bad.ts', "import { openDb } from '../../server/store/db';\nexport const y = openDb;\n")).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(await rulesHit('renderer/stores/good.ts', "import type { Db } from '../../server/store/db';\nexport type Y = Db;\n")).toEqual([]);
    expect(await rulesHit('renderer/stores/good.ts', "import { onAirPriceFen } from '@rules';\nexport const y = onAirPriceFen;\n")).toEqual([]);
  });

  it('refuses a store that imports another store, even for a type, and lets it take the feed, i18n and the aliases', async () => {
    const restricted = ['@typescript-eslint/no-restricted-imports'];
    expect(await rulesHit('renderer/stores/bad.ts', "import { useLiveStore } from './live';\nexport const y = useLiveStore;\n")).toEqual(restricted);
    expect(await rulesHit('renderer/stores/bad.ts', "import type { RunsheetRow } from './runsheet';\nexport type Y = RunsheetRow;\n")).toEqual(restricted);
    expect(await rulesHit('renderer/stores/bad.ts', "import { useLiveStore } from '../stores/live';\nexport const y = useLiveStore;\n")).toEqual(restricted);
    // The screens' own rules still hold inside stores/ (the stores block repeats them).
    expect(await rulesHit('renderer/stores/bad.ts', "import { openDb } from '../../server/store/db';\nexport const y = openDb;\n")).toEqual(restricted);
    const good = "import { listen, send } from '../api/feed';\nimport { i18n } from '../i18n';\nimport { floorFen } from '@rules';\nexport const y = [listen, send, i18n, floorFen];\n";
    expect(await rulesHit('renderer/stores/good.ts', good)).toEqual([]);
    // Components and composables may use several stores.
    expect(await rulesHit('renderer/composables/useGood.ts', "import { useLiveStore } from '../stores/live';\nexport const y = useLiveStore;\n")).toEqual([]);
  });

  it('refuses a component whose script is not TypeScript, and plain mistakes anywhere', async () => {
    expect(await rulesHit('renderer/components/Bad.vue', '<template><p>x</p></template>\n<script setup>\nconst a = 1;\n</script>\n')).toContain('vue/block-lang');
    expect(await rulesHit('tests/bad.test.ts', 'export const o = { a: 1, a: 2 };\ndebugger;\n')).toEqual(['no-dupe-keys', 'no-debugger']);
  });
});
