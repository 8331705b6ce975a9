import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Relative imports that leave workflows/ for a folder with side effects, at any depth. */
const IO_FOLDERS =
  '^(\\.\\./)+(activities|ledger|api|config|infra|platform|app|clients|orders|webhooks|channels|integrations|worker|cli|migrations|bench|examples|scripts|test)(/|$)';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/', 'console/src/api-types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    // Type-aware: no-floating-promises needs the types of what is called.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: Node built-ins and
    // our I/O layers must never be pulled into the bundle.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        // Every Node built-in, bare (`util`, `fs/promises`) or `node:`-prefixed.
        paths: builtinModules.map((name) => ({ name, message: 'Workflow code must stay deterministic: no Node built-ins.' })),
        patterns: [
          { group: ['knex', 'pg', 'express', 'node:*'], message: 'Workflow code must stay deterministic.' },
          // Any depth (`../ledger/x` from workflows/, `../../ledger/x` from workflows/order/, …): every
          // folder outside workflows/ and domain/ does I/O or pulls it in.
          { regex: IO_FOLDERS, allowTypeImports: true, message: 'Use `import type` only.' },
        ],
      }],
    },
  },
  {
    files: ['scripts/**/*.js', 'test/support/*.js', 'jest.config.js'],
    languageOptions: { globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly', module: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The console runs in the browser and is type-checked with its own console/tsconfig.json.
    files: ['console/**/*.{ts,tsx,mts}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
