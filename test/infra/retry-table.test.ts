import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  NotifyError,
  TokenBayMaybeSentError,
  TokenBayNotSentError,
  TokenBayRateLimitError,
  TokenBayServerError,
  TransferInterruptedError,
} from '../../functions/core/errors.js';
import { ClipbayStack } from '../../infra/clipbay-stack.js';

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}
interface TaskState {
  Type: string;
  Retry?: Retrier[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
}

/** The deployed state machine's states: the stack synthesized (no bundling), its ASL resolved. */
function deployedStates(): Record<string, TaskState> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new ClipbayStack(app, 'Clipbay', { settings: { POLL_INTERVAL_SECONDS: '15' } });
  const { Resources } = app.synth().getStackByName('Clipbay').template as {
    Resources: Record<string, { Type: string; Properties: { DefinitionString: unknown } }>;
  };
  const machine = Object.values(Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
  // Only the strings matter here: ARNs (Fn::GetAtt, Ref) become placeholders.
  const text = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    return join ? join[1].map(text).join(join[0]) : 'arn:placeholder';
  };
  return (JSON.parse(text(machine.Properties.DefinitionString)) as { States: Record<string, TaskState> })
    .States;
}

/**
 * CDK's retrier for Lambda's own service errors (the function never ran or its answer was lost
 * inside Lambda), on every Task but Submit, where a lost answer may hide a created task.
 */
const LAMBDA_SERVICE = {
  ErrorEquals: [
    'Lambda.AWSLambdaException',
    'Lambda.ClientExecutionTimeoutException',
    'Lambda.SdkClientException',
    'Lambda.ServiceException',
  ],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
};

/**
 * Every Task's own first retrier: a throttled invoke never ran, so it is always safe to repeat;
 * longer than the states' own, with jitter, to outlast a burst on a small concurrency quota.
 */
const THROTTLE = {
  ErrorEquals: ['Lambda.TooManyRequestsException'],
  IntervalSeconds: 1,
  MaxAttempts: 8,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

/** A retrier with its error names sorted: their order in ErrorEquals means nothing. */
const normal = (r: Retrier) => ({ ...r, ErrorEquals: [...r.ErrorEquals].sort() });

/**
 * The retry table, as deployed: which errors each Task state retries, how often and how far apart.
 * Retrying the wrong error costs money (a second paid TokenBay task) or fails a video that would
 * have worked; the names must be the `name` of the errors the steps throw (Lambda reports it).
 */
describe('the state machine retry table', () => {
  it('retries exactly what is safe, per state, with these intervals and limits', () => {
    const states = deployedStates();
    const retries = (name: string) => (states[name]!.Retry ?? []).map(normal);

    // Submit: only what certainly created no task. Never a timeout or a 5xx (may have been sent).
    expect(retries('Submit')).toEqual(
      [
        THROTTLE,
        { ErrorEquals: ['TokenBayNotSentError'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 },
      ].map(normal),
    );
    // A 429 is not retried as an error: Submit answers the wait, and WaitToResubmit loops back.
    expect(states.WaitToResubmit).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.task.retryAfterSeconds',
      Next: 'Submit',
    });
    const submitNames = retries('Submit').flatMap((r) => r.ErrorEquals);
    for (const unsafe of ['TokenBayMaybeSentError', 'TokenBayServerError', 'States.ALL', 'States.Timeout'])
      expect(submitNames).not.toContain(unsafe);

    expect(retries('CheckStatus')).toEqual([
      LAMBDA_SERVICE,
      THROTTLE,
      normal({
        ErrorEquals: [
          'TokenBayRateLimitError',
          'TokenBayServerError',
          'TokenBayMaybeSentError',
          'TokenBayNotSentError',
          // A status query changes nothing: a dead container or a timeout is retried.
          'Runtime.ExitError',
          'Sandbox.Timedout',
          'States.Timeout',
        ],
        IntervalSeconds: 15,
        MaxAttempts: 4,
        BackoffRate: 2,
        MaxDelaySeconds: 120,
      }),
    ]);
    expect(retries('SaveToS3')).toEqual([
      LAMBDA_SERVICE,
      THROTTLE,
      normal({
        ErrorEquals: [
          'TransferInterruptedError',
          'TokenBayServerError',
          'TokenBayMaybeSentError',
          'Runtime.ExitError',
          'Sandbox.Timedout',
          'States.Timeout',
        ],
        IntervalSeconds: 5,
        MaxAttempts: 2,
        BackoffRate: 2,
      }),
    ]);
    // A dead or timed-out PostLink may have posted: retried, since its message replaces itself in
    // place and its upload is claimed once on the run's ledger row.
    expect(retries('PostLink')).toEqual([
      LAMBDA_SERVICE,
      THROTTLE,
      normal({
        ErrorEquals: ['NotifyError', 'Runtime.ExitError', 'Sandbox.Timedout', 'States.Timeout'],
        IntervalSeconds: 2,
        MaxAttempts: 4,
        BackoffRate: 2,
      }),
    ]);
    // The failure message replaces the answer in place: sent twice it shows once, so a dead or
    // timed-out ReportFailure is retried rather than leave the user in silence.
    expect(retries('ReportFailure')).toEqual([
      LAMBDA_SERVICE,
      THROTTLE,
      normal({
        ErrorEquals: ['NotifyError', 'Runtime.ExitError', 'Sandbox.Timedout', 'States.Timeout'],
        IntervalSeconds: 2,
        MaxAttempts: 4,
        BackoffRate: 2,
      }),
    ]);

    // Settling usage is idempotent: DynamoDB's transient errors and a dead container are retried.
    for (const settle of ['SettleUsage', 'SettleFailedRunUsage'])
      expect(retries(settle), settle).toEqual([
        LAMBDA_SERVICE,
        THROTTLE,
        {
          ErrorEquals: [
            'InternalServerError',
            'ProvisionedThroughputExceededException',
            'Runtime.ExitError',
            'Sandbox.Timedout',
            'States.Timeout',
            'ThrottlingException',
          ],
          IntervalSeconds: 2,
          MaxAttempts: 3,
          BackoffRate: 2,
        },
      ]);

    // Everything else ends in ReportFailure; ReportFailure's own failure still settles the run's
    // usage (its slot is freed), and a failed settle ends the run as it would have ended.
    for (const name of ['Submit', 'CheckStatus', 'SaveToS3', 'PostLink'])
      expect(states[name]!.Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], Next: 'ReportFailure', ResultPath: '$.error' },
      ]);
    expect(states.ReportFailure!.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], Next: 'IsFailedRunQuotaKnown', ResultPath: '$.reportError' },
    ]);
    expect(states.SettleUsage!.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], Next: 'Done', ResultPath: '$.usageError' },
    ]);
    expect(states.SettleFailedRunUsage!.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], Next: 'WasTheFailureTold', ResultPath: '$.usageError' },
    ]);
  });

  it('names errors exactly as the steps throw them', () => {
    const names = [
      new TokenBayNotSentError('x'),
      new TokenBayRateLimitError('x'),
      new TokenBayServerError('x'),
      new TokenBayMaybeSentError('x'),
      new TransferInterruptedError('x', 0),
      new NotifyError('x'),
    ].map((error) => error.name);
    expect(names).toEqual([
      'TokenBayNotSentError',
      'TokenBayRateLimitError',
      'TokenBayServerError',
      'TokenBayMaybeSentError',
      'TransferInterruptedError',
      'NotifyError',
    ]);
  });
});
