import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** tsconfig.json's `paths`, which Vite does not read: the platform registry, by name. */
export const REGISTRY_ALIAS = {
  '@clipbay/platforms': fileURLToPath(new URL('./bots/platforms.ts', import.meta.url)),
  '@clipbay/notifiers': fileURLToPath(new URL('./bots/notifiers.ts', import.meta.url)),
};

export default defineConfig({
  resolve: { alias: REGISTRY_ALIAS },
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
