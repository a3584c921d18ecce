import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlackCommand } from '../helpers/chat-commands.js';
import { ledgerView } from '../helpers/ledger-view.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';
import type { EchoMessage } from './echo/echo-notifier.js';

const SHARED_KEY = 'echo-shared-key';

/**
 * A platform is one folder plus one registration: Echo (test/platforms/echo/) is registered only
 * in test/platforms/registry-with-echo.ts, and the stack built with that registry
 * (test/platforms/tsconfig.json) gets Echo's secret, ingress function, route and outputs, and its
 * workflow answers Echo, with no file outside test/platforms/ naming it. Driven through the
 * emulated account like any platform: the HTTP API's route, the function's own role and secret,
 * the state machine, the ledger.
 */
describe('a third platform, registered in test code only (emulated account)', () => {
  let running: StackWithFakeChat;
  let echo: Server;
  let echoUrl: string;
  const replies: { path: string; message: EchoMessage }[] = [];

  beforeAll(async () => {
    echo = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        replies.push({ path: req.url ?? '', message: JSON.parse(body) as EchoMessage });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    running = await startStackWithFakeChat(
      {},
      { generationSeconds: 1 },
      { registryTsconfig: 'test/platforms/tsconfig.json' },
    );
    // The team fills Echo's secret as it fills Slack's and Discord's after a deploy.
    const { secrets } = running.stack.account;
    secrets.put(secrets.arnOf('EchoSecrets'), JSON.stringify({ sharedKey: SHARED_KEY }));
  }, 240_000);
  afterAll(async () => {
    await running?.close();
    await new Promise((resolve) => echo?.close(resolve));
  });

  const sendEcho = (fields: { id: string; text: string; key?: string }) => {
    const body = JSON.stringify({
      id: fields.id,
      channelId: 'lobby',
      workspaceId: 'R1',
      user: { id: 'u-echo', name: 'Ana' },
      text: fields.text,
      replyUrl: `${echoUrl}/reply/${fields.id}`,
    });
    const signature = createHmac('sha256', fields.key ?? SHARED_KEY)
      .update(body)
      .digest('hex');
    return fetch(`${running.stack.url}/echo/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-echo-signature': signature },
      body,
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as unknown }));
  };

  it('the synthesized stack has Echo’s secret, ingress, route and outputs from its registration alone', () => {
    const { Resources, Outputs } = running.stack.assembly.template as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      Outputs: Record<string, unknown>;
    };
    const ids = Object.keys(Resources);
    expect(ids.some((id) => id.startsWith('EchoSecrets'))).toBe(true);
    expect(ids.some((id) => id.startsWith('EchoCommandsFn'))).toBe(true);
    const routes = Object.values(Resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties?.RouteKey);
    expect(routes).toEqual(
      expect.arrayContaining(['POST /slack/events', 'POST /discord/interactions', 'POST /echo/commands']),
    );
    expect(Object.keys(Outputs)).toEqual(expect.arrayContaining(['EchoCommandsUrl', 'EchoSecretName']));
  });

  it('makes a video from Echo end to end: one answer with a working link, counted under Echo, settled', async () => {
    const ack = await sendEcho({ id: 'echo-run-1', text: 'a kite over a beach --duration 4' });
    expect(ack).toEqual({ status: 200, body: { queued: 'a kite over a beach' } });

    const execution = running.stack.workflow.list().find((e) => e.name === 'echo-run-1')!;
    const done = await execution.done;
    await running.stack.account.settle();
    expect(done.status).toBe('SUCCEEDED');

    const mine = replies.filter((r) => r.path === '/reply/echo-run-1');
    const finished = mine.filter((r) => r.message.kind === 'finished');
    expect(finished).toHaveLength(1);
    expect(mine.filter((r) => r.message.kind === 'failed')).toEqual([]);
    const link = /https?:\/\/\S+/.exec(finished[0]!.message.text)![0];
    const clip = await fetch(link);
    expect(clip.status).toBe(200);
    expect(clip.headers.get('content-type')).toBe('video/mp4');
    expect((await clip.arrayBuffer()).byteLength).toBeGreaterThan(0);

    // Counted under Echo's own id and room, never as another platform; its slot given back.
    const ledger = await ledgerView(running.stack);
    expect(ledger.run('echo-run-1')).toMatchObject({
      scope: { platform: 'echo', workspace: 'R1', channel: 'lobby', user: 'u-echo' },
      outcome: 'succeeded',
    });
    expect(ledger.slotsHeld('u-echo')).toEqual([]);
  });

  it('refuses a command signed with another key, starting nothing', async () => {
    const before = running.stack.workflow.list().length;
    const forged = await sendEcho({ id: 'echo-forged', text: 'a forged kite', key: 'not-the-key' });
    expect(forged).toEqual({ status: 401, body: { error: 'Invalid signature.' } });
    expect(running.stack.workflow.list()).toHaveLength(before);
  });

  it('leaves the registered platforms as they were: Slack still makes its video in the same stack', async () => {
    const ack = await sendSlackCommand(running, { text: 'a kite, from Slack', trigger: 'echo.slack.1' });
    expect(ack.body.response_type).toBe('in_channel');
    const done = await running.stack.workflow.list().find((e) => e.name === 'echo.slack.1')!.done;
    expect(done.status).toBe('SUCCEEDED');
  });
});
