import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
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
        patterns: [
          { group: ['knex', 'pg', 'express', 'node:*', 'fs', 'path', 'crypto', 'child_process'], message: 'Workflow code must stay deterministic.' },
          { group: ['../activities/*', '../ledger/*', '../api/*', '../config/*', '../infra/*'], allowTypeImports: true, message: 'Use `import type` only.' },
        ],
      }],
    },
  },
  {
    files: ['scripts/**/*.js', 'test/support/*.js', 'jest.config.js'],
    languageOptions: { globals: { require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly', module: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
