import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifyError, NotifyRejectedError } from '../../functions/core/errors.js';
import { DiscordNotifier } from '../../bots/discord/discord-notifier.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import {
  discordRequester,
  discordTarget,
  failure,
  finished,
  presignedUrl,
  progress,
} from '../helpers/message-fixtures.js';
import { startStallingServer } from './stalling-server.js';

const INVALID_FORM_BODY = {
  message: 'Invalid Form Body',
  code: 50035,
  errors: {
    embeds: {
      '0': {
        description: {
          _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 4096 or fewer in length.' }],
        },
      },
    },
  },
};

describe('DiscordNotifier', () => {
  let chat: FakeChatServer;
  const target = discordTarget();

  beforeEach(async () => {
    chat = new FakeChatServer();
    await chat.start();
  });
  afterEach(() => chat.stop());

  it('edits the original response for progress and the result, without auth', async () => {
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: 'bot-token' });
    const id = await discord.progress(target, progress('a fox', discordRequester));
    await discord.finished(target, finished('a fox', discordRequester), id);
    expect(chat.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /api/v10/webhooks/100000000000000001/tok-abc/messages/@original',
      'PATCH /api/v10/webhooks/100000000000000001/tok-abc/messages/@original',
    ]);
    expect(chat.requests[0]!.headers.authorization).toBeUndefined();
    expect(chat.requests[1]!.body.allowed_mentions).toEqual({ parse: [], users: ['123456789012345678'] });
  });

  it.each([401, 404])(
    'posts to the channel with the bot token once the interaction token answers %s',
    async (status) => {
      chat.answer(/PATCH .*\/webhooks\//, status, { message: 'Unknown Webhook', code: 10015 });
      const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: 'bot-token' });
      const id = await discord.progress(target, progress('a fox', discordRequester));
      await discord.failed(target, failure('a fox', discordRequester), id);
      expect(chat.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'PATCH /api/v10/webhooks/100000000000000001/tok-abc/messages/@original',
        'POST /api/v10/channels/200000000000000002/messages',
        `PATCH /api/v10/channels/200000000000000002/messages/${id!.replace('channel:', '')}`,
      ]);
      expect(chat.requests[1]!.headers.authorization).toBe('Bot bot-token');
    },
  );

  it('raises NotifyRejectedError (never retried) when the token expired and there is no bot token', async () => {
    chat.answer(/PATCH .*\/webhooks\//, 404, { message: 'Unknown Webhook', code: 10015 });
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: undefined });
    const error = await discord.failed(target, failure('a fox', discordRequester)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyRejectedError);
    expect((error as Error).name).toBe('NotifyRejectedError');
    expect((error as Error).message).toContain('no DISCORD_BOT_TOKEN is set');
  });

  it.each([
    [400, 'NotifyRejectedError', NotifyRejectedError],
    [403, 'NotifyRejectedError', NotifyRejectedError],
    [500, 'NotifyError', NotifyError],
    [503, 'NotifyError', NotifyError],
  ])('a %i answer is a %s', async (status, name, type) => {
    chat.answer(/PATCH /, status, { message: 'Missing Permissions', code: 50013 });
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: 'bot-token' });
    const error = await discord
      .progress(target, progress('a fox', discordRequester))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).name).toBe(name);
    expect(chat.requests).toHaveLength(1); // the library does not retry: the state machine does
  });

  it('says what Discord refused, for the operator', async () => {
    chat.answer(/PATCH /, 400, INVALID_FORM_BODY);
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: 'bot-token' });
    const error = (await discord
      .progress(target, progress('a fox', discordRequester))
      .catch((e: unknown) => e)) as NotifyRejectedError;
    expect(error.status).toBe(400);
    expect(error.code).toBe(50035);
    expect(error.message).toMatch(/^Discord refused editing the interaction response \(400, code 50035\)/);
    expect(error.message).toContain('Must be 4096 or fewer in length.');
  });

  it('sends the reduced finished message once when Discord refuses the full one', async () => {
    chat.answer(/PATCH .*\/webhooks\//, 400, INVALID_FORM_BODY, 1);
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: 'bot-token' });
    const video = { ...finished('a fox *on* a bike', discordRequester), link: presignedUrl(1900) };
    await discord.finished(target, video, '@original');
    expect(chat.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
    const reduced = chat.requests[1]!.body as { content: string; embeds: unknown[]; components: unknown[] };
    expect(reduced.content).toBe(
      `Your video is ready, <@123456789012345678>! “a fox \\*on\\* a bike”\nWatch: ${video.shareLink}`,
    );
    expect(reduced.embeds).toEqual([]);
    expect(reduced.components).toEqual([]);
    expect(JSON.stringify(reduced)).not.toContain('X-Amz-');
  });

  it('gives up, saying both answers, when Discord refuses the reduced message too', async () => {
    chat.answer(/PATCH .*\/webhooks\//, 400, INVALID_FORM_BODY);
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: 'bot-token' });
    const error = await discord
      .finished(target, finished('a fox', discordRequester))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyRejectedError);
    expect((error as Error).message).toMatch(
      /^Discord refused the final message \(.*\) and its reduced form \(/s,
    );
    expect(chat.requests).toHaveLength(2);
  });

  it('does not send the reduced form for a transient failure (the state machine retries)', async () => {
    chat.answer(/PATCH .*\/webhooks\//, 502, {}, 1);
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: 'bot-token' });
    await expect(discord.finished(target, finished('a fox', discordRequester))).rejects.toBeInstanceOf(
      NotifyError,
    );
    expect(chat.requests).toHaveLength(1);
  });
});

describe('DiscordNotifier against a slow or rate-limited Discord', () => {
  const target = discordTarget();

  it('aborts a request Discord does not answer within the timeout', async () => {
    const server = await startStallingServer('hang');
    try {
      const discord = new DiscordNotifier({ apiBase: `${server.url}/api`, botToken: 'bot', timeoutMs: 150 });
      const started = Date.now();
      const error = await discord
        .progress(target, progress('a fox', discordRequester))
        .catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toBeInstanceOf(NotifyError);
      expect((error as Error).message).toContain('no answer in time');
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('throws on a 429 instead of waiting out its 30 s Retry-After', async () => {
    const server = await startStallingServer('rateLimit');
    try {
      const discord = new DiscordNotifier({ apiBase: `${server.url}/api`, botToken: 'bot' });
      const outcome = await Promise.race([
        discord.progress(target, progress('a fox', discordRequester)).catch((e: unknown) => e),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1000).unref()),
      ]);
      expect(outcome).toBeInstanceOf(NotifyError);
      expect((outcome as Error).message).toContain('rate limited (429)');
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
