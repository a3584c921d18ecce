import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import { REGISTRY_ALIAS } from './vitest.config.js';

/**
 * The test files Stryker runs (stryker.config.mjs): fast, in-process ones only. Tests that start
 * the emulated account run the code as Lambda bundles in child processes, which Stryker's
 * instrumented sources never reach, and take minutes. The in-process workflow tests are left out
 * too: each of their files synthesizes the stack and starts S3 and the simulator in a beforeAll,
 * which Stryker would repeat for every mutant they cover (hours on two cores); the steps they
 * drive have their own unit tests in test/core.
 */
export const MUTATION_TESTS = [
  'test/bots/**/*.test.ts',
  'test/core/**/*.test.ts',
  'test/grammar/**/*.test.ts',
  'test/infra/retry-table.test.ts',
  'test/discord/video-command.test.ts',
  'test/notify/progress-timeout.test.ts',
  // The failures part: in-process tests of the ledger (against dynalite), the settle steps, and
  // the emulated account's checks.
  'test/usage/usage-ledger.test.ts',
  'test/notify/run-messages.test.ts',
  'test/account/iam-policy.test.ts',
  'test/account/sigv4.test.ts',
  'test/account/sigv4-suite.test.ts',
  'test/account/event-rules.test.ts',
  'test/account/stage-throttle.test.ts',
  'test/local/host-check.test.ts',
  'test/infra/definition-paths.test.ts',
];

/** The workflow files (a synth, S3 and the simulator each) last: with bail, a quick kill is cheap. */
class FastFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weight = (file: TestSpecification) => (file.moduleId.includes('/test/workflow/') ? 1 : 0);
    return [...files].sort((a, b) => weight(a) - weight(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  resolve: { alias: REGISTRY_ALIAS },
  test: {
    include: MUTATION_TESTS,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { sequencer: FastFirst },
    // A test that fails once under a loaded machine would stop the whole run at its initial test run.
    retry: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
