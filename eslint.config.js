// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports each part may not make (docs/ARCHITECTURE.md, "The parts and who may import whom"). */
/** The Lambda handlers in functions/: composition roots, which the core never imports. */
const HANDLERS = [
  'submit',
  'check-status',
  'save-to-s3',
  'post-link',
  'report-failure',
  'share-link',
  'settle-usage',
  'run-ended',
  'slack-events',
  'discord-interactions',
];
const CHAT_SDKS = ['@slack/*', '@discordjs/*', 'discord.js', 'discord-api-types', 'discord-api-types/*'];
const boundary = (group, message) => ({ group, message });
const LAMBDA_CODE_NEVER_IMPORTS_LOCAL = boundary(
  ['**/local/**'],
  'Lambda code (functions/, bots/) never imports local/: local runs the handlers through their bundles.',
);
const CORE_BOUNDARIES = [
  boundary(CHAT_SDKS, 'functions/core knows no platform: chat SDKs belong in bots/<platform>/.'),
  boundary(
    ['**/bots/**', '**/infra/**', '@clipbay/*'],
    'functions/core imports nothing from bots/ or infra/ (nor the platform registry).',
  ),
  LAMBDA_CODE_NEVER_IMPORTS_LOCAL,
  boundary(
    ['**/runtime/**', ...HANDLERS.map((handler) => `**/${handler}.js`)],
    'functions/core imports no Lambda handler code (functions/*.ts, functions/runtime/).',
  ),
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      '.clipbay/',
      'videos/',
      'test-results/',
      'bench/out/',
      'reports/',
      '.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['functions/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: CORE_BOUNDARIES }] },
  },
  {
    // Inside the core, workflow/ and ingress/ sit on top: the parts they compose never import them.
    files: ['functions/core/**/*.ts'],
    ignores: ['functions/core/workflow/**', 'functions/core/ingress/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...CORE_BOUNDARIES,
            boundary(
              ['**/workflow/**', '**/ingress/**', '../workflow/*', '../ingress/*'],
              'functions/core: only workflow/ and ingress/ import the rest, never the other way round.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['functions/*.ts', 'functions/runtime/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [LAMBDA_CODE_NEVER_IMPORTS_LOCAL] }] },
  },
  {
    files: ['bots/slack/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            boundary(
              [
                '**/bots/discord/**',
                '../discord/**',
                '@discordjs/*',
                'discord.js',
                'discord-api-types',
                'discord-api-types/*',
              ],
              'bots/slack never imports Discord code: shared logic belongs in functions/core.',
            ),
            LAMBDA_CODE_NEVER_IMPORTS_LOCAL,
          ],
        },
      ],
    },
  },
  {
    files: ['bots/discord/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            boundary(
              ['**/bots/slack/**', '../slack/**', '@slack/*'],
              'bots/discord never imports Slack code: shared logic belongs in functions/core.',
            ),
            LAMBDA_CODE_NEVER_IMPORTS_LOCAL,
          ],
        },
      ],
    },
  },
  {
    // The operator commands (connect, doctor) know no platform: each platform's part lives in its
    // bots/<platform>/ folder, listed once in ops/operator-platforms.ts.
    files: ['ops/**/*.ts'],
    ignores: ['ops/operator-platforms.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            boundary(
              [...CHAT_SDKS, '**/bots/slack/**', '**/bots/discord/**', '**/local/**'],
              'ops/ knows no platform: its parts live in bots/<platform>/<platform>-operator.ts.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            boundary(
              ['**/bots/**', '**/local/**', '**/runtime/**', '../functions/*.js'],
              'infra imports only constants and tables from functions/core.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['bench/**/*.ts', 'bench/**/*.mjs'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [boundary(['**/test/**'], 'bench/ never imports test/: shared helpers live in local/.')],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [boundary(['**/bench/**'], 'test/ never imports bench/: shared helpers live in local/.')],
        },
      ],
    },
  },
  {
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['local/**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['local/playground/page/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: [
      'local/**',
      'bench/**',
      'scripts/**',
      'test/reliability/write-doc.ts',
      'bots/**/register*.ts',
      'infra/bin/**',
    ],
    rules: { 'no-console': 'off' },
  },
);
