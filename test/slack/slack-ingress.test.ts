import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackHeaders } from '../../local/stack/request-signing.js';
import type { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { startStackWithFakeChat } from '../helpers/local-stack-harness.js';
import type { LocalStack } from '../../local/stack/local-stack.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { rerollClick } from '../helpers/chat-commands.js';

const SECRET = 'test-signing-secret-0123456789';

/** The POST body Slack sends for `/video <text>`. */
function commandBody(text: string, triggerId: string, responseUrl: string): string {
  return slackCommandBody({
    text,
    triggerId: triggerId,
    responseUrl: responseUrl,
    userId: 'U123',
    channelId: `C-${triggerId}`,
  });
}

describe('Slack /video through the real HTTP path', () => {
  let stack: LocalStack;
  let chat: FakeChatServer;
  let close: () => Promise<void>;
  let n = 0;

  beforeAll(async () => {
    ({ stack, chat, close } = await startStackWithFakeChat({ SLACK_SIGNING_SECRET: SECRET }));
  });
  afterAll(() => close());

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${stack.url}/slack/events`, { method: 'POST', headers, body });
  const newTrigger = () => `${Date.now()}.${++n}.abcdef`;
  const executions = () => stack.workflow.list().length;

  // How fast: `npm run bench` measures the ack, cold and warm (no absolute time in npm test).
  it('acks a valid signed command in channel, and starts exactly one execution', async () => {
    const trigger = newTrigger();
    const body = commandBody('a corgi surfing --duration 8', trigger, `${chat.url}/hooks/${trigger}`);
    const before = executions();
    const response = await post(body, slackHeaders(SECRET, body));
    expect(response.status).toBe(200);
    const ack = (await response.json()) as { response_type: string; text: string };
    expect(ack.response_type).toBe('in_channel');
    expect(ack.text).toBe('Queued: a corgi surfing');
    expect(executions()).toBe(before + 1);
    expect(stack.workflow.list().at(-1)!.name).toBe(trigger);
  });

  it.each([
    [
      'a tampered body',
      (body: string) => ({ body: body.replace('corgi', 'cat'), headers: slackHeaders(SECRET, body) }),
    ],
    ['the wrong secret', (body: string) => ({ body, headers: slackHeaders('not-the-secret', body) })],
    [
      'a stale timestamp (6 minutes old)',
      (body: string) => ({ body, headers: slackHeaders(SECRET, body, Math.floor(Date.now() / 1000) - 360) }),
    ],
    [
      'missing headers',
      (body: string) => ({ body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ],
  ])('refuses %s with 401 and starts nothing', async (_name, forge) => {
    const trigger = newTrigger();
    const { body, headers } = forge(commandBody('a corgi', trigger, `${chat.url}/hooks/${trigger}`));
    const before = executions();
    const response = await post(body, headers);
    expect(response.status).toBe(401);
    expect(executions()).toBe(before);
    expect(stack.simulator!.submits().filter((r) => JSON.stringify(r.body).includes(trigger))).toHaveLength(
      0,
    );
  });

  it('starts one execution when the same trigger_id arrives twice', async () => {
    const trigger = newTrigger();
    const body = commandBody('a fox', trigger, `${chat.url}/hooks/${trigger}`);
    const before = executions();
    const first = await post(body, slackHeaders(SECRET, body));
    const again = await post(body, {
      ...slackHeaders(SECRET, body),
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(executions()).toBe(before + 1);
  });

  it('answers usage errors, help and models privately and starts nothing', async () => {
    const before = executions();
    for (const text of ['a fox --duration 7', 'help', 'models']) {
      const trigger = newTrigger();
      const body = commandBody(text, trigger, `${chat.url}/hooks/${trigger}`);
      const response = await post(body, slackHeaders(SECRET, body));
      const answer = (await response.json()) as { response_type: string; text: string };
      expect(answer.response_type).toBe('ephemeral');
    }
    expect(executions()).toBe(before);
  });

  it('ends in an in_channel message whose link downloads the exact MP4 the simulator served', async () => {
    const trigger = newTrigger();
    const body = commandBody('a lighthouse at dawn --duration 4', trigger, `${chat.url}/hooks/${trigger}`);
    await post(body, slackHeaders(SECRET, body));
    const execution = stack.workflow.list().find((e) => e.name === trigger)!;
    expect((await execution.done).status).toBe('SUCCEEDED');

    const posts = chat.to(`/hooks/${trigger}`);
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.length).toBeLessThanOrEqual(5); // response_url allows 5 posts in 30 minutes
    const final = posts.at(-1)!.body as {
      response_type: string;
      replace_original: boolean;
      blocks: { type: string; elements?: { url?: string }[] }[];
    };
    expect(final.response_type).toBe('in_channel');
    expect(final.replace_original).toBe(true);
    const watch = final.blocks.find((b) => b.type === 'actions')!.elements![0]!.url!;
    const video = Buffer.from(await (await fetch(watch)).arrayBuffer());
    expect(video.equals(stack.simulator!.video.bytes())).toBe(true);
    const share = final.blocks.find((b) => b.type === 'actions')!.elements![1]!.url!;
    const viaShare = Buffer.from(await (await fetch(share)).arrayBuffer());
    expect(viaShare.equals(stack.simulator!.video.bytes())).toBe(true);
  });

  it('re-rolls a finished clip from its button: same request, new seed, a new task, original kept', async () => {
    const original = stack.workflow.list().find((e) => e.status === 'SUCCEEDED')!;
    const originalInput = JSON.parse(original.input) as { request: { prompt: string; seed?: number } };
    const trigger = newTrigger();
    const payload = rerollClick(chat.url, original.name, trigger, {
      user: { id: 'U999', name: 'bo' },
      channelId: 'C-reroll',
      actionTs: '1.3',
    });
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const before = executions();
    const response = await post(body, slackHeaders(SECRET, body));
    expect(response.status).toBe(200);
    expect(executions()).toBe(before + 1);

    const rerun = stack.workflow.list().find((e) => e.name === trigger)!;
    const input = JSON.parse(rerun.input) as {
      request: { prompt: string; seed: number };
      replyTo: { keepOriginal: boolean };
    };
    expect(input.request.prompt).toBe(originalInput.request.prompt);
    expect(input.request.seed).toBeTypeOf('number');
    expect(input.request.seed).not.toBe(originalInput.request.seed);
    expect(input.replyTo.keepOriginal).toBe(true);
    expect((await rerun.done).status).toBe('SUCCEEDED');
    const posts = chat.to(`/hooks/${trigger}`);
    expect(posts.every((p) => p.body.replace_original === false)).toBe(true);
    expect(posts.at(-1)!.body.response_type).toBe('in_channel');
  });
});
