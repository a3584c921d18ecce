import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  JitterType,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  Timeout,
  Wait,
  WaitTime,
  type CatchProps,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { STATE_RETRY, type StateRetry } from '../functions/core/retry-policy.js';
import {
  savedVideoSchema,
  submitThrottledSchema,
  submittedTaskSchema,
  taskStatusSchema,
} from '../functions/core/workflow/execution-state.js';
import * as z from 'zod';

/** The state names, as a person would say them; the local runner binds handlers by these. */
export const STATE = {
  submit: 'Submit',
  isSubmitted: 'IsSubmitted',
  waitToResubmit: 'WaitToResubmit',
  wait: 'WaitForVideo',
  checkStatus: 'CheckStatus',
  isReady: 'IsVideoReady',
  saveToS3: 'SaveToS3',
  postLink: 'PostLink',
  reportFailure: 'ReportFailure',
  isQuotaKnown: 'IsQuotaKnown',
  didTaskEnd: 'DidTaskEnd',
  waitForQuota: 'WaitForQuota',
  settleUsage: 'SettleUsage',
  isFailedQuotaKnown: 'IsFailedRunQuotaKnown',
  didFailedRunTaskEnd: 'DidFailedRunTaskEnd',
  waitForFailedQuota: 'WaitForFailedRunQuota',
  settleFailedUsage: 'SettleFailedRunUsage',
  done: 'Done',
  wasTold: 'WasTheFailureTold',
  failed: 'VideoFailed',
  failedUntold: 'VideoFailedUntold',
} as const;

/**
 * What each Task's function returns, for the static check of the definition
 * (infra/definition-paths.ts): a Choice may compare only paths that every way into it holds.
 */
export const STATE_RESULTS = {
  [STATE.submit]: z.union([submittedTaskSchema, submitThrottledSchema]),
  [STATE.checkStatus]: taskStatusSchema,
  [STATE.saveToS3]: savedVideoSchema,
} satisfies Record<string, z.ZodType>;

/**
 * Seconds a Task state allows beyond its function's timeout. Step Functions starts a Task's
 * `TimeoutSeconds` clock when it invokes, so a cold start's init (up to 10 s, Lambda's init limit)
 * and the invoke's own round trip count too: with no room, `States.Timeout` would fire before
 * Lambda's `Sandbox.Timedout`, and a Retry naming the latter would never match.
 */
export const TASK_TIMEOUT_MARGIN_SECONDS = 30;

export interface VideoWorkflowProps {
  submit: LambdaFunction;
  checkStatus: LambdaFunction;
  saveToS3: LambdaFunction;
  postLink: LambdaFunction;
  reportFailure: LambdaFunction;
  settleUsage: LambdaFunction;
  /** Seconds between polls: POLL_INTERVAL_SECONDS, already checked by the configuration schema (never below 5). */
  pollIntervalSeconds: number;
  /** The longest deadline (editing tasks); the whole execution is capped a little above it. */
  editTimeoutSeconds: number;
  logGroup: ILogGroup;
}

/**
 * Submit → WaitForVideo → CheckStatus → IsVideoReady ─ running → WaitForVideo
 *                                                    ├ ready → SaveToS3 → PostLink → (settle) → Done
 *                                                    └ failed / timed out → ReportFailure → (settle) → VideoFailed
 * Every Task catches everything into ReportFailure, so no run ends without telling the channel.
 * (settle) = IsQuotaKnown → [WaitForQuota, one poll interval, when TokenBay had not settled the
 * quota yet] → SettleUsage: after delivery, so the clip never waits on the ledger.
 */
export class VideoWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: VideoWorkflowProps) {
    super(scope, id);
    const caught: CatchProps = { errors: ['States.ALL'], resultPath: '$.error' };

