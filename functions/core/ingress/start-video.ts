import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { WorkflowInput } from '../workflow/execution-state.js';

export interface StartVideoDeps {
  sfn: SFNClient;
  stateMachineArn: string;
}

/**
 * Starts the workflow, named after the platform's own id for the command (Slack `trigger_id`,
 * Discord interaction `id`). A redelivered command reuses the name, and Step Functions refuses a
 * second execution with it: that is how a retry never creates a second paid task.
 */
export async function startVideo(
  deps: StartVideoDeps,
  input: WorkflowInput,
): Promise<'started' | 'duplicate'> {
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
    throw error;
  }
}

/** Step Functions names: 1–80 characters of letters, digits, `-`, `_` and `.`. */
export function executionName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
}
