import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { workflowInputSchema, type WorkflowInput } from '../chat/accepted-command.js';
import type { Requester } from '../chat/requester.js';
import { countClosedRun } from '../usage/count-closed-run.js';
import { counterKeys, scopeOf, slotToken, type UsageLedger } from '../usage/usage-ledger.js';
import { periodsAt } from '../usage/usage-period.js';
import { executionArn } from './start-video.js';

/** A run as Step Functions knows it: still going, and what it was started with. */
export interface RunState {
  running: boolean;
  input: WorkflowInput;
}

/** What the run's latest state says of its TokenBay task: its id once submitted, its quota once settled. */
export interface RunTask {
  taskId?: string | undefined;
  submittedAt?: number | undefined;
  quota?: number | undefined;
  /** The clip was posted already: the run is only settling. */
  posted?: boolean | undefined;
}

export interface CancelDeps {
  /** The run (DescribeExecution), or undefined when it is unknown. */
  findRun: (executionId: string) => Promise<RunState | undefined>;
  /** Its task as its latest state has it (GetExecutionHistory); optional, and best effort. */
  findTask?: (executionId: string) => Promise<RunTask>;
  /** Stops the execution (StopExecution), with what the execution history should say. */
  stopRun: (executionId: string, cause: string) => Promise<void>;
  /** The usage ledger, when there is one: the run closes as cancelled and its slot is freed. */
  ledger: UsageLedger | undefined;
  /** CLIPBAY_ADMINS: who may cancel anyone's run. */
  admins: readonly string[];
  now: () => number;
}

/** What the button answers: privately (not yours, already over), or in place of the progress. */
export type CancelOutcome = { kind: 'private'; text: string } | { kind: 'cancelled'; text: string };

/**
 * The Cancel button under a run's progress. Only the person who asked, or a clipbay admin, may
 * press it; a press after the run ended changes nothing. TokenBay has no way to cancel a task, so
 * the message says it may still be charged. The run's row closes as `cancelled` before the stop
 * (so RunEnded, seeing it closed, tells nobody a second time), its slot is freed, and it counts as
 * a video made (its task may still be charged), in the month and the channel's and workspace's
 * counts as in the day's, which counted it at the start.
 */
export async function cancelVideo(
  executionId: string,
  pressedBy: Requester,
  deps: CancelDeps,
): Promise<CancelOutcome> {
  // What TokenBay said of the task so far (best effort: unknown if the history cannot be read),
  // read beside the run itself to keep within the platforms' 3 s.
  const [run, task] = await Promise.all([
    deps.findRun(executionId),
    deps.findTask?.(executionId).catch((): RunTask => ({})) ?? Promise.resolve<RunTask>({}),
  ]);
  if (!run) return { kind: 'private', text: 'That video is too old to cancel.' };
  const owner = run.input.requestedBy;
  if (pressedBy.id !== owner.id && !deps.admins.includes(pressedBy.id))
    return {
      kind: 'private',
      text: `Only ${owner.name} (who asked for it) or a clipbay admin can cancel this video.`,
    };
  // Still running, but only to settle: the clip is in the channel, and the run ends as it should.
  if (!run.running || task.posted)
    return { kind: 'private', text: 'That video already finished: there is nothing to cancel.' };

  // A quota TokenBay settled (the clip was being saved or posted) is kept on the row and counted,
  // as SettleUsage would have.
  if (deps.ledger) {
    // The close is conditional: a run that settled in the meantime keeps its outcome, and is not stopped.
    const closed = await deps.ledger.closeRun(executionId, {
      outcome: 'cancelled',
      finishedAt: deps.now(),
      quota: task.quota,
      taskId: task.taskId,
      submittedAt: task.submittedAt,
    });
    if (!closed) return { kind: 'private', text: 'That video already finished: there is nothing to cancel.' };
    const { userDay } = counterKeys(scopeOf(run.input), periodsAt(run.input.requestedAt));
    await deps.ledger.releaseSlot(userDay, slotToken(run.input));
    await countClosedRun(deps.ledger, run.input, { created: true, quota: task.quota });
  }
  await deps.stopRun(executionId, `Cancelled by ${pressedBy.name} (${pressedBy.id}).`);
  return {
    kind: 'cancelled',
    text:
      task.quota === undefined
        ? `Cancelled by ${pressedBy.name}. TokenBay cannot stop a task it has started, so it may still be charged.`
        : `Cancelled by ${pressedBy.name}. TokenBay had already finished the task and charged ${task.quota.toLocaleString('en-US')} quota for it.`,
  };
}

/** The part of the workflow's state the task is read from (infra/video-workflow.ts's ResultPaths). */
const stateWithTaskSchema = z.object({
  task: z.object({ taskId: z.string(), submittedAt: z.number() }).partial().optional(),
  status: z.object({ quota: z.number().nonnegative() }).partial().optional(),
  posted: z.object({ posted: z.boolean() }).partial().optional(),
});

/**
 * How far back in the history the latest state's output is looked for (newest first): a state
 * retried many times (8 throttles, CDK's service retries, its own) adds 3 events per attempt.
 */
const HISTORY_EVENTS_READ = 100;

/** `findRun` and `stopRun` over the Step Functions API. */
export function runControl(
  sfn: SFNClient,
  stateMachineArn: string,
): Required<Pick<CancelDeps, 'findRun' | 'findTask' | 'stopRun'>> {
  const arnOf = (executionId: string) => executionArn(stateMachineArn, executionId);
  return {
    findRun: async (executionId) => {
      try {
        const { status, input } = await sfn.send(
          new DescribeExecutionCommand({ executionArn: arnOf(executionId) }),
        );
        if (!input) return undefined;
        return { running: status === 'RUNNING', input: workflowInputSchema.parse(JSON.parse(input)) };
      } catch (error) {
        if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
        throw error;
      }
    },
    findTask: async (executionId) => {
      // Newest first: the latest state that ended carries everything the steps before it added.
      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: arnOf(executionId),
          reverseOrder: true,
          maxResults: HISTORY_EVENTS_READ,
          includeExecutionData: true,
        }),
      );
      const output = events.find((e) => e.stateExitedEventDetails?.output)?.stateExitedEventDetails?.output;
      const state = output ? stateWithTaskSchema.safeParse(JSON.parse(output)) : undefined;
      if (!state?.success) return {};
      return {
        taskId: state.data.task?.taskId,
        submittedAt: state.data.task?.submittedAt,
        quota: state.data.status?.quota,
        posted: state.data.posted?.posted,
      };
    },
    stopRun: async (executionId, cause) => {
      await sfn.send(
        new StopExecutionCommand({ executionArn: arnOf(executionId), cause, error: 'Cancelled' }),
      );
    },
  };
}
