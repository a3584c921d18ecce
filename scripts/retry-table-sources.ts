import { execFileSync } from 'node:child_process';

/** The files the retry table's hand mutants change, and the test that must catch them. */
export const RETRY_TABLE_FILES = {
  errors: 'functions/core/errors.ts',
  policy: 'functions/core/retry-policy.ts',
  workflow: 'infra/video-workflow.ts',
  test: 'test/infra/retry-table.test.ts',
} as const;

/** What a run of the hand mutants depends on: those files, the stack the test synthesizes, the mutants. */
const DEPENDS_ON = [
  ...Object.values(RETRY_TABLE_FILES),
  'infra/clipbay-stack.ts',
  'scripts/retry-table-mutants.ts',
];

/** Git's blob id of each of those files at HEAD: a run of the hand mutants is current while they match. */
export function retryTableSources(): Record<string, string> {
  return Object.fromEntries(
    DEPENDS_ON.map((path) => [
      path,
      execFileSync('git', ['rev-parse', `HEAD:${path}`], { encoding: 'utf8' }).trim(),
    ]),
  );
}
