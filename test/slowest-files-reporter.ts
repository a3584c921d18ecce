import type { Reporter, TestModule } from 'vitest/node';

/** How many of the slowest test files `npm test` names at its end. */
const SHOWN = 10;

/**
 * Prints the slowest test files after a run, so that a slow file is seen the day it lands (the
 * suite's budget is 6 minutes on 2 cores). Times are each file's tests and hooks, in its worker.
 */
export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = testModules
      .map((module) => ({ file: module.relativeModuleId, ms: module.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SHOWN);
    if (rows.length === 0) return;
    const width = Math.max(...rows.map((r) => r.file.length));
    process.stdout.write(
      `\n The ${rows.length} slowest test files:\n${rows
        .map((r) => `   ${r.file.padEnd(width)}  ${(r.ms / 1000).toFixed(1).padStart(6)} s`)
        .join('\n')}\n`,
    );
  }
}
