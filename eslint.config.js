import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-bench/',
      'dist-e2e/',
      'test-results/',
      'playwright-report/',
      'e2e/.generated/',
      'bench/results/',
      'public/models/',
      'public/runtime/',
      'src/events/gen/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: [
      'scripts/**',
      'bench/run.mjs',
      'bench/lib/**',
      '*.config.*',
      'e2e/global-setup.ts',
      'e2e/fixtures/**',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
);
