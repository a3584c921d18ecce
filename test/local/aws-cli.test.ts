import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PROFILE } from '../../local/stack/aws-profile.js';
import { sendSlackCommand } from '../helpers/chat-commands.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';

/** The AWS CLI, where this machine has it (AWS CLI v1 from pip here); the tests below need it. */
const AWS_CLI = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

/** One event of `get-execution-history`, as the CLI prints it. */
interface HistoryEvent {
  id: number;
  previousEventId: number;
  type: string;
  [details: `${string}EventDetails`]: Record<string, string | undefined> | undefined;
}

/**
 * The local account inspected with the usual tools (issue 27): `npm start` writes the
 * `clipbay-local` profile (the account's endpoint and its operator key), and the real AWS CLI,
 * pointed at it with AWS_CONFIG_FILE, reads the stack's outputs, its executions and their history,
 * its bucket, its ledger and its secrets, as an operator would in AWS.
 */
describe.skipIf(!AWS_CLI)('the AWS CLI against the local account (clipbay-local profile)', () => {
  let running: StackWithFakeChat;
  const awsText = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(
      'aws',
      ['--profile', LOCAL_PROFILE, '--output', 'json', ...args],
      {
        // Only the profile: no credentials or region from this machine's environment or files.
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_CONFIG_FILE: running.stack.awsConfigFile,
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        },
      },
    );
    return stdout;
  };
  const aws = async (...args: string[]) =>
    JSON.parse((await awsText(...args)) || '{}') as Record<string, unknown>;
  const executionArn = (name: string) =>
    `${running.stack.account.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

  beforeAll(async () => {
    running = await startStackWithFakeChat({}, { generationSeconds: 1 });
    await sendSlackCommand(running, { text: 'a clip to inspect --duration 4', trigger: 'cli.1.x' });
    await running.stack.account.settle();
  }, 120_000);
  afterAll(() => running?.close());

  it('cloudformation describe-stacks: the template’s outputs, as this machine serves them', async () => {
    const { Stacks } = (await aws('cloudformation', 'describe-stacks', '--stack-name', 'Clipbay')) as {
      Stacks: {
        StackName: string;
        StackStatus: string;
        Outputs: { OutputKey: string; OutputValue: string }[];
      }[];
    };
    expect(Stacks).toHaveLength(1);
    expect(Stacks[0]).toMatchObject({ StackName: 'Clipbay', StackStatus: 'CREATE_COMPLETE' });
    const outputs = Object.fromEntries(Stacks[0]!.Outputs.map((o) => [o.OutputKey, o.OutputValue]));
    expect(outputs).toMatchObject({
      SlackRequestUrl: `${running.stack.url}/slack/events`,
      DiscordInteractionsUrl: `${running.stack.url}/discord/interactions`,
      StateMachineArn: running.stack.account.stateMachineArn,
      UsageTableName: running.stack.account.dynamoDb.tableNames[0],
    });
  });

  it('stepfunctions list-executions, dynamodb scan and secretsmanager get-secret-value', async () => {
    const { executions } = (await aws(
      'stepfunctions',
      'list-executions',
      '--state-machine-arn',
      running.stack.account.stateMachineArn,
    )) as { executions: { name: string; status: string }[] };
    expect(executions).toContainEqual(expect.objectContaining({ name: 'cli.1.x', status: 'SUCCEEDED' }));

    const { Items } = (await aws(
      'dynamodb',
      'scan',
      '--table-name',
      running.stack.account.dynamoDb.tableNames[0]!,
    )) as {
      Items: { pk: { S: string } }[];
    };
    expect(Items.map((i) => i.pk.S)).toContain('run#cli.1.x');

    const secret = (await aws(
      'secretsmanager',
      'get-secret-value',
      '--secret-id',
      running.stack.account.secrets.arnOf('TokenBayApiKey'),
    )) as { SecretString: string };
    expect(JSON.parse(secret.SecretString)).toHaveProperty('apiKey');
  });

  it('stepfunctions get-execution-history: the run from ExecutionStarted to ExecutionSucceeded, each state in order', async () => {
    // Pages of 25 events: the CLI follows nextToken to the end, as it would in AWS.
    const { events } = (await aws(
      'stepfunctions',
      'get-execution-history',
      '--execution-arn',
      executionArn('cli.1.x'),
      '--page-size',
      '25',
    )) as { events: HistoryEvent[] };
    expect(events.length).toBeGreaterThan(25);
    expect(events.map((e) => [e.id, e.previousEventId])).toEqual(events.map((_, i) => [i + 1, i]));
    expect(events[0]).toMatchObject({
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: expect.stringContaining('"id":"cli.1.x"') },
    });
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');

    // The states entered, in order (the poll loop once), and each Task's function invoked between
    // its entry and its exit.
    const entered = events
      .filter((e) => e.type.endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails!.name);
    expect(entered.join(' ').replace(/( WaitForVideo CheckStatus IsVideoReady)+/, ' (poll)')).toBe(
      'Submit IsSubmitted (poll) SaveToS3 PostLink IsQuotaKnown SettleUsage Done',
    );
    const submit = events.findIndex((e) => e.type === 'TaskStateEntered');
    expect(events.slice(submit, submit + 5).map((e) => e.type)).toEqual([
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
    ]);
    expect(events[submit + 1]!.lambdaFunctionScheduledEventDetails!.resource).toBe(
      running.stack.account.fn('SubmitFn').functionArn,
    );
    expect(events.at(-2)).toMatchObject({
      type: 'SucceedStateExited',
      stateExitedEventDetails: { name: 'Done' },
    });

    // Newest first, one item, without the execution's data.
    const newest = (await aws(
      'stepfunctions',
      'get-execution-history',
      '--execution-arn',
      executionArn('cli.1.x'),
      '--reverse-order',
      '--max-items',
      '1',
      '--no-include-execution-data',
    )) as { events: HistoryEvent[] };
    expect(newest.events).toEqual([{ ...events.at(-1), executionSucceededEventDetails: {} }]);
  });

  it('s3 ls: the account’s bucket, and the run’s clip under clips/ (ListObjectsV2, path-style)', async () => {
    const bucket = running.stack.s3.bucket;
    expect((await awsText('s3', 'ls')).split('\n')).toContainEqual(expect.stringMatching(` ${bucket}$`));
    const { video } = running.stack.workflow.describe(executionArn('cli.1.x'))!.output as {
      video: { key: string; bytes: number };
    };
    const listed = await awsText('s3', 'ls', `s3://${bucket}/clips/`);
    // The CLI prints the key below the prefix: `<date> <time> <bytes> <name>`.
    expect(listed.trim().split('\n')).toContainEqual(
      expect.stringMatching(new RegExp(` ${video.bytes} ${video.key.replace('clips/', '')}$`)),
    );
  });

  it('an unknown stack is refused as CloudFormation refuses it', async () => {
    await expect(aws('cloudformation', 'describe-stacks', '--stack-name', 'Other')).rejects.toThrow(
      /ValidationError.*Stack with id Other does not exist/s,
    );
  });
});
