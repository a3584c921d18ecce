import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { rerollClick } from '../helpers/chat-commands.js';
import type { LocalStack } from '../../local/stack/local-stack.js';
import type { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { FakeSocketModeServer, type Envelope } from '../helpers/fake-socket-mode.js';
import { startStackWithFakeChat } from '../helpers/local-stack-harness.js';

/** Polls a condition (not pacing the code under test: the connection lives in its own timers). */
async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Slack over Socket Mode, end to end (npm start with SLACK_APP_TOKEN, a stand-in Socket Mode server)', () => {
  let stack: LocalStack;
  let chat: FakeChatServer;
  let close: () => Promise<void>;
  const slack = new FakeSocketModeServer();
  let n = 0;

  beforeAll(async () => {
    await slack.start();
    ({ stack, chat, close } = await startStackWithFakeChat({
      SLACK_APP_TOKEN: 'xapp-1-test',
      SLACK_API_URL: slack.apiUrl,
    }));
  });
  afterAll(async () => {
    await close();
    await slack.stop();
  });

  const newTrigger = () => `${Date.now()}.${++n}.sock`;
  const executions = () => stack.workflow.list();
  const named = (name: string) => executions().filter((e) => e.name === name);

  function command(text: string, trigger: string): Envelope {
    return {
      envelope_id: `env-${trigger}`,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        ...Object.fromEntries(
          new URLSearchParams(
            slackCommandBody({
              text,
              triggerId: trigger,
              responseUrl: `${chat.url}/hooks/${trigger}`,
              channelId: `C-${trigger}`,
            }),
          ),
        ),
        is_enterprise_install: 'false',
      },
    };
  }

  it('calls apps.connections.open on SLACK_API_URL with the app token, gets hello, and /healthz says connected', async () => {
    await slack.helloOn(1);
    expect(slack.opens[0]!.authorization).toBe('Bearer xapp-1-test');
    expect(slack.connections[0]!.sent[0]).toMatchObject({
      type: 'hello',
      connection_info: { app_id: 'A0FAKEAPP' },
    });
    await until('connected', () => stack.socketMode === 'connected');
    const health = await fetch(`${stack.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, socketMode: 'connected' });
  });

  it('acks a /video slash_commands envelope within 3 s, in channel, and delivers the clip', async () => {
    const trigger = newTrigger();
    const before = executions().length;
    const ack = await slack.send(command('a lighthouse at dawn --duration 4', trigger));
    expect(ack.envelope_id).toBe(`env-${trigger}`);
    expect(ack.afterMs).toBeLessThan(3000);
    expect(ack.payload).toMatchObject({ response_type: 'in_channel', text: 'Queued: a lighthouse at dawn' });
    expect(executions()).toHaveLength(before + 1);

    const execution = named(trigger)[0]!;
    expect((await execution.done).status).toBe('SUCCEEDED');
    const final = chat.to(`/hooks/${trigger}`).at(-1)!.body as {
      response_type: string;
      blocks: { type: string; elements?: { url?: string }[] }[];
    };
    expect(final.response_type).toBe('in_channel');
    const watch = final.blocks.find((b) => b.type === 'actions')!.elements![0]!.url!;
    const video = Buffer.from(await (await fetch(watch)).arrayBuffer());
    expect(video.equals(stack.simulator!.video.bytes())).toBe(true);
  });

  it('acks a block_actions envelope (Re-roll) and starts exactly one new execution with a new seed', async () => {
    const original = executions().find((e) => e.status === 'SUCCEEDED')!;
    const originalInput = JSON.parse(original.input) as { request: { prompt: string; seed?: number } };
    const trigger = newTrigger();
    const before = executions().length;
    const ack = await slack.send({
      envelope_id: `env-${trigger}`,
      type: 'interactive',
      accepts_response_payload: false,
      payload: rerollClick(chat.url, original.name, trigger, {
        user: { id: 'U999', name: 'bo' },
        channelId: 'C-reroll',
        actionTs: '1.3',
      }),
    });
    expect(ack.afterMs).toBeLessThan(3000);
    expect(executions()).toHaveLength(before + 1);
    const rerun = named(trigger);
    expect(rerun).toHaveLength(1);
    const input = JSON.parse(rerun[0]!.input) as { request: { prompt: string; seed: number } };
    expect(input.request.prompt).toBe(originalInput.request.prompt);
    expect(input.request.seed).not.toBe(originalInput.request.seed);
    expect((await rerun[0]!.done).status).toBe('SUCCEEDED');
  });

  it('reconnects when Slack sends disconnect (refresh_requested): apps.connections.open again, nothing lost or doubled', async () => {
    const opensBefore = slack.opens.length;
    const before = executions().length;
    const first = newTrigger();
    const firstAck = await slack.send(command('a fox before the refresh', first));

    const old = slack.requestDisconnect('refresh_requested');
    // Sent while the app reconnects: Slack holds it for the next connection.
    const second = newTrigger();
    const secondAck = await slack.send(command('a fox after the refresh', second));
    await slack.closedOn(old);

    expect(slack.opens.length).toBe(opensBefore + 1);
    expect(firstAck.connection).toBe(old);
    expect(secondAck.connection).toBe(old + 1);
    expect(slack.connections[old]!.sent[0]).toMatchObject({ type: 'hello' });
    for (const trigger of [first, second]) {
      expect(slack.acks.filter((a) => a.envelope_id === `env-${trigger}`)).toHaveLength(1);
      expect(named(trigger)).toHaveLength(1);
    }
    expect(executions()).toHaveLength(before + 2);
    await until('connected again', () => stack.socketMode === 'connected');
    expect(await (await fetch(`${stack.url}/healthz`)).json()).toMatchObject({ socketMode: 'connected' });
  });

  it('starts one execution when Slack delivers the same envelope twice', async () => {
    const trigger = newTrigger();
    const envelope = command('a heron in the rain', trigger);
    const before = executions().length;
    // Slack sends an envelope again when no ack came in time: the retry overlaps the first delivery.
    const acks = await Promise.all([
      slack.send(envelope),
      slack.send({ ...envelope, retry_attempt: 1, retry_reason: 'timeout' }),
    ]);
    expect(acks.map((a) => a.envelope_id)).toEqual([envelope.envelope_id, envelope.envelope_id]);
    for (const ack of acks) expect(ack.payload).toMatchObject({ response_type: 'in_channel' });
    expect(executions()).toHaveLength(before + 1);
    expect(named(trigger)).toHaveLength(1);
    expect((await named(trigger)[0]!.done).status).toBe('SUCCEEDED');
  });
});
