/**
 * Hand mutants of the retry table, which Stryker cannot score: the table is a module-level constant
 * (functions/core/retry-policy.ts, STATE_RETRY) read while the stack is synthesized, outside any one test,
 * so Stryker counts it as static code and `ignoreStatic` leaves it out. Each mutant here is applied
 * to a throwaway copy of the committed tree (git archive HEAD; never the working tree, where others
 * may be editing), test/infra/retry-table.test.ts runs against it, and the mutant must fail it.
 * Results go to reports/mutation/retry-table.json, which scripts/mutation-report.ts reads.
 *
 *   tsx scripts/retry-table-mutants.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RETRY_TABLE_FILES, retryTableSources } from './retry-table-sources.js';

const { errors: ERRORS, policy: POLICY, workflow: WORKFLOW, test: TEST } = RETRY_TABLE_FILES;

interface HandMutant {
  file: string;
  what: string;
  from: string;
  to: string;
  /** Instead of replacing `from`: remove this text, the first time it follows `from`. */
  drop?: string;
}

/** The mutations that would cost money (a second paid task) or fail videos that would have worked. */
const MUTANTS: HandMutant[] = [
  {
    file: POLICY,
    what: 'Submit also retries a request that may have reached TokenBay',
    from: 'errors: [ERROR.tokenBayNotSent],',
    to: 'errors: [ERROR.tokenBayNotSent, ERROR.tokenBayMaybeSent],',
  },
  {
    file: POLICY,
    what: 'Submit also retries a 5xx (the task may exist)',
    from: 'errors: [ERROR.tokenBayNotSent],',
    to: 'errors: [ERROR.tokenBayNotSent, ERROR.tokenBayServer],',
  },
  {
    file: POLICY,
    what: 'Submit no longer retries a request that never left',
    from: 'errors: [ERROR.tokenBayNotSent],',
    to: 'errors: [],',
  },
  {
    file: POLICY,
    what: 'No Task retries a throttled Lambda',
    from: 'errors: [RUNTIME_ERROR.throttled],',
    to: 'errors: [],',
  },
  {
    file: POLICY,
    what: 'Throttled Lambda retried without jitter',
    from: "jitter: 'FULL',",
    to: '',
  },
  {
    file: 'infra/video-workflow.ts',
    what: 'Submit no longer waits and submits again after a 429',
    from: ".when(Condition.isPresent('$.task.retryAfterSeconds'), waitToResubmit.next(submit))",
    to: ".when(Condition.isPresent('$.task.retryAfterSeconds'), reportFailure)",
  },
  ...['tokenBayRateLimit', 'tokenBayServer', 'tokenBayMaybeSent', 'tokenBayNotSent'].map((name) => ({
    file: POLICY,
    what: `CheckStatus no longer retries ${name}`,
    from: 'const TRANSIENT_READ = [',
    to: '',
    drop: `  ERROR.${name},\n`,
  })),
  ...['transferInterrupted', 'tokenBayServer', 'tokenBayMaybeSent'].map((name) => ({
    file: POLICY,
    what: `SaveToS3 no longer retries ${name}`,
    from: 'errors: [ERROR.transferInterrupted, ERROR.tokenBayServer, ERROR.tokenBayMaybeSent, ...LOST_CONTAINER],',
    to: 'errors: [ERROR.transferInterrupted, ERROR.tokenBayServer, ERROR.tokenBayMaybeSent, ...LOST_CONTAINER],'.replace(
      `ERROR.${name}, `,
      '',
    ),
  })),
  ...['exit', 'timedOut', 'stateTimeout'].map((name) => ({
    file: POLICY,
    what: `SaveToS3 and CheckStatus no longer retry a dead container (${name})`,
    from: 'const LOST_CONTAINER = [RUNTIME_ERROR.exit, RUNTIME_ERROR.timedOut, RUNTIME_ERROR.stateTimeout]',
    to: 'const LOST_CONTAINER = [RUNTIME_ERROR.exit, RUNTIME_ERROR.timedOut, RUNTIME_ERROR.stateTimeout]'.replace(
      new RegExp(`RUNTIME_ERROR\\.${name}(, )?`),
      '',
    ),
  })),
  {
    file: POLICY,
    what: 'Chat messages are no longer retried',
    from: 'errors: [ERROR.notify],',
    to: 'errors: [],',
  },
  {
    file: POLICY,
    what: 'A refused chat message (4xx) is retried',
    from: 'errors: [ERROR.notify],',
    to: 'errors: [ERROR.notify, ERROR.notifyRejected],',
  },
  {
    file: ERRORS,
    what: 'A retried error is renamed (the class and the Retry list drift apart)',
    from: "tokenBayNotSent: 'TokenBayNotSentError',",
    to: "tokenBayNotSent: 'TokenBayNotSent',",
  },
  {
    file: ERRORS,
    what: 'The error a state retries is renamed',
    from: "transferInterrupted: 'TransferInterruptedError',",
    to: "transferInterrupted: '',",
  },
  {
    file: ERRORS,
    what: 'Throttled Lambda named wrong',
    from: "throttled: 'Lambda.TooManyRequestsException',",
    to: "throttled: '',",
  },
  {
    file: WORKFLOW,
    what: "Submit's Lambda service errors retried by CDK's default (a lost answer may hide a task)",
    from: '{ retryOnServiceExceptions: false }',
    to: '{ retryOnServiceExceptions: true }',
  },
  {
    file: WORKFLOW,
    what: 'Failures no longer reach ReportFailure',
    from: "const caught: CatchProps = { errors: ['States.ALL'], resultPath: '$.error' };",
    to: "const caught: CatchProps = { errors: ['TokenBayError'], resultPath: '$.error' };",
  },
];