    // Two ends for a failed run, so that RunEnded (the EventBridge backstop) knows whether the
    // channel heard of it: ReportFailure's own failure leaves `$.reportError`.
    const failed = new Choice(this, STATE.wasTold)
      .when(
        Condition.isPresent('$.reportError'),
        new Fail(this, STATE.failedUntold, {
          error: STATE.failedUntold,
          cause: 'The run failed, and telling the channel failed too; RunEnded tries again.',
        }),
      )
      .otherwise(
        new Fail(this, STATE.failed, {
          error: STATE.failed,
          cause: 'The run failed; the channel was told why (see ReportFailure).',
        }),
      );
    const reportFailure = this.invoke(STATE.reportFailure, props.reportFailure, '$.report');
    this.retry(reportFailure, STATE_RETRY.report);
    const settleFailed = this.settle(props, failed, {
      isKnown: STATE.isFailedQuotaKnown,
      ended: STATE.didFailedRunTaskEnd,
      wait: STATE.waitForFailedQuota,
      settle: STATE.settleFailedUsage,
    });
    reportFailure.addCatch(settleFailed, { errors: ['States.ALL'], resultPath: '$.reportError' });
    reportFailure.next(settleFailed);

    // Never retried after it may have reached TokenBay. Lambda throttling means the function never
    // ran, so that is safe; so is TokenBayNotSentError (the request certainly never left).
    const submit = this.invoke(STATE.submit, props.submit, '$.task', { retryOnServiceExceptions: false });
    this.retry(submit, STATE_RETRY.submit);
    submit.addCatch(reportFailure, caught);

    const wait = new Wait(this, STATE.wait, {
      time: WaitTime.duration(Duration.seconds(props.pollIntervalSeconds)),
    });

    // A 429 created no task: wait as long as TokenBay asked (Submit's answer), then submit again.
    // Waiting in the state machine holds no Lambda; Submit itself stops at the deadline.
    const waitToResubmit = new Wait(this, STATE.waitToResubmit, {
      time: WaitTime.secondsPath('$.task.retryAfterSeconds'),
    });
    // The Choice tests the very path the Wait reads, so the Wait can never read a missing path.
    const isSubmitted = new Choice(this, STATE.isSubmitted)
      .when(Condition.isPresent('$.task.retryAfterSeconds'), waitToResubmit.next(submit))
      .otherwise(wait);

    const checkStatus = this.invoke(STATE.checkStatus, props.checkStatus, '$.status');
    this.retry(checkStatus, STATE_RETRY.poll, props.pollIntervalSeconds);
    checkStatus.addCatch(reportFailure, caught);

    const saveToS3 = this.invoke(STATE.saveToS3, props.saveToS3, '$.video');
    this.retry(saveToS3, STATE_RETRY.save);
    saveToS3.addCatch(reportFailure, caught);

    const postLink = this.invoke(STATE.postLink, props.postLink, '$.posted');
    this.retry(postLink, STATE_RETRY.notify);
    postLink.addCatch(reportFailure, caught);

    const isReady = new Choice(this, STATE.isReady)
      .when(
        Condition.stringEquals('$.status.outcome', 'ready'),
        saveToS3.next(postLink).next(
          this.settle(props, new Succeed(this, STATE.done), {
            isKnown: STATE.isQuotaKnown,
            ended: STATE.didTaskEnd,
            wait: STATE.waitForQuota,
            settle: STATE.settleUsage,
          }),
        ),
      )
      .when(
        Condition.or(
          Condition.stringEquals('$.status.outcome', 'failed'),
          Condition.stringEquals('$.status.outcome', 'timed-out'),
        ),
        reportFailure,
      )
      .otherwise(wait);

