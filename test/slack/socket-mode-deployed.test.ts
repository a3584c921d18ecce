import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors.js';
import {
  parseStateMachineArn,
  startDeployedSocketMode,
  type DeployedSocketMode,
} from '../../local/socket/deployed-socket-mode.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { rerollClick } from '../helpers/chat-commands.js';
import type { LocalStack } from '../../local/stack/local-stack.js';
import type { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { FakeSocketModeServer, type Envelope } from '../helpers/fake-socket-mode.js';
import { startStackWithFakeChat } from '../helpers/local-stack-harness.js';

async function until(what: string, probe: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20)); // polling, not pacing the code under test
  }
}

describe('STATE_MACHINE_ARN: npm run slack:socket in front of a deployed stack', () => {
  // The "deployed stack" is the emulated account, reached only through its AWS endpoint.
  let stack: LocalStack;
  let chat: FakeChatServer;
  let close: () => Promise<void>;
  const slack = new FakeSocketModeServer();
  let runner: DeployedSocketMode | undefined;
  const lines: string[] = [];
  let n = 0;

  beforeAll(async () => {
    await slack.start();
    ({ stack, chat, close } = await startStackWithFakeChat());
  });
  afterEach(async () => {
    await runner?.close();
    runner = undefined;
    lines.length = 0;
  });
  afterAll(async () => {
    await close();
    await slack.stop();
  });

  function env(overrides: Record<string, string> = {}): Record<string, string> {
    const operator = stack.account.operatorClientConfig();
    return {
      STATE_MACHINE_ARN: stack.account.stateMachineArn,
      AWS_ENDPOINT_URL: operator.endpoint,
      AWS_ACCESS_KEY_ID: operator.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: operator.credentials.secretAccessKey,
      SLACK_APP_TOKEN: 'xapp-1-deployed',
      SLACK_API_URL: slack.apiUrl,
      ...overrides,
    };
  }

  function command(text: string, trigger: string): Envelope {
    return {
      envelope_id: `env-${trigger}`,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: Object.fromEntries(
        new URLSearchParams(
          slackCommandBody({ text, triggerId: trigger, responseUrl: `${chat.url}/hooks/${trigger}` }),
        ),
      ),
    };
  }

  it('starts one execution on that state machine per slash command; the deployed functions deliver the clip', async () => {
    runner = startDeployedSocketMode(env(), { log: (line) => lines.push(line) });
    expect(runner.stateMachineArn).toBe(stack.account.stateMachineArn);
    expect(runner.region).toBe('us-east-1');
    expect(stack.socketMode).toBe('off'); // the stack itself has no Socket Mode: the runner is in front of it

    const trigger = `${Date.now()}.${++n}.deployed`;
    const before = stack.workflow.list().length;
    const ack = await slack.send(command('a kite over the dunes --duration 4', trigger));
    expect(slack.opens.at(-1)!.authorization).toBe('Bearer xapp-1-deployed');
    expect(ack.afterMs).toBeLessThan(3000);
    expect(ack.payload).toMatchObject({ response_type: 'in_channel', text: 'Queued: a kite over the dunes' });
    expect(stack.workflow.list()).toHaveLength(before + 1);
    const execution = stack.workflow.list().find((e) => e.name === trigger)!;
    expect((await execution.done).status).toBe('SUCCEEDED');
    const final = chat.to(`/hooks/${trigger}`).at(-1)!.body as {
      blocks: { type: string; elements?: { url?: string }[] }[];
    };
    const watch = final.blocks.find((b) => b.type === 'actions')!.elements![0]!.url!;
    expect(Buffer.from(await (await fetch(watch)).arrayBuffer()).equals(stack.simulator!.video.bytes())).toBe(
      true,
    );
    expect(lines).toContain('Slack Socket Mode: connected: type /video in your workspace');
    expect(runner.state).toBe('connected');
  });

  it('re-rolls through DescribeExecution of the original on that state machine', async () => {
    runner = startDeployedSocketMode(env(), { log: (line) => lines.push(line) });
    const original = stack.workflow.list().find((e) => e.status === 'SUCCEEDED')!;
    const trigger = `${Date.now()}.${++n}.reroll`;
    const before = stack.workflow.list().length;
    await slack.send({
      envelope_id: `env-${trigger}`,
      type: 'interactive',
      accepts_response_payload: false,
      payload: rerollClick(chat.url, original.name, trigger, {
        user: { id: 'U7', name: 'cy' },
        channelId: 'C1',
        actionTs: '1.3',
      }),
    });
    expect(stack.workflow.list()).toHaveLength(before + 1);
    expect(stack.workflow.list().filter((e) => e.name === trigger)).toHaveLength(1);
  });

  it('starts nothing with credentials the endpoint refuses, and logs one line per envelope', async () => {
    runner = startDeployedSocketMode(env({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' }), {
      log: (line) => lines.push(line),
    });
    const trigger = `${Date.now()}.${++n}.refused`;
    const before = stack.workflow.list().length;
    void slack.send(command('a gull', trigger));
    await until('the failure line', () => lines.some((l) => l.includes('left unacknowledged')));
    expect(lines.filter((l) => l.includes('left unacknowledged'))).toHaveLength(1);
    expect(stack.workflow.list()).toHaveLength(before);
  });

  it('needs SLACK_APP_TOKEN and a state machine ARN, and takes the region from the ARN', () => {
    expect(() => startDeployedSocketMode(env({ SLACK_APP_TOKEN: '' }), { log: () => undefined })).toThrow(
      /SLACK_APP_TOKEN is required for Socket Mode/,
    );
    expect(() =>
      startDeployedSocketMode(env({ STATE_MACHINE_ARN: 'Clipbay' }), { log: () => undefined }),
    ).toThrow(ConfigError);
    expect(
      parseStateMachineArn('arn:aws:states:eu-west-2:123456789012:stateMachine:Clipbay-Videos_1'),
    ).toEqual({
      arn: 'arn:aws:states:eu-west-2:123456789012:stateMachine:Clipbay-Videos_1',
      region: 'eu-west-2',
    });
    expect(parseStateMachineArn(' arn:aws-cn:states:cn-north-1:123456789012:stateMachine:C ').region).toBe(
      'cn-north-1',
    );
    for (const bad of [
      '',
      'arn:aws:states:us-east-1:123456789012:execution:Clipbay:x',
      'arn:aws:lambda:us-east-1:123456789012:function:Clipbay',
    ])
      expect(() => parseStateMachineArn(bad)).toThrow(/STATE_MACHINE_ARN must be a state machine ARN/);
  });
});
