import type { InvokeFault, PlannedFault } from '../../local/account/lambda/fault-plan.js';

/**
 * The failure matrix: every Task state of the workflow, hit by every kind of failure, at its first
 * attempt and at a later one (after a retried error), run through the emulated account. Each row
 * says what must come of it; test/reliability/failure-matrix.test.ts asserts the whole outcome:
 * how the execution ended, what the channel was told, the submits, the ledger row and the slot.
 */

export type FailureKind = 'error' | 'transient' | 'throttle' | 'crash' | 'crash-after' | 'timeout' | 'reset';
export type Attempt = 'first' | 'later' | 'every';

/** Which way a run goes before the fault: the clip's way, or the failure's (a refused key at the first poll). */
export type Path = 'success' | 'failure';

interface TaskUnderTest {
  state: string;
  fn: string;
  path: Path;
  /** An error the state never retries, and one it retries until its attempts run out. */
  fatal: string;
  transient: string;
  /** Whether a dead or timed-out container is retried (the state's work is safe to repeat). */
  retriesDeadContainer: boolean;
  /** What comes of a connection reset after a freeze, for docs/RELIABILITY.md. */
  afterReset: string;
}

const TASKS: TaskUnderTest[] = [
  {
    state: 'Submit',
    fn: 'SubmitFn',
    path: 'success',
    fatal: 'TokenBayRejectedError',
    transient: 'TokenBayNotSentError',
    retriesDeadContainer: false,
    afterReset: 'nothing to reset: the submit opens a new connection, so it reaches TokenBay, once',
  },
  {
    state: 'CheckStatus',
    fn: 'CheckStatusFn',
    path: 'success',
    fatal: 'TokenBayAuthError',
    transient: 'TokenBayServerError',
    retriesDeadContainer: true,
    afterReset: 'the poll never reached TokenBay (maybe sent, but only a read): retried',
  },
  {
    state: 'SaveToS3',
    fn: 'SaveToS3Fn',
    path: 'success',
    fatal: 'TransferIntegrityError',
    transient: 'TransferInterruptedError',
    retriesDeadContainer: true,
    afterReset:
      'the reset request never reached its peer: retried (the download resumes, the upload restarts)',
  },
  {
    state: 'PostLink',
    fn: 'PostLinkFn',
    path: 'success',
    fatal: 'NotifyRejectedError',
    transient: 'NotifyError',
    retriesDeadContainer: true,
    afterReset: 'the post never reached the chat: retried, so it is posted once',
  },
  {
    state: 'SettleUsage',
    fn: 'SettleUsageFn',
    path: 'success',
    fatal: 'ValidationException',
    transient: 'ThrottlingException',
    retriesDeadContainer: true,
    afterReset: 'the AWS SDK retries the reset call',
  },
  {
    state: 'ReportFailure',
    fn: 'ReportFailureFn',
    path: 'failure',
    fatal: 'NotifyRejectedError',
    transient: 'NotifyError',
    retriesDeadContainer: true,
    afterReset: 'the post never reached the chat: retried, so it is posted once',
  },
  {
    state: 'SettleFailedRunUsage',
    fn: 'SettleUsageFn',
    path: 'failure',
    fatal: 'ValidationException',
    transient: 'ThrottlingException',
    retriesDeadContainer: true,
    afterReset: 'the AWS SDK retries the reset call',
  },
];

export interface ExpectedOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  /** The Fail state's error when the run failed: never `States.Runtime`. */
  error?: 'VideoFailed' | 'VideoFailedUntold';
  /** What the channel is told, exactly once: the clip, or one failure message with the reference. */
  told: 'clip' | 'failure';
  /** Who told it, when the run failed: ReportFailure, or RunEnded (the EventBridge backstop). */
  toldBy?: 'ReportFailure' | 'RunEnded';
  /** How the ledger row is closed. */
  outcome: 'succeeded' | 'error';
}

export interface MatrixCase {
  name: string;
  state: string;
  /** The way the run goes before the fault. */
  path: Path;
  kind: FailureKind;
  attempt: Attempt;
  /** The faults for the run named `execution`. */
  faults(execution: string): PlannedFault[];
  expected: ExpectedOutcome;
  /** Why, in one line, for docs/RELIABILITY.md. */
  why: string;
}

