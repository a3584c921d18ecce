import { describe, expect, it } from 'vitest';
import type { AwsServiceError } from '../../local/account/account-errors.js';
import { executionHistoryPage } from '../../local/account/services/execution-history-page.js';
import type { HistoryEvent } from '../../local/workflow/execution-history.js';
import { LocalWorkflow, type StepHandler } from '../../local/workflow/local-workflow.js';

const FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:Flaky';

/** A Task that is retried once on `Transient`, caught on anything else, and a run that then fails. */
const definition = {
  StartAt: 'Flaky',
  States: {
    Flaky: {
      Type: 'Task',
      Resource: FUNCTION,
      TimeoutSeconds: 1,
      Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Report' }],
      End: true,
    },
    Report: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Failed' },
    Failed: { Type: 'Fail', Error: 'VideoFailed', Cause: 'The run failed; the channel was told why.' },
  },
};

const failing = (name: string, message: string) => Object.assign(new Error(message), { name });

function run(handlers: Record<string, StepHandler>) {
  const workflow = new LocalWorkflow({
    definition,
    handlers,
    retryIntervalMs: 1,
    stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:Clipbay',
    roleArn: 'arn:aws:iam::000000000000:role/MachineRole',
  });
  return workflow.start('run-1', '{"id":"run-1"}');
}

const summary = (events: readonly HistoryEvent[]) =>
  events.map((e) => [e.type, e.details?.value.name ?? e.details?.value.error ?? ''].join(' ').trim());

/**
 * The history GetExecutionHistory answers, recorded as the interpreter runs: states entered and
 * exited, each invocation of a Task's function between them (retries included), how the run ended
 * with its error and cause, in AWS's event types and detail members.
 */
