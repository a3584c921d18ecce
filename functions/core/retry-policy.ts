import { ERROR, RUNTIME_ERROR } from './errors.js';

/**
 * The one retry table. Every retry clipbay does is a row here, with its numbers:
 * - STATE_RETRY: the state machine's Retry lists (infra/video-workflow.ts builds each Task's
 *   Retry from its row);
 * - IN_FUNCTION_RETRY: the few waits a function does itself, where the state machine cannot
 *   (the ingress within the platforms' 3 s, a 429's Retry-After, a broken download, the CLI).
 * docs/ARCHITECTURE.md's error and retry table is rendered from both (`npm run docs:generate`),
 * and `npm test` fails when the page and this file disagree.
 */

/** One Step Functions Retrier, in the ASL's own terms, plus why it is safe (for the docs). */
export interface StateRetry {
  /** The states whose Retry list holds it, as the docs name them. */
  readonly states: string;
  /** `ErrorEquals`: the `name`s the step's errors carry (Lambda reports `error.name`). */
  readonly errors: readonly string[];
  /** `IntervalSeconds`; `'poll'` is the deployment's POLL_INTERVAL_SECONDS. */
  readonly intervalSeconds: number | 'poll';
  /** `MaxAttempts`: retries after the first try. */
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds?: number;
  readonly jitter?: 'FULL';
  /** Why each of those errors is safe to try again. */
  readonly why: string;
  /** What the state never retries, and why. */
  readonly never: string;
}

/** What is worth trying again when a read from TokenBay fails (never a submit). */
const TRANSIENT_READ = [
  ERROR.tokenBayRateLimit,
  ERROR.tokenBayServer,
  ERROR.tokenBayMaybeSent,
  ERROR.tokenBayNotSent,
] as const;

/** A container that died, the function's own timeout, and the Task's: retried where work repeats safely. */
export const LOST_CONTAINER = [
  RUNTIME_ERROR.exit,
  RUNTIME_ERROR.timedOut,
  RUNTIME_ERROR.stateTimeout,
] as const;

export const STATE_RETRY = {
  /**
   * Every Task's first Retry of its own (after CDK's for Lambda's service errors). CDK's default
   * Lambda retrier leaves throttling out; a burst on a new account's small concurrency quota
   * outlasts a few quick tries, and AWS advises jitter so retries do not arrive together.
   */
  throttle: {
    states: 'every Task',
    errors: [RUNTIME_ERROR.throttled],
    intervalSeconds: 1,
    maxAttempts: 8,
    backoffRate: 2,
    maxDelaySeconds: 30,
    jitter: 'FULL',
    why: 'Lambda throttled the invoke, so the function never ran and nothing can happen twice',
    never: '—',
  },
  submit: {
    states: 'Submit',
    errors: [ERROR.tokenBayNotSent],
    intervalSeconds: 2,
    maxAttempts: 3,
    backoffRate: 2,
    why: 'the request certainly never left. A 429 is no error here: Submit answers how long to wait and `WaitToResubmit` loops (below)',
    never:
      'anything that may have reached TokenBay (`TokenBayMaybeSentError`, a 5xx, a timeout, a dead container): task creation is not idempotent, and CDK’s Lambda service retrier is off for Submit too',
  },
  poll: {
    states: 'CheckStatus',
    errors: [...TRANSIENT_READ, ...LOST_CONTAINER],
    intervalSeconds: 'poll',
    maxAttempts: 4,
    backoffRate: 2,
    maxDelaySeconds: 120,
    why: 'a status query changes nothing at TokenBay, and the progress message is edited in place',
    never: 'a refused key (`TokenBayAuthError`), a task TokenBay does not know',
  },
  save: {
    states: 'SaveToS3',
    errors: [ERROR.transferInterrupted, ERROR.tokenBayServer, ERROR.tokenBayMaybeSent, ...LOST_CONTAINER],
    intervalSeconds: 5,
    maxAttempts: 2,
    backoffRate: 2,
    why: 'saving is idempotent (the same key; each attempt first aborts an upload an earlier one left)',
    never: 'a file that is not what TokenBay announced (`TransferIntegrityError`)',
  },
  notify: {
    states: 'PostLink',
    errors: [ERROR.notify, ...LOST_CONTAINER],
    intervalSeconds: 2,
    maxAttempts: 4,
    backoffRate: 2,
    why: 'chat was down or rate limiting (5xx, 429, network); a dead container too: the finished message replaces the progress message in place, so twice shows once, and the clip’s upload is claimed once on the run’s ledger row, so a retry never uploads it again',
    never: '`NotifyRejectedError` (chat refused the message: it would again)',
  },
  report: {
    states: 'ReportFailure',
    errors: [ERROR.notify, ...LOST_CONTAINER],
    intervalSeconds: 2,
    maxAttempts: 4,
    backoffRate: 2,
    why: 'the failure usually replaces the command’s own answer in place, so twice shows once while never leaves the user in silence; a dead container is retried too',
    never:
      '`NotifyRejectedError`; a run whose report still fails ends `VideoFailedUntold`, and RunEnded tells it',
  },
  settle: {
    states: 'SettleUsage, SettleFailedUsage',
    errors: [
      'ThrottlingException',
      'ProvisionedThroughputExceededException',
      'InternalServerError',
      ...LOST_CONTAINER,
    ],
    intervalSeconds: 2,
    maxAttempts: 3,
    backoffRate: 2,
    why: 'settling is idempotent (the run’s row closes once; freeing a slot twice frees nothing else)',
    never: '— (a settle that still fails ends the run as it would have ended; RunEnded settles it)',
  },
} as const satisfies Record<string, StateRetry>;