/** The error that makes a run take the failure path before the state under test: a refused key. */
export const FAILURE_PATH_CAUSE = 'TokenBayAuthError';

/** The faults that send a run down `path`: none for the clip's, a refused key at the first poll for the failure's. */
export function faultsOfPath(path: Path, execution: string): PlannedFault[] {
  return path === 'failure'
    ? [
        {
          fn: 'CheckStatusFn',
          execution,
          attempt: 1,
          fault: { kind: 'error', errorType: FAILURE_PATH_CAUSE },
        },
      ]
    : [];
}

function faultOf(task: TaskUnderTest, kind: FailureKind): InvokeFault {
  if (kind === 'error') return { kind: 'error', errorType: task.fatal };
  if (kind === 'transient') return { kind: 'error', errorType: task.transient };
  if (kind === 'reset') return { kind: 'reset-after-freeze' };
  if (kind === 'crash-after') return { kind: 'crash-after' };
  return { kind };
}

function expectedOf(task: TaskUnderTest, kind: FailureKind): { expected: ExpectedOutcome; why: string } {
  const recovers =
    kind === 'throttle' ||
    ((kind === 'crash' || kind === 'crash-after' || kind === 'timeout') && task.retriesDeadContainer);
  const clip: ExpectedOutcome = { status: 'SUCCEEDED', told: 'clip', outcome: 'succeeded' };
  const failed: ExpectedOutcome = {
    status: 'FAILED',
    error: 'VideoFailed',
    told: 'failure',
    toldBy: 'ReportFailure',
    outcome: 'error',
  };
  // A forgotten connection takes nothing to its peer: every state gets over it, on its path.
  if (kind === 'reset') return { expected: task.path === 'success' ? clip : failed, why: task.afterReset };
  if (task.state === 'SettleUsage')
    return {
      expected: clip,
      why: recovers
        ? 'retried; the clip was out already'
        : 'the clip was out already; RunEnded settles the run',
    };
  if (task.state === 'SettleFailedRunUsage')
    return {
      expected: failed,
      why: recovers ? 'retried' : 'the failure was told already; RunEnded settles the run',
    };
  if (task.state === 'ReportFailure')
    return recovers
      ? { expected: failed, why: 'retried: the message replaces the answer in place, so twice shows once' }
      : {
          expected: { ...failed, error: 'VideoFailedUntold', toldBy: 'RunEnded' },
          why: 'ends as VideoFailedUntold; RunEnded tells the channel',
        };
  if (recovers)
    return {
      expected: clip,
      why:
        kind === 'throttle'
          ? 'the function never ran: retried'
          : task.state === 'PostLink'
            ? 'retried: the finished message replaces itself in place, and the upload is claimed once'
            : 'retried: safe to repeat',
    };
  const why =
    kind === 'error'
      ? 'never retried'
      : kind === 'transient'
        ? 'retried until the attempts run out'
        : task.state === 'Submit'
          ? 'never retried: the request may have reached TokenBay'
          : 'never retried: it may have posted';
  return { expected: failed, why };
}

/** Every Task state × every kind × first and later attempt (the transient kind fails every attempt). */
export const FAILURE_MATRIX: MatrixCase[] = TASKS.flatMap((task) =>
  (['error', 'transient', 'throttle', 'crash', 'crash-after', 'timeout', 'reset'] as const).flatMap((kind) =>
    (kind === 'transient' ? (['every'] as const) : (['first', 'later'] as const)).map(
      (attempt): MatrixCase => {
        const { expected, why } = expectedOf(task, kind);
        return {
          name: `${task.state}: ${kind}${attempt === 'every' ? ' at every attempt' : ` at the ${attempt} attempt`}`,
          state: task.state,
          kind,
          attempt,
          expected,
          why,
          path: task.path,
          faults: (execution) => [
            ...faultsOfPath(task.path, execution),
            ...(attempt === 'later'
              ? [{ fn: task.fn, execution, attempt: 1, fault: faultOf(task, 'transient') }]
              : []),
            {
              fn: task.fn,
              execution,
              attempt: attempt === 'every' ? ('all' as const) : attempt === 'first' ? 1 : 2,
              fault: faultOf(task, kind),
            },
          ],
        };
      },
    ),
  ),
);
