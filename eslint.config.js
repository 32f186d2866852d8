import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// The app is a client of the front door (issue 13): a file under src/app may import src/index.ts and other
// files of src/app, nothing else of src/. Import strings are relative, so the rule is written per depth below
// src/app: from a file d folders deep, `../` × (d + 1) reaches src/, and what follows must be `index`.
// src/app/front-door-lint.test.ts proves it refuses a deep import and allows the front door.
/** Library modules the app may still import directly, each with the reason (fewer is better). */
export const FRONT_DOOR_EXCEPTIONS = [
  // The service worker is its own bundle, loaded before any page code: it takes the one cache name it shares
  // with the model store, not the whole library.
  'inference/model-store',
];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const allowed = ['index', 'index\\.ts', ...FRONT_DOOR_EXCEPTIONS.map(escape)].join('|');
const appDepths = [0, 1, 2, 3, 4].map((d) => {
  const up = `(\\.\\./){${d + 1}}`;
  return {
    files: [`src/app/${'*/'.repeat(d)}*.ts`],
    // Tests drive library internals directly (an in-page bus, the agent runtime without its worker, the
    // router's privacy stack); they ship nowhere, so the rule is about what the app's code reaches.
    ignores: ['src/app/**/*.test.ts', 'src/app/**/test-support.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^${up}(?!(${allowed})$)(?!\\.\\./)`,
              message: 'src/app imports the library only through its front door, src/index.ts.',
            },
            {
              regex: `^${up}\\.\\./src/(?!(${allowed})$)`,
              message: 'src/app imports the library only through its front door, src/index.ts.',
            },
          ],
        },
      ],
    },
  };
});

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
  ...appDepths,
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
