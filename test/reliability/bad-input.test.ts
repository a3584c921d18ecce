import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordOptionsFromText } from '../../local/playground/discord-options-from-text.js';
import type { LocalStack } from '../../local/stack/local-stack.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import type { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { startStackWithFakeChat } from '../helpers/local-stack-harness.js';
import { BAD_INPUTS } from './bad-input-corpus.js';
import { TRANSPORT_GARBAGE } from './transport-garbage.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import {
  discordInteraction,
  videoCommandData,
  type DiscordOption,
} from '../../local/stack/discord-interaction.js';

const SECRET = 'bad-input-secret';
let sequence = 0;

/** Every bad input, through the real HTTP path of both platforms: a private answer, nothing started. */
describe('bad input never reaches TokenBay', () => {
  let stack: LocalStack;
  let chat: FakeChatServer;
  let close: () => Promise<void>;
  let tried = 0;

  beforeAll(async () => {
    ({ stack, chat, close } = await startStackWithFakeChat({ SLACK_SIGNING_SECRET: SECRET }));
  });
  afterAll(async () => {
    // The point of it all: not one request reached TokenBay, not one execution started.
    expect(stack.simulator!.submits()).toHaveLength(0);
    expect(stack.workflow.list()).toHaveLength(0);
    expect(tried).toBeGreaterThanOrEqual(100);
    await close();
  });

  const slackCommand = (text: string) =>
    slackCommandBody({ text, triggerId: `bad.${++sequence}.x`, responseUrl: `${chat.url}/hooks/bad` });

  const discordCommand = (options: DiscordOption[]) =>
    JSON.stringify(
      discordInteraction({
        id: `80000000000000${String(++sequence).padStart(4, '0')}`,
        applicationId: stack.discordApplicationId,
        data: videoCommandData(options),
      }),
    );

  const answers = (said: string, message: string, hint: string) =>
    message.startsWith('Make a video') ? said.startsWith(message) : said === `${message}\n${hint}`;

  describe('Slack', () => {
    it.each(BAD_INPUTS.map((c) => [c.name, c] as const))('%s', async (_name, bad) => {
      const body = slackCommand(bad.text);
      const response = await fetch(`${stack.url}/slack/events`, {
        method: 'POST',
        headers: slackHeaders(SECRET, body),
        body,
      });
      tried++;
      expect(response.status).toBe(200);
      const answer = (await response.json()) as { response_type: string; text: string };
      expect(answer.response_type).toBe('ephemeral');
      expect(answers(answer.text, bad.message, 'Type `/video help` for all options.'), answer.text).toBe(
        true,
      );
    });
  });

  describe('Discord', () => {
    it.each(BAD_INPUTS.filter((c) => !c.slackOnly).map((c) => [c.name, c] as const))(
      '%s',
      async (_name, bad) => {
        const options = discordOptionsFromText(bad.text);
        if (typeof options === 'string')
          throw new Error(`the Discord client could not send this: ${options}`);
        const body = discordCommand(options);
        const response = await fetch(`${stack.url}/discord/interactions`, {
          method: 'POST',
          headers: discordHeaders(stack.keys.discordPrivateKey, body),
          body,
        });
        tried++;
        expect(response.status).toBe(200);
        const answer = (await response.json()) as { type: number; data: { content: string; flags: number } };
        expect(answer.type).toBe(4);
        expect(answer.data.flags).toBe(64);
        expect(
          answers(answer.data.content, bad.message, 'Type `/video prompt:help` for all options.'),
          answer.data.content,
        ).toBe(true);
      },
    );

    it.each([
      [
        'an attachment that is not an image',
        { image: { id: '9', url: 'https://cdn.discordapp.com/a.mp4', content_type: 'video/mp4' } },
        'The attachment must be an image (got video/mp4).',
      ],
      [
        'an attachment missing from resolved',
        { image: undefined },
        'The attached image could not be read; attach it again.',
      ],
    ])('%s', async (_name, { image }, message) => {
      const interaction = JSON.parse(
        discordCommand([
          { name: 'prompt', type: 3, value: 'a fox' },
          { name: 'image', type: 11, value: '9' },
        ]),
      ) as { data: Record<string, unknown> };
      if (image) interaction.data.resolved = { attachments: { '9': image } };
      const signed = JSON.stringify(interaction);
      const response = await fetch(`${stack.url}/discord/interactions`, {
        method: 'POST',
        headers: discordHeaders(stack.keys.discordPrivateKey, signed),
        body: signed,
      });
      tried++;
      const answer = (await response.json()) as { data: { content: string; flags: number } };
      expect(answer.data).toMatchObject({
        flags: 64,
        content: `${message}\nType \`/video prompt:help\` for all options.`,
      });
    });
  });

  describe('transport garbage', () => {
    it.each(TRANSPORT_GARBAGE.map((c) => [c.name, c] as const))('%s', async (_name, garbage) => {
      const { path, headers, body } = garbage.request({
        slackSecret: SECRET,
        discordKey: stack.keys.discordPrivateKey,
        applicationId: stack.discordApplicationId,
      });
      const response = await fetch(`${stack.url}${path}`, { method: 'POST', headers, body });
      tried++;
      expect(response.status).toBe(garbage.status);
      if (garbage.ephemeral) {
        const answer = (await response.json()) as { data: { content: string; flags: number } };
        expect(answer.data).toMatchObject({ flags: 64, content: garbage.ephemeral });
      }
      if (garbage.answer !== undefined) expect(await response.json()).toEqual(garbage.answer);
    });
  });
});
