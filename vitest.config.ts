import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker, but most files spend their time waiting on the
    // processes they start (Lambda containers, S3, the simulator): three at once took the suite
    // from 419 s to 185 s here, with every file still passing.
    maxWorkers: 3,
    reporters: ['default', './test/slowest-files-reporter.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
