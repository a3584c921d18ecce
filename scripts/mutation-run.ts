/**
 * `npm run mutation`: Stryker on the part MUTATION_PART names (steps, tokenbay or grammar; unset:
 * all three at once), then the retry table's hand mutants (with the steps part, or all), then
 * docs/MUTATION.md from every part's latest report.
 *
 * Stryker's JSON report carries no run time, so this records the runs of each part, measured here,
 * in reports/mutation/run-time[-part].json: how long each took, when it ended, at which commit, and
 * whether it was full or incremental (an earlier run's results reused, only what changed retested).
 * A full run starts the list again; an incremental one is added to it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { retryTableSources } from './retry-table-sources.js';

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

/** The commit the run tested, marked when the tree had changes not yet committed. */
const commitRun = () => {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  // docs/MUTATION.md is this script's own output, rewritten by every run.
  const changed = git('status', '--porcelain', '--', '.', ':!docs/MUTATION.md') !== '';
  return `${git('rev-parse', '--short', 'HEAD')}${changed ? ' + uncommitted changes' : ''}`;
};

mkdirSync(dir, { recursive: true });
const incremental = existsSync(join(dir, `stryker-incremental${suffix}.json`));
const started = Date.now();
run('npx', ['stryker', 'run', 'stryker.config.mjs']);
const runTime: MutationRunTime = {
  part: part || 'all',
  ms: Date.now() - started,
  finishedAt: new Date().toISOString(),
  commit: commitRun(),
  incremental,
};
const runTimeFile = join(dir, `run-time${suffix}.json`);
const earlier: MutationRunTime[] =
  incremental && existsSync(runTimeFile)
    ? (JSON.parse(readFileSync(runTimeFile, 'utf8')) as MutationRunTime[])
    : [];
writeFileSync(runTimeFile, `${JSON.stringify([...earlier, runTime], null, 2)}\n`);

// The retry table belongs with the workflow's steps (a part about the client or the grammar skips
// it), and needs no new run while its files are what they were at its last one (minutes saved).
if (part === '' || part === 'steps') {
  const retryTable = join(dir, 'retry-table.json');
  const current =
    existsSync(retryTable) &&
    isDeepStrictEqual(
      (JSON.parse(readFileSync(retryTable, 'utf8')) as { sources?: unknown }).sources,
      retryTableSources(),
    );
  if (current) process.stdout.write('Retry table: its files are unchanged since its last run; kept.\n');
  else run('npx', ['tsx', 'scripts/retry-table-mutants.ts']);
}
run('npx', ['tsx', 'scripts/mutation-report.ts']);
