import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { clientConfig, type AwsTarget } from './aws-target.js';
import { failed, passed, type CheckResult } from './check-result.js';

/** How many of the newest executions `doctor` looks at. */
export const RECENT_EXECUTIONS = 20;

const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);
/** The order outcomes are listed in. */
const OUTCOMES = ['SUCCEEDED', 'RUNNING', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/**
 * `doctor`'s look at the workflow: the newest executions counted by outcome (ListExecutions gives
 * the newest first), and for the newest that did not succeed, its error and cause (DescribeExecution)
 * and its name, which is the run's reference in chat.
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
    const cause = (detail.cause ?? '').replace(/\s+/g, ' ').slice(0, 300);
    return failed(
      what,
      `${summary}; newest ${bad.status?.toLowerCase()}: ${bad.name} (${detail.error ?? bad.status}${cause ? `: ${cause}` : ''})`,
      `Fix what the error names; the steps are in: aws stepfunctions get-execution-history --execution-arn ${bad.executionArn}`,
    );
  } catch (error) {
    return failed(
      `Last ${RECENT_EXECUTIONS} executions`,
      `could not be listed: ${(error as Error).name}`,
      'Use credentials allowed states:ListExecutions and states:DescribeExecution on the state machine.',
    );
  } finally {
    sfn.destroy();
  }
}