function mutate(source: string, mutant: HandMutant): string {
  if (mutant.drop) {
    const start = source.indexOf(mutant.from);
    const at = source.indexOf(mutant.drop, start);
    if (start < 0 || at < 0) throw new Error(`Cannot apply "${mutant.what}": text not found.`);
    return source.slice(0, at) + source.slice(at + mutant.drop.length);
  }
  if (!source.includes(mutant.from)) throw new Error(`Cannot apply "${mutant.what}": text not found.`);
  return source.replace(mutant.from, mutant.to);
}

const started = Date.now();
const root = resolve('.');
const copy = mkdtempSync(join(tmpdir(), 'clipbay-retry-mutants-'));
try {
  execFileSync('sh', ['-c', `git archive HEAD | tar -x -C '${copy}'`], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const runTest = () =>
    spawnSync('npx', ['vitest', 'run', TEST], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    });

  // Every mutant must apply to the committed sources, and change them, before anything runs.
  for (const mutant of MUTANTS) {
    const source = readFileSync(join(copy, mutant.file), 'utf8');
    if (mutate(source, mutant) === source) throw new Error(`"${mutant.what}" changes nothing.`);
  }
  const baseline = runTest();
  if (baseline.status !== 0) throw new Error(`${TEST} fails on the unmutated copy:\n${baseline.stdout}`);

  const results: { what: string; file: string; killed: boolean; by?: string }[] = [];
  for (const mutant of MUTANTS) {
    const path = join(copy, mutant.file);
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, mutate(original, mutant));
    const run = runTest();
    writeFileSync(path, original);
    const failed = /[×✗] (.+?)(?: \d+ms)?$/m.exec(run.stdout);
    results.push({ what: mutant.what, file: mutant.file, killed: run.status !== 0, by: failed?.[1]?.trim() });
    process.stdout.write(`${run.status !== 0 ? 'killed  ' : 'SURVIVED'} ${mutant.what}\n`);
  }
  mkdirSync('reports/mutation', { recursive: true });
  writeFileSync(
    'reports/mutation/retry-table.json',
    JSON.stringify({ sources: retryTableSources(), ms: Date.now() - started, results }, null, 2),
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
}
