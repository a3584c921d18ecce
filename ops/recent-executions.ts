import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { clientConfig, type AwsTarget } from './aws-target.js';
import { failed, passed, type CheckResult } from './check-result.js';

/** How many of the newest executions `doctor` looks at. */
export const RECENT_EXECUTIONS = 20;

const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);
/** The order outcomes are listed in. */
const OUTCOMES = ['SUCCEEDED', 'RUNNING', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/**
 * `doctor`'s look at the workflow: the newest executions counted by outcome (ListExecutions gives
 * the newest first), and for the newest that did not succeed, its name (the run's reference in
 * chat) and the error that started it: the last failed step in its history (GetExecutionHistory),
 * since the execution's own error is the workflow's VideoFailed once the channel was told.
 */
export async function recentExecutionsCheck(
  target: AwsTarget,
  stateMachineArn: string,
): Promise<CheckResult> {
  const sfn = new SFNClient(clientConfig(target));
  try {
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, maxResults: RECENT_EXECUTIONS }),
    );
    const newest = [...executions]
      .sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0))
      .slice(0, RECENT_EXECUTIONS);
    const counts = new Map<string, number>();
    for (const e of newest) counts.set(e.status ?? 'UNKNOWN', (counts.get(e.status ?? 'UNKNOWN') ?? 0) + 1);
    const summary = newest.length
      ? [...counts]
          .sort(([a], [b]) => OUTCOMES.indexOf(a) - OUTCOMES.indexOf(b))
          .map(([status, n]) => `${n} ${status.toLowerCase().replace('_', ' ')}`)
          .join(', ')
      : 'none yet';
    const what = `Last ${RECENT_EXECUTIONS} executions`;
    const bad = newest.find((e) => UNSUCCESSFUL.has(e.status ?? ''));
    if (!bad) return passed(what, summary);
    const detail = await sfn.send(new DescribeExecutionCommand({ executionArn: bad.executionArn }));
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: bad.executionArn, reverseOrder: true, maxResults: 200 }),
    );
    const root = rootFailure(events) ?? { error: detail.error, cause: detail.cause };
    const cause = (root.cause ?? '').replace(/\s+/g, ' ').slice(0, 300);
    return failed(
      what,
      `${summary}; newest ${bad.status?.toLowerCase().replace('_', ' ')}: ${bad.name} (${root.error ?? bad.status}${cause ? `: ${cause}` : ''})`,
      `Fix what the error names; the steps are in: ${target.cli} stepfunctions get-execution-history --execution-arn ${bad.executionArn}`,
    );
  } catch (error) {
    return failed(
      `Last ${RECENT_EXECUTIONS} executions`,
      `could not be listed: ${(error as Error).name}`,
      'Use credentials allowed states:ListExecutions, states:DescribeExecution and states:GetExecutionHistory on the state machine.',
    );
  } finally {
    sfn.destroy();
  }
}

/** The newest failed step before the execution's own end (events newest first), if any. */
function rootFailure(events: HistoryEvent[]): { error?: string; cause?: string } | undefined {
  for (const event of events) {
    if (!/(Failed|TimedOut)$/.test(event.type ?? '') || event.type?.startsWith('Execution')) continue;
    const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as
      { error?: string; cause?: string } | undefined;
    if (details?.error)
      return { error: details.error, ...(details.cause ? { cause: readable(details.cause) } : {}) };
  }
  return undefined;
}

/** A Lambda error's cause is its JSON (`errorType`, `errorMessage`, `trace`): the message is what helps. */
function readable(cause: string): string {
  try {
    const { errorMessage } = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof errorMessage === 'string' ? errorMessage : cause;
  } catch {
    return cause;
  }
}
