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
      'dist-embed/',
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
  // Privacy: the egress gate is the only module of src/ that may reach the network (DESIGN.md, Privacy).
  // src/privacy/egress-lint.test.ts proves this rule catches every form listed here.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/privacy/egress-gate.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'WebTransport'].map((name) => ({
          name,
          message:
            'Network egress goes through src/privacy/egress-gate.ts (gate.send, or fetchSameOrigin for app assets).',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[object.name=/^(globalThis|window|self|navigator)$/][property.name=/^(fetch|sendBeacon|XMLHttpRequest|WebSocket|EventSource|WebTransport)$/]',
          message: 'Network egress goes through src/privacy/egress-gate.ts.',
        },
      ],
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
