import { generateKeyPairSync } from 'node:crypto';
import { InteractionResponseType, InteractionType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack/local-stack.js';
import {
  discordInteraction,
  videoCommandData,
  type DiscordOption,
} from '../../local/stack/discord-interaction.js';
import { discordHeaders } from '../../local/stack/request-signing.js';
import type { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { startStackWithFakeChat } from '../helpers/local-stack-harness.js';

let sequence = 0;
const snowflake = () => `${Date.now()}${String(++sequence).padStart(5, '0')}`;

function commandInteraction(
  applicationId: string,
  prompt: string,
  id = snowflake(),
  extra: DiscordOption[] = [],
) {
  return discordInteraction({
    id,
    applicationId,
    guildId: '300000000000000003',
    data: videoCommandData([{ name: 'prompt', type: 3, value: prompt }, ...extra]),
  }) as { id: string; token: string };
}

describe('Discord /video through the real HTTP path', () => {
  let stack: LocalStack;
  let chat: FakeChatServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ stack, chat, close } = await startStackWithFakeChat({ DISCORD_BOT_TOKEN: 'bot-token' }));
  });
  afterAll(() => close());

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${stack.url}/discord/interactions`, { method: 'POST', headers, body });
  const signed = (payload: unknown) => {
    const body = JSON.stringify(payload);
    return post(body, discordHeaders(stack.keys.discordPrivateKey, body));
  };
  const executions = () => stack.workflow.list().length;
  /** Another member (bo) clicking a button under a clip. */
  const buttonClick = (id: string, customId: string) =>
    discordInteraction({
      id,
      type: InteractionType.MessageComponent,
      applicationId: stack.discordApplicationId,
      user: { id: '876543210987654321', username: 'bo' },
      data: { custom_id: customId, component_type: 2 },
    });

  it('answers PING with PONG', async () => {
    const response = await signed({
      id: snowflake(),
      type: InteractionType.Ping,
      application_id: stack.discordApplicationId,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ type: InteractionResponseType.Pong });
  });

  it('autocompletes what the chosen model takes (type 4 → type 8), starting nothing', async () => {
    const before = executions();
    const typing = (options: DiscordOption[]) =>
      signed(
        discordInteraction({
          id: snowflake(),
          type: InteractionType.ApplicationCommandAutocomplete,
          applicationId: stack.discordApplicationId,
          guildId: '300000000000000003',
          data: videoCommandData([{ name: 'prompt', type: 3, value: 'a corgi' }, ...options]),
        }),
      ).then(async (response) => ({ status: response.status, body: await response.json() }));

    // Seedance takes 2–12 s: typing "1" offers 10, 11 and 12.
    expect(
      await typing([
        { name: 'model', type: 3, value: 'seedance-1-0-pro' },
        { name: 'duration', type: 4, value: '1', focused: true },
      ]),
    ).toEqual({
      status: 200,
      body: {
        type: InteractionResponseType.ApplicationCommandAutocompleteResult,
        data: {
          choices: [
            { name: '10 s', value: 10 },
            { name: '11 s', value: 11 },
            { name: '12 s', value: 12 },
          ],
        },
      },
    });
    // No model chosen: the default model's (Veo 3.1) ratios.
    const ratios = await typing([{ name: 'ratio', type: 3, value: '', focused: true }]);
    expect(ratios.body).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: {
        choices: [
          { name: '16:9', value: '16:9' },
          { name: '9:16', value: '9:16' },
        ],
      },
    });
    expect(executions()).toBe(before);
  });

  it('defers a valid command (type 5) and starts exactly one execution', async () => {
    const before = executions();
    const interaction = commandInteraction(stack.discordApplicationId, 'a corgi surfing');
    const response = await signed(interaction);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource });
    expect(executions()).toBe(before + 1);
    expect(stack.workflow.list().at(-1)!.name).toBe(interaction.id);
  });

  it.each([
    [
      'a signature from another key',
      (body: string) => discordHeaders(generateKeyPairSync('ed25519').privateKey, body),
      (body: string) => body,
    ],
    [
      'a tampered body',
      (body: string, key: LocalStack['keys']) => discordHeaders(key.discordPrivateKey, body),
      (body: string) => body.replace('corgi', 'cat'),
    ],
    [
      'an altered timestamp',
      (body: string, key: LocalStack['keys']) => ({
        ...discordHeaders(key.discordPrivateKey, body),
        'x-signature-timestamp': '1700000000',
      }),
      (body: string) => body,
    ],
    ['missing headers', () => ({ 'content-type': 'application/json' }), (body: string) => body],
  ])('refuses %s with 401 and starts nothing', async (_name, headersFor, alter) => {
    const body = JSON.stringify(commandInteraction(stack.discordApplicationId, 'a corgi'));
    const before = executions();
    const response = await post(alter(body), headersFor(body, stack.keys));
    expect(response.status).toBe(401);
    expect(executions()).toBe(before);
  });

  it('starts one execution when the same interaction arrives twice', async () => {
    const interaction = commandInteraction(stack.discordApplicationId, 'a fox');
    const before = executions();
    const first = await signed(interaction);
    const again = await signed(interaction);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(executions()).toBe(before + 1);
  });

  it('answers usage errors privately (ephemeral) and starts nothing', async () => {
    const before = executions();
    const response = await signed(
      commandInteraction(stack.discordApplicationId, 'a fox', snowflake(), [
        { name: 'duration', type: 4, value: 7 },
      ]),
    );
    expect(await response.json()).toEqual({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: {
        content:
          'Duration 7 s is not available for Veo 3.1: use 4, 6, 8 seconds.\nType `/video prompt:help` for all options.',
        flags: 64,
        allowed_mentions: { parse: [] },
      },
    });
    expect(executions()).toBe(before);
  });

  it('ends in an edit of @original whose link downloads the exact MP4 the simulator served', async () => {
    const interaction = commandInteraction(stack.discordApplicationId, 'a lighthouse @everyone --duration 4');
    await signed(interaction);
    const execution = stack.workflow.list().find((e) => e.name === interaction.id)!;
    expect((await execution.done).status).toBe('SUCCEEDED');

    const edits = chat.to(`/webhooks/${stack.discordApplicationId}/${interaction.token}/messages/@original`);
    // Progress edits come first when a poll sees the task running; on a slow machine the clip can be
    // ready at the first poll, so only the final edit is certain.
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(edits.every((e) => e.method === 'PATCH')).toBe(true);
    const final = edits.at(-1)!.body as {
      embeds: { url: string; description: string }[];
      allowed_mentions: unknown;
      components: { components: { url: string }[] }[];
    };
    expect(final.allowed_mentions).toEqual({ parse: [], users: ['123456789012345678'] });
    const link = /\[Download MP4\]\((http[^)]+)\)/.exec(final.embeds[0]!.description)![1]!;
    expect(Buffer.from(await (await fetch(link)).arrayBuffer()).equals(stack.simulator!.video.bytes())).toBe(
      true,
    );
    const watch = final.components[0]!.components[0]!.url;
    expect(Buffer.from(await (await fetch(watch)).arrayBuffer()).equals(stack.simulator!.video.bytes())).toBe(
      true,
    );
  });

  it('posts to the channel with the bot token when the interaction token has expired (401/404)', async () => {
    const interaction = commandInteraction(stack.discordApplicationId, 'a late train');
    chat.answer(new RegExp(`PATCH .*/webhooks/.*/${interaction.token}/`), 404, {
      message: 'Unknown Webhook',
      code: 10015,
    });
    const ack = await signed(interaction);
    expect(ack.status, await ack.clone().text()).toBe(200);
    const execution = stack.workflow.list().find((e) => e.name === interaction.id)!;
    expect((await execution.done).status).toBe('SUCCEEDED');
    const posts = chat.requests.filter(
      (r) => r.path === '/discord/api/v10/channels/200000000000000002/messages',
    );
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.authorization).toBe('Bot bot-token');
    const updates = chat.requests.filter(
      (r) =>
        r.method === 'PATCH' && r.path.startsWith('/discord/api/v10/channels/200000000000000002/messages/'),
    );
    const final = (updates.at(-1) ?? posts[0])!.body as { embeds: { title: string }[] };
    expect(final.embeds[0]!.title).toBe('Your video is ready');
  });

  it('makes a vertical version from the button under a finished clip', async () => {
    const original = stack.workflow.list().find((e) => e.status === 'SUCCEEDED')!;
    const id = snowflake();
    const response = await signed(buttonClick(id, `clipbay:vertical:${original.name}`));
    expect(await response.json()).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource });
    const rerun = stack.workflow.list().find((e) => e.name === id)!;
    const input = JSON.parse(rerun.input) as {
      request: { ratio: string; prompt: string };
      requestedBy: { id: string };
    };
    expect(input.request.ratio).toBe('9:16');
    expect(input.request.prompt).toBe(
      (JSON.parse(original.input) as { request: { prompt: string } }).request.prompt,
    );
    expect(input.requestedBy.id).toBe('876543210987654321');
    expect((await rerun.done).status).toBe('SUCCEEDED');
  });

  it('says so when the clip behind a button is unknown', async () => {
    const response = await signed(buttonClick(snowflake(), 'clipbay:reroll:nope'));
    const answer = (await response.json()) as { type: number; data: { content: string; flags: number } };
    expect(answer.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(answer.data.flags).toBe(64);
    expect(answer.data.content).toMatch(/^That video is too old to re-run/);
  });
});