describe('an execution’s history', () => {
  it('records a retried, caught failure, an integration Task, and the Fail state’s error and cause', async () => {
    let attempts = 0;
    const execution = run({
      Flaky: async () => {
        throw ++attempts === 1
          ? failing('Transient', 'try again')
          : failing('Broken', '{"errorType":"Broken"}');
      },
      Report: async () => ({ told: true }),
    });
    const done = await execution.done;
    // Ended by the definition's own Fail state, after one report, the failed Task tried twice.
    expect({ status: done.status, error: execution.error }).toEqual({
      status: 'FAILED',
      error: 'VideoFailed',
    });
    expect(execution.statesEntered).toEqual({ Flaky: 1, Report: 1, Failed: 1 });
    expect(attempts).toBe(2);
    const events = execution.history.events;
    expect(summary(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered Flaky',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed Transient',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed Broken',
      'TaskStateExited Flaky',
      'TaskStateEntered Report',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited Report',
      'FailStateEntered Failed',
      'ExecutionFailed VideoFailed',
    ]);
    expect(events.map((e) => [e.id, e.previousEventId])).toEqual(events.map((_, i) => [i + 1, i]));
    expect(events[0]!.details).toEqual({
      member: 'executionStartedEventDetails',
      value: {
        input: '{"id":"run-1"}',
        inputDetails: { truncated: false },
        roleArn: 'arn:aws:iam::000000000000:role/MachineRole',
      },
    });
    expect(events[2]!.details).toEqual({
      member: 'lambdaFunctionScheduledEventDetails',
      value: {
        resource: FUNCTION,
        input: '{"id":"run-1"}',
        inputDetails: { truncated: false },
        timeoutInSeconds: 1,
      },
    });
    expect(events[3]!.details).toBeUndefined(); // LambdaFunctionStarted has none
    expect(events[7]!.details).toEqual({
      member: 'lambdaFunctionFailedEventDetails',
      value: { error: 'Broken', cause: '{"errorType":"Broken"}' },
    });
    expect(JSON.parse(events[8]!.details!.value.output as string)).toMatchObject({
      error: { Error: 'Broken' },
    });
    expect(events[10]!.details).toEqual({
      member: 'taskScheduledEventDetails',
      value: {
        resourceType: 'lambda',
        resource: 'invoke',
        region: 'eu-west-1',
        parameters: expect.stringContaining('"Error":"Broken"'),
      },
    });
    expect(events[12]!.details).toEqual({
      member: 'taskSucceededEventDetails',
      value: {
        resourceType: 'lambda',
        resource: 'invoke',
        output: '{"told":true}',
        outputDetails: { truncated: false },
      },
    });
    // What `doctor` reads of the newest failure, as DescribeExecution tells it too.
    expect(events.at(-1)!.details).toEqual({
      member: 'executionFailedEventDetails',
      value: { error: 'VideoFailed', cause: 'The run failed; the channel was told why.' },
    });
    expect({ error: done.error, cause: done.cause }).toEqual(events.at(-1)!.details!.value);
  });

  it('records a Task the state’s timeout ended as TimedOut, and nothing its late answer brings', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const execution = run({
      Flaky: () => new Promise((resolve) => (answer = resolve)),
      Report: async () => {
        throw failing('NotifyError', 'chat is down');
      },
    });
    await execution.done;
    const recorded = summary(execution.history.events);
    expect(recorded).toEqual([
      'ExecutionStarted',
      'TaskStateEntered Flaky',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionTimedOut States.Timeout',
      'TaskStateExited Flaky',
      'TaskStateEntered Report',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed NotifyError',
      'ExecutionFailed NotifyError',
    ]);
    answer({ late: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(summary(execution.history.events)).toEqual(recorded);
  });
});

describe('GetExecutionHistory’s pages', () => {
  const events: HistoryEvent[] = Array.from({ length: 5 }, (_, i) => ({
    id: i + 1,
    previousEventId: i,
    timestamp: new Date(1_700_000_000_000 + i),
    type: i === 0 ? 'ExecutionStarted' : 'PassStateEntered',
    details: {
      member: i === 0 ? 'executionStartedEventDetails' : 'stateEnteredEventDetails',
      value: { name: `S${i}`, input: '{}', inputDetails: { truncated: false } },
    },
  }));
  const arn = 'arn:aws:states:us-east-1:000000000000:execution:Clipbay:run-1';
  const allPages = (request: Record<string, unknown>) => {
    const ids: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const page = executionHistoryPage(arn, events, { ...request, ...(nextToken ? { nextToken } : {}) });
      ids.push(...page.events.map((e) => e.id));
      nextToken = page.nextToken;
    } while (nextToken);
    return ids;
  };

  it('pages by maxResults, in order or newest first, epoch seconds on the wire', () => {
    expect(allPages({ maxResults: 2 })).toEqual([1, 2, 3, 4, 5]);
    expect(allPages({ maxResults: 2, reverseOrder: true })).toEqual([5, 4, 3, 2, 1]);
    const whole = executionHistoryPage(arn, events, {});
    expect(whole.nextToken).toBeUndefined();
    expect(whole.events[0]).toEqual({
      timestamp: 1_700_000_000,
      type: 'ExecutionStarted',
      id: 1,
      previousEventId: 0,
      executionStartedEventDetails: { name: 'S0', input: '{}', inputDetails: { truncated: false } },
    });
  });

  it('leaves out inputs and outputs when includeExecutionData is false', () => {
    const [first] = executionHistoryPage(arn, events, { includeExecutionData: false }).events;
    expect(first!.executionStartedEventDetails).toEqual({ name: 'S0' });
  });

  it('refuses another execution’s or order’s token, and a page over 1000', () => {
    const { nextToken } = executionHistoryPage(arn, events, { maxResults: 2 });
    const refused = (request: Record<string, unknown>, arnAsked = arn) => {
      try {
        executionHistoryPage(arnAsked, events, request);
      } catch (error) {
        return (error as AwsServiceError).code;
      }
      return 'answered';
    };
    expect(refused({ nextToken }, `${arn}-other`)).toBe('InvalidToken');
    expect(refused({ nextToken, reverseOrder: true })).toBe('InvalidToken');
    expect(refused({ nextToken: 'not-a-token' })).toBe('InvalidToken');
    expect(refused({ maxResults: 1001 })).toBe('ValidationException');
    expect(refused({ nextToken })).toBe('answered');
  });
});
