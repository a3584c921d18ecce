/**
 * `npm run mutation`: Stryker on the part MUTATION_PART names (steps, tokenbay or grammar; unset:
 * all three at once), then the retry table's hand mutants, then docs/MUTATION.md.
 *
 * Stryker's JSON report carries no run time, so this records one per part, measured here, in
 * reports/mutation/run-time[-part].json: how long the run took, when it ended, at which commit, and
 * whether it was incremental (an earlier run's results reused) or full.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MutationRunTime {
  part: string;
  ms: number;
  finishedAt: string;
  commit: string;
  /** An earlier run's incremental file was there: only changed mutants and tests ran again. */
  incremental: boolean;
}

const dir = 'reports/mutation';
const part = process.env.MUTATION_PART ?? '';
const suffix = part ? `-${part}` : '';

const run = (command: string, args: string[]) => {
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
};

mkdirSync(dir, { recursive: true });
const incremental = existsSync(join(dir, `stryker-incremental${suffix}.json`));
const started = Date.now();
run('npx', ['stryker', 'run', 'stryker.config.mjs']);
const runTime: MutationRunTime = {
  part: part || 'all',
  ms: Date.now() - started,
  finishedAt: new Date().toISOString(),
  commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
  incremental,
};
writeFileSync(join(dir, `run-time${suffix}.json`), `${JSON.stringify(runTime, null, 2)}\n`);

run('npx', ['tsx', 'scripts/retry-table-mutants.ts']);
run('npx', ['tsx', 'scripts/mutation-report.ts']);