/** A wait a function does itself: `firstWaitMs` growing by `backoffRate` up to `maxWaitMs`, jittered. */
export interface InFunctionRetry {
  /** Which code waits, and where. */
  readonly where: string;
  /** What it waits after. */
  readonly on: string;
  /** Waits what the other side asked (`Retry-After`), capped at `maxWaitMs`, when it asked. */
  readonly honoursRetryAfter: boolean;
  /** The first wait when nobody asked for one, before jitter (0: at once; with `honoursRetryAfter`, no wait of its own). */
  readonly firstWaitMs: number;
  readonly backoffRate: number;
  /** The longest single wait, before jitter. */
  readonly maxWaitMs: number;
  /**
   * `equal`: half the wait plus a random part of the other half (AWS's "equal jitter"), so the
   * wait is never near 0; `none`: exactly the wait.
   */
  readonly jitter: 'equal' | 'none';
  /** What happens when the budget, the count or the deadline is spent. */
  readonly then: string;
  /** The total budget, in ms, where one applies. */
  readonly budgetMs?: number;
  /** Tries after the first, where a count applies. */
  readonly maxRetries?: number;
}

export const IN_FUNCTION_RETRY = {
  /**
   * The ingress retries a throttled StartExecution itself: Slack and Discord give 3 s for the
   * whole answer, cold start included, so the budget is 2 s; then the user is told privately.
   */
  startExecution: {
    where: 'the ingress, `StartExecution`',
    on: 'Step Functions throttling (`ThrottlingException`)',
    honoursRetryAfter: false,
    firstWaitMs: 100,
    backoffRate: 2,
    maxWaitMs: 1000,
    jitter: 'equal',
    then: '`BusyError`: the user is asked privately to try again in a minute; nothing started',
    budgetMs: 2000,
  },
  /**
   * A 429 from TokenBay created no task. Submit answers how long to wait (TokenBay's Retry-After,
   * else this backoff, doubling the previous wait), and the state machine's WaitToResubmit waits it
   * holding no Lambda.
   */
  resubmit: {
    where: 'Submit → `WaitToResubmit` → Submit',
    on: 'a 429 from TokenBay (`TokenBayRateLimitError`)',
    honoursRetryAfter: true,
    firstWaitMs: 2000,
    backoffRate: 2,
    maxWaitMs: 60_000,
    jitter: 'equal',
    then: '`DeadlineExceededError`: nothing was made or charged',
  },
  /**
   * Slack and Discord answer 429 with how long to wait. A final message waits that long in its own
   * Lambda, once, when it fits; otherwise the state's Retry (NotifyError) takes over.
   */
  chatRateLimit: {
    where: 'PostLink, ReportFailure',
    on: 'a chat 429 that says how long to wait (`Retry-After`, `retry_after`)',
    honoursRetryAfter: true,
    firstWaitMs: 0,
    backoffRate: 1,
    maxWaitMs: 10_000,
    jitter: 'none',
    then: 'a longer wait, or a second refusal, is `NotifyError` for the state’s Retry',
    maxRetries: 1,
  },
  /** A download that broke off reopens at the byte it reached (`Range`), at once. */
  downloadResume: {
    where: 'SaveToS3, the download',
    on: 'a stream that broke off (not an answer TokenBay gave)',
    honoursRetryAfter: false,
    firstWaitMs: 0,
    backoffRate: 1,
    maxWaitMs: 0,
    jitter: 'none',
    then: '`TransferInterruptedError` for the state’s Retry',
    maxRetries: 3,
  },
} as const satisfies Record<string, InFunctionRetry>;

/**
 * The wait before retry number `retry` (0 for the first retry): `firstWaitMs · backoffRate^retry`,
 * capped at `maxWaitMs`, then jittered as the row says. `random` is in [0, 1).
 */
export function retryWaitMs(
  policy: InFunctionRetry,
  retry: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.maxWaitMs, policy.firstWaitMs * policy.backoffRate ** retry);
  return jittered(policy, nominal, random);
}

/** The next wait after one of `previousMs` (doubling what was last asked, for stateless steps). */
export function nextWaitMs(
  policy: InFunctionRetry,
  previousMs: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.maxWaitMs, Math.max(policy.firstWaitMs, previousMs * policy.backoffRate));
  return jittered(policy, nominal, random);
}

function jittered(policy: InFunctionRetry, nominalMs: number, random: () => number): number {
  return policy.jitter === 'equal' ? nominalMs / 2 + random() * (nominalMs / 2) : nominalMs;
}

/**
 * A read from TokenBay that failed in a way worth trying again: CheckStatus's Retry names these, and
 * the CLI's own poll loop (the state machine's Wait does that job in AWS) polls on after them.
 */
export function isTransient(error: unknown): boolean {
  return (TRANSIENT_READ as readonly string[]).includes((error as Error | undefined)?.name ?? '');
}
