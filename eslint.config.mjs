// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const APPS = ['api', 'worker', 'cli', 'console'];

/** An import of an app's code: `apps/<app>/...` or `<app>/src/...` (docs/decisions/0016). */
function appImport(apps, message) {
  const names = apps.join('|');
  return { regex: `(^|/)(apps/(${names})|(${names})/src)(/|$)`, message };
}

/** Libraries never import an app: the apps compose the libraries, not the other way round. */
const NO_APP_IMPORTS = appImport(APPS, 'libs/ never import apps/: move what both need into a lib.');

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      '.venv-fuzz/**',
      'tmp/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The domain stays pure: no framework, no database, no I/O.
    files: ['libs/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'mongoose',
                'better-sqlite3',
                '@eventstore/*',
                'node:*',
                'fs',
                'crypto',
                'passport*',
              ],
            },
            NO_APP_IMPORTS,
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/domain/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_APP_IMPORTS] }] },
  },
  // An app composes the libraries; it never imports another app (tests under test/ may).
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`, `apps/${app}/**/*.tsx`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            appImport(
              APPS.filter((other) => other !== app),
              `apps/${app} never imports another app: what both need belongs in libs/ (@ledger/runtime, @ledger/jobs).`,
            ),
          ],
        },
      ],
    },
  })),
);
