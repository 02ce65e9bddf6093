// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.bench/', '**/__fixtures__/**', 'bin/'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `import { z }` hands the bundler zod's whole namespace object, locales included (500 KB
      // of JavaScript compiled on every CLI start); a namespace import is tree-shaken.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Use import * as z from 'zod'.",
        },
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals, not enum.' },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // Bundled into the CLI, better-sqlite3 cannot find its own addon: every database is opened
    // through src/store/sqlite.ts, which hands the library the addon's path.
    files: ['src/**/*.ts'],
    ignores: ['src/store/sqlite.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'better-sqlite3',
              message: 'Open databases with openSqlite / openSqliteImage from src/store.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['eslint.config.js', 'scripts/**'], extends: [tseslint.configs.disableTypeChecked] },
  // Tool configuration files must default-export their config.
  { files: ['eslint.config.js', 'vitest.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
