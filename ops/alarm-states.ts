import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { clientConfig, type AwsTarget } from './aws-target.js';
import { failed, passed, type CheckResult } from './check-result.js';

/**
 * `doctor`'s look at the stack's CloudWatch alarms (each named `<stack>-<what>`): a failure for each
 * alarm in ALARM, with its reason and the alarm's own description, which says what to do.
 * INSUFFICIENT_DATA is how a quiet stack's alarms look (missing data is not breaching), so it passes.
 */
export async function alarmChecks(target: AwsTarget, stackName: string): Promise<CheckResult[]> {
  const cloudWatch = new CloudWatchClient(clientConfig(target));
  const alarms: MetricAlarm[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNamePrefix: `${stackName}-`, NextToken: nextToken }),
      );
      alarms.push(...(page.MetricAlarms ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    return [
      failed(
        'Alarms',
        `could not be read: ${(error as Error).name}`,
        'Use credentials allowed cloudwatch:DescribeAlarms.',
      ),
    ];
  } finally {
    cloudWatch.destroy();
  }
  if (!alarms.length)
    return [failed('Alarms', `none named ${stackName}-…`, 'Deploy the current version: npm run deploy.')];
  const firing = alarms.filter((alarm) => alarm.StateValue === 'ALARM');
  const counts = new Map<string, number>();
  for (const alarm of alarms)
    counts.set(alarm.StateValue ?? '?', (counts.get(alarm.StateValue ?? '?') ?? 0) + 1);
  const summary = [...counts].map(([state, n]) => `${n} ${state.toLowerCase().replace('_', ' ')}`).join(', ');
  if (!firing.length) return [passed(`Alarms`, `${alarms.length}: ${summary}`)];
  return firing.map((alarm) =>
    failed(
      `Alarm ${alarm.AlarmName}`,
      `in ALARM since ${alarm.StateUpdatedTimestamp?.toISOString() ?? '?'}: ${alarm.StateReason ?? ''}`.trim(),
      alarm.AlarmDescription ?? 'See the stack’s dashboard.',
    ),
  );
}
