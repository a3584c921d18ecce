// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.clipbay/', 'videos/', 'test-results/', 'bench/out/'] },
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
      'test/reliability/write-doc.ts',
      'bots/**/register*.ts',
      'bots/**/socket-mode.ts',
      'infra/bin/**',
    ],
    rules: { 'no-console': 'off' },
  },
);
