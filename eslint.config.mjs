// ESLint (flat config): the layering rules of STYLE.md §4–5 and a few checks for plain mistakes,
// over the hub, the screens, the desktop shell, the tests and the scripts. `npm test` runs it before
// Vitest; `npx eslint .` runs it alone. Formatting is not its job (.editorconfig says how files look).
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

/**
 * A relative import of hub code from the screens, except the pure constant files they may take
 * directly (the recap's screen limits, the run-sheet's field names, the platforms' names and the
 * protocol's bounds, which need no zod).
 */
const HUB_CODE = String.raw`(^|/)server/(?!recap/limits(\.js)?$|runsheet/fields(\.js)?$|rules/platforms(\.js)?$|protocol/bounds(\.js)?$)`;

/** What no screen may import: Electron itself, and hub code other than types and the pure files above. */
const RENDERER_PATHS = [{ name: 'electron', message: 'The screens reach the shell through the preload bridge only.' }];
const RENDERER_PATTERNS = [
  {
    regex: HUB_CODE,
    allowTypeImports: true,
    message: 'Import hub code through @protocol or @rules; a value from server/ may pull Node-only code into the UI.',
  },
];

const mistakes = {
  'no-debugger': 'error',
  'no-dupe-keys': 'error',
  'no-duplicate-case': 'error',
  'no-unreachable': 'error',
  'no-self-assign': 'error',
  'no-unsafe-finally': 'error',
  'no-cond-assign': ['error', 'except-parens'],
  'no-sparse-arrays': 'error',
  'use-isnan': 'error',
  'valid-typeof': 'error',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.livedeck/**'] },
  // A disable comment for a rule this config does not turn on is harmless (an editor's own rules may).
  { plugins: { '@typescript-eslint': tseslint.plugin, vue }, linterOptions: { reportUnusedDisableDirectives: 'off' } },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    rules: mistakes,
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module' },
    rules: mistakes,
  },
  {
    files: ['renderer/**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
    rules: { ...mistakes, 'vue/block-lang': ['error', { script: { lang: 'ts' } }] },
  },
  {
    // The hub knows nothing of screens; Electron knows nothing of the domain (STYLE.md §4).
    files: ['server/**/*.ts', 'server/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The hub runs without Electron; the shell passes it what it needs.' }],
          patterns: [{ group: ['**/renderer/**', '**/electron/**'], message: 'server/ imports neither renderer/ nor electron/.' }],
        },
      ],
    },
  },
  {
    // The screens take hub code through @protocol and @rules only (types may come from anywhere).
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: RENDERER_PATHS, patterns: RENDERER_PATTERNS }] },
  },
  {
    // A store binds its own slice of the feed (renderer/api/feed.ts) and never imports another store,
    // not even for a type: views across stores are composables (renderer/composables/). Repeats the
    // screens' rules, because a later block's options replace an earlier one's for the same rule.
    files: ['renderer/stores/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: RENDERER_PATHS,
          patterns: [
            ...RENDERER_PATTERNS,
            {
              regex: String.raw`^\./|(^|/)stores/`,
              message: 'A store never imports another store: take what the hub said from renderer/api/feed, and put a view across stores in renderer/composables/.',
            },
          ],
        },
      ],
    },
  },
);
