import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatedAccount } from '../../local/account/emulated-account.js';
import { synthesize } from '../../local/account/synth.js';
import { LOCAL_PROFILE, writeAwsProfile } from '../../local/stack/aws-profile.js';

/** The AWS CLI, where this machine has it (AWS CLI v1 from pip here). */
const AWS_CLI = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

/** The stack's alarms (infra/operations-alarms.ts), by name. */
const ALARMS = [
  'Clipbay-Api5xx',
  'Clipbay-ApiThrottled',
  'Clipbay-DiscordIngressErrors',
  'Clipbay-ExecutionsFailed',
  'Clipbay-ExecutionsTimedOut',
  'Clipbay-PostLinkErrors',
  'Clipbay-SaveToS3Errors',
  'Clipbay-SlackIngressErrors',
];

/**
 * The emulated account's CloudWatch, as `npm run doctor` and the AWS CLI read it: DescribeAlarms
 * (AWS JSON 1.0, through @aws-sdk/client-cloudwatch) answers the template's alarms with their
 * names, metrics and dimensions resolved as the account resolves them; the operator may, a
 * function's role may not. No Lambda runs here: only the account's endpoint is used.
 */
describe("the local account's CloudWatch", () => {
  let account: EmulatedAccount;
  let operator: CloudWatchClient;
  const describeAll = async (input: ConstructorParameters<typeof DescribeAlarmsCommand>[0] = {}) =>
    (await operator.send(new DescribeAlarmsCommand(input))).MetricAlarms ?? [];
  const named = (alarms: MetricAlarm[], name: string) => alarms.find((a) => a.AlarmName === name)!;

  beforeAll(async () => {
    account = await EmulatedAccount.start({
      assembly: await synthesize(),
      videoBucket: 'clipbay-videos',
      apiEndpoint: 'http://127.0.0.1:9',
      // Nothing here reaches S3.
      s3Backend: {
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        keys: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      },
      outsideWorld: {},
    });
    operator = new CloudWatchClient(account.operatorClientConfig());
  }, 240_000);
  afterAll(async () => {
    operator?.destroy();
    await account?.close();
  });

  it('answers the operator with every alarm of the template, resolved, not yet evaluated', async () => {
    const alarms = await describeAll();
    expect(alarms.map((a) => a.AlarmName)).toEqual(ALARMS);
    const failed = named(alarms, 'Clipbay-ExecutionsFailed');
    expect(failed).toMatchObject({
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:Clipbay-ExecutionsFailed',
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: account.stateMachineArn }],
      Statistic: 'Sum',
      Period: 900,
      EvaluationPeriods: 1,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      // Synthesized without alarmEmail: nobody is told.
      AlarmActions: [],
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
    });
    expect(failed.AlarmDescription).toMatch(/npm run doctor/);
    expect(failed.StateUpdatedTimestamp).toBeInstanceOf(Date);
    // A function's alarm names the function as the account runs it.
    expect(named(alarms, 'Clipbay-SlackIngressErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: account.fn('SlackEventsFn').spec.functionName }],
    });
  });

  it('filters and pages as CloudWatch does, and shows a state a test set', async () => {
    expect((await describeAll({ AlarmNamePrefix: 'Clipbay-Api' })).map((a) => a.AlarmName)).toEqual([
      'Clipbay-Api5xx',
      'Clipbay-ApiThrottled',
    ]);
    account.cloudWatch.setAlarmState('Clipbay-PostLinkErrors', 'ALARM', 'Threshold Crossed: 4 datapoints');
    const firing = await describeAll({ StateValue: 'ALARM' });
    expect(firing.map((a) => [a.AlarmName, a.StateValue, a.StateReason])).toEqual([
      ['Clipbay-PostLinkErrors', 'ALARM', 'Threshold Crossed: 4 datapoints'],
    ]);
    account.cloudWatch.setAlarmState('Clipbay-PostLinkErrors', 'OK');
    expect(await describeAll({ StateValue: 'ALARM' })).toEqual([]);

    const first = await operator.send(new DescribeAlarmsCommand({ MaxRecords: 5 }));
    expect(first.MetricAlarms).toHaveLength(5);
    const rest = await operator.send(
      new DescribeAlarmsCommand({ MaxRecords: 5, NextToken: first.NextToken! }),
    );
    expect(rest.NextToken).toBeUndefined();
    expect([...first.MetricAlarms!, ...rest.MetricAlarms!].map((a) => a.AlarmName)).toEqual(ALARMS);

    expect(() => account.cloudWatch.setAlarmState('Clipbay-Nope', 'ALARM')).toThrow(/not found/);
  });

  it("refuses a function's role: none of them may read CloudWatch", async () => {
    const env = account.fn('SlackEventsFn').spec.env;
    const asFunction = new CloudWatchClient({
      ...account.operatorClientConfig(),
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
        sessionToken: env.AWS_SESSION_TOKEN!,
      },
      maxAttempts: 1,
    });
    await expect(asFunction.send(new DescribeAlarmsCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(
        /not authorized to perform: cloudwatch:DescribeAlarms on resource: arn:aws:cloudwatch:us-east-1:123456789012:alarm:\*/,
      ) as unknown,
      $metadata: { httpStatusCode: 403 },
    });
    asFunction.destroy();
  });

  it.skipIf(!AWS_CLI)('answers `aws cloudwatch describe-alarms` with the clipbay-local profile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clipbay-cw-'));
    try {
      const aws = async (...args: string[]) =>
        JSON.parse(
          (
            await promisify(execFile)('aws', ['--profile', LOCAL_PROFILE, '--output', 'json', ...args], {
              env: {
                PATH: process.env.PATH,
                HOME: process.env.HOME,
                AWS_CONFIG_FILE: await writeAwsProfile(account, dir),
                AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
              },
            })
          ).stdout || '{}',
        ) as { MetricAlarms: MetricAlarm[] };
      await aws(
        'cloudwatch',
        'set-alarm-state',
        '--alarm-name',
        'Clipbay-ExecutionsTimedOut',
        '--state-value',
        'ALARM',
        '--state-reason',
        'set from the CLI',
      );
      const { MetricAlarms } = await aws('cloudwatch', 'describe-alarms', '--state-value', 'ALARM');
      expect(MetricAlarms.map((a) => [a.AlarmName, a.StateReason])).toEqual([
        ['Clipbay-ExecutionsTimedOut', 'set from the CLI'],
      ]);
    } finally {
      account.cloudWatch.setAlarmState('Clipbay-ExecutionsTimedOut', 'OK');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