    wait.next(checkStatus).next(isReady);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(submit.next(isSubmitted)),
      // Past the longest deadline, room for every retry after it (SaveToS3 3 × 15 min, PostLink
      // 5 × 5 min, ReportFailure, the quota wait and SettleUsage): a run stopped by this timeout
      // would never reach SettleUsage, and its user's slot would stay held until the day ends.
      timeout: Duration.seconds(props.editTimeoutSeconds + 2 * 60 * 60),
      tracingEnabled: true,
      logs: { destination: props.logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });

    const stack = Stack.of(this);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and CloudWatch Logs delivery for Step Functions support no resource-level permissions.',
      },
      ...[
        props.submit,
        props.checkStatus,
        props.saveToS3,
        props.postLink,
        props.reportFailure,
        props.settleUsage,
      ].map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason:
          'CDK grants invoke on the function and its versions/aliases (`:*`); only clipbay’s own step functions.',
      })),
    );
  }

  /**
   * The end of a run: wait one poll interval when a task exists but CheckStatus saw no quota yet,
   * then SettleUsage. A settle that fails for good still ends the run as it would have ended.
   *
   * Two Choices, not one: a run can get here without `$.status` (CheckStatus failed on its first
   * poll), and a rule comparing a missing path fails the execution with `States.Runtime`, which no
   * Catch catches. AWS documents no short-circuit order for `And`, so the first Choice only tests
   * presence and the second compares what the first proved present.
   */
  private settle(
    props: VideoWorkflowProps,
    end: Succeed | Choice,
    names: { isKnown: string; ended: string; wait: string; settle: string },
  ): Choice {
    const settle = this.invoke(names.settle, props.settleUsage, '$.usage');
    this.retry(settle, STATE_RETRY.settle);
    settle.addCatch(end, { errors: ['States.ALL'], resultPath: '$.usageError' });
    settle.next(end);
    const wait = new Wait(this, names.wait, {
      time: WaitTime.duration(Duration.seconds(props.pollIntervalSeconds)),
    });
    wait.next(settle);
    // TokenBay settles the quota of a task that ended (SUCCESS or FAILURE); one we stopped waiting
    // for has none to wait for.
    const ended = new Choice(this, names.ended)
      .when(
        Condition.or(
          Condition.stringEquals('$.status.outcome', 'ready'),
          Condition.stringEquals('$.status.outcome', 'failed'),
        ),
        wait,
      )
      .otherwise(settle);
    return new Choice(this, names.isKnown)
      .when(
        Condition.and(
          Condition.isPresent('$.task.taskId'),
          Condition.isNotPresent('$.status.quota'),
          Condition.isPresent('$.status.outcome'),
        ),
        ended,
      )
      .otherwise(settle);
  }

  /**
   * A Lambda Task whose timeout leaves its function's own timeout room to fire first, and whose
   * first Retry (after CDK's for Lambda's service errors) is STATE_RETRY.throttle.
   */
  private invoke(
    name: string,
    fn: LambdaFunction,
    resultPath: string,
    extra: { retryOnServiceExceptions?: boolean } = {},
  ): LambdaInvoke {
    const functionTimeout = fn.timeout?.toSeconds() ?? 3;
    const task = new LambdaInvoke(this, name, {
      lambdaFunction: fn,
      payloadResponseOnly: true,
      resultPath,
      taskTimeout: Timeout.duration(Duration.seconds(functionTimeout + TASK_TIMEOUT_MARGIN_SECONDS)),
      ...extra,
    });
    this.retry(task, STATE_RETRY.throttle);
    return task;
  }

  /** Adds one row of the retry table (functions/core/retry-policy.ts) to a Task's Retry list. */
  private retry(task: LambdaInvoke, row: StateRetry, pollIntervalSeconds?: number): void {
    const interval = row.intervalSeconds === 'poll' ? pollIntervalSeconds : row.intervalSeconds;
    if (interval === undefined)
      throw new Error(`${row.states}: a poll-interval retry needs the poll interval`);
    task.addRetry({
      errors: [...row.errors],
      interval: Duration.seconds(interval),
      maxAttempts: row.maxAttempts,
      backoffRate: row.backoffRate,
      ...(row.maxDelaySeconds === undefined ? {} : { maxDelay: Duration.seconds(row.maxDelaySeconds) }),
      ...(row.jitter === 'FULL' ? { jitterStrategy: JitterType.FULL } : {}),
    });
  }
}
