import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { BusyError } from '../errors.js';
import { IN_FUNCTION_RETRY, retryWaitMs } from '../retry-policy.js';
import { realSleep, type Sleep } from '../notify/after-rate-limit.js';
import type { WorkflowInput } from '../chat/accepted-command.js';

export interface StartVideoDeps {
  /** Made with `maxAttempts: 1`: throttling is retried here, within the ack budget. */
  sfn: SFNClient;
  stateMachineArn: string;
  sleep?: Sleep;
  now?: () => number;
  /** In [0, 1): the jitter of the waits. */
  random?: () => number;
}

const RETRY = IN_FUNCTION_RETRY.startExecution;

/**
 * Starts the workflow, named after the platform's own id for the command (Slack `trigger_id`,
 * Discord interaction `id`). A redelivered command reuses the name, and Step Functions refuses a
 * second execution with it: that is how a retry never creates a second paid task. A throttled
 * start is retried with jittered backoff within the retry table's budget (2 s), then answered as BusyError
 * ("clipbay is busy, try again in a minute"), never as a 5xx or silence.
 */
export async function startVideo(
  deps: StartVideoDeps,
  input: WorkflowInput,
): Promise<'started' | 'duplicate'> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const startedAt = now();
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: deps.stateMachineArn,
          name: executionName(input.id),
          input: JSON.stringify(input),
        }),
      );
      return 'started';
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists') return 'duplicate';
      if (!isThrottled(error)) throw error;
      const wait = Math.round(retryWaitMs(RETRY, attempt, deps.random));
      if (now() - startedAt + wait > RETRY.budgetMs) throw new BusyError({ cause: error });
      await sleep(wait);
    }
  }
}

function isThrottled(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: { throttling?: boolean } };
  return e.name === 'ThrottlingException' || e.$retryable?.throttling === true;
}

/** The ARN of the execution named after a platform's id, on this state machine. */
export function executionArn(stateMachineArn: string, id: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName(id)}`;
}

/** Step Functions names: 1–80 characters of letters, digits, `-`, `_` and `.`. */
export function executionName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
}
