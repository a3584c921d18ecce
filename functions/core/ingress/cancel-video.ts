import { DescribeExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
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

export interface CancelDeps {
  /** The run (DescribeExecution), or undefined when it is unknown. */
  findRun: (executionId: string) => Promise<RunState | undefined>;
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
  const run = await deps.findRun(executionId);
  if (!run) return { kind: 'private', text: 'That video is too old to cancel.' };
  const owner = run.input.requestedBy;
  if (pressedBy.id !== owner.id && !deps.admins.includes(pressedBy.id))
    return {
      kind: 'private',
      text: `Only ${owner.name} (who asked for it) or a clipbay admin can cancel this video.`,
    };
  if (!run.running)
    return { kind: 'private', text: 'That video already finished: there is nothing to cancel.' };

  if (deps.ledger) {
    // The close is conditional: a run that settled in the meantime keeps its outcome, and is not stopped.
    const closed = await deps.ledger.closeRun(executionId, { outcome: 'cancelled', finishedAt: deps.now() });
    if (!closed) return { kind: 'private', text: 'That video already finished: there is nothing to cancel.' };
    const { userDay } = counterKeys(scopeOf(run.input), periodsAt(run.input.requestedAt));
    await deps.ledger.releaseSlot(userDay, slotToken(run.input));
    await countClosedRun(deps.ledger, run.input, { created: true });
  }
  await deps.stopRun(executionId, `Cancelled by ${pressedBy.name} (${pressedBy.id}).`);
  return {
    kind: 'cancelled',
    text: `Cancelled by ${pressedBy.name}. TokenBay cannot stop a task it has started, so it may still be charged.`,
  };
}

/** `findRun` and `stopRun` over the Step Functions API. */
export function runControl(sfn: SFNClient, stateMachineArn: string): Pick<CancelDeps, 'findRun' | 'stopRun'> {
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
    stopRun: async (executionId, cause) => {
      await sfn.send(
        new StopExecutionCommand({ executionArn: arnOf(executionId), cause, error: 'Cancelled' }),
      );
    },
  };
}
