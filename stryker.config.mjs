// @ts-check
/* global process */
/**
 * Mutation testing for the code where a silent bug costs money or safety (issue 19): signature
 * checks and request guards, the TokenBay client, Submit and CheckStatus, the transfer and its
 * resume, links and the share redirect, the grammar, validator and request builder, and the
 * state machine's retry table. `npm run mutation` (not part of `npm test`: about half an hour on
 * two cores for the three parts) runs it and writes docs/MUTATION.md from the JSON reports.
 *
 * Only fast, in-process test files run (vitest.mutation.config.ts): tests that start the emulated
 * account run the code as Lambda bundles in child processes, which Stryker's instrumented sources
 * never reach.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
/**
 * The modules, in parts that `MUTATION_PART=steps|tokenbay|grammar|failures` runs alone (unset: all), each
 * with its own report and incremental file, so a part finishes (and counts) on its own.
 */
const MUTATE = {
  steps: [
    'bots/discord/discord-request-check.ts',
    'bots/slack/slack-request-check.ts',
    'functions/core/workflow/submit-step.ts',
    'functions/core/workflow/check-status-step.ts',
    'functions/core/workflow/save-to-s3-step.ts',
    'functions/core/transfer/**/*.ts',
    'functions/core/storage/**/*.ts',
  ],
  tokenbay: ['functions/core/tokenbay/**/*.ts'],
  grammar: [
    'functions/core/grammar/**/*.ts',
    '!functions/core/grammar/help-text.ts',
    'functions/core/request/**/*.ts',
    // The platforms' command mapping, moved out of the core into their own folders.
    'bots/discord/discord-options.ts',
    'bots/slack/slack-escapes.ts',
  ],
  // How runs end and what they leave behind (issue 25): the ledger, the settle steps and the record
  // of each run's message (posted once), and the emulated account's checks that the failure tests
  // rely on (IAM, SigV4, the Host allow-list, EventBridge patterns, the stage throttle) and the
  // static check of the definition.
  failures: [
    'functions/core/usage/usage-ledger.ts',
    'functions/core/usage/start-within-limits.ts',
    'functions/core/workflow/settle-usage-step.ts',
    'functions/core/workflow/run-ended-step.ts',
    'functions/core/notify/run-messages.ts',
    'local/account/iam-policy.ts',
    'local/account/sigv4.ts',
    'local/account/stage-throttle.ts',
    'local/account/services/event-rules.ts',
    'local/security/host-check.ts',
    'infra/definition-paths.ts',
  ],
};
const part = process.env.MUTATION_PART ?? '';
const suffix = part ? `-${part}` : '';

export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  checkers: ['typescript'],
  // The checker rejects mutants that would not compile, that is, that could not be deployed: so it
  // checks the deployed code the mutated files belong to, not the tests (vitest runs tests without
  // types, and a mutant that only breaks a test's types is a deployable bug the tests must catch).
  // A fifth of the files of the whole project: the checker was the bottleneck, at one core to the
  // test runner's tenth.
  tsconfigFile: 'scripts/tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  plugins: ['@stryker-mutator/vitest-runner', '@stryker-mutator/typescript-checker'],
  mutate: MUTATE[part] ?? Object.values(MUTATE).flat(),
  coverageAnalysis: 'perTest',
  // Code run outside any test (module constants, a beforeAll's synth) would make Stryker run every
  // test file for each of its mutants: hours on two cores. They are counted as ignored in
  // docs/MUTATION.md; the retry table (synthesized in a beforeAll) is checked by
  // test/infra/retry-table.test.ts and the hand mutants of scripts/retry-table-mutants.ts.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: `reports/mutation/stryker-incremental${suffix}.json`,
  ignorePatterns: ['cdk.out', '.clipbay', 'videos', 'test-results', 'bench/out', 'reports', 'docs/*.png'],
  reporters: ['json', 'html', 'clear-text', 'progress'],
  jsonReporter: { fileName: `reports/mutation/mutation${suffix}.json` },
  htmlReporter: { fileName: `reports/mutation/mutation${suffix}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
