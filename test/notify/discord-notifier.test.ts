import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifyError } from '../../functions/core/errors.js';
import { DiscordNotifier } from '../../functions/core/notify/discord-notifier.js';
import type { ReplyTarget } from '../../functions/core/workflow/execution-state.js';
import { FakeChatServer } from '../helpers/fake-chat-server.js';
import { discordRequester, failure, finished, progress } from '../helpers/message-fixtures.js';

describe('DiscordNotifier', () => {
  let chat: FakeChatServer;
  const target: ReplyTarget = {
    platform: 'discord',
    applicationId: '100000000000000001',
    interactionToken: 'tok-abc',
    channelId: '200000000000000002',
  };

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

  it('raises NotifyError when the token expired and there is no bot token', async () => {
    chat.answer(/PATCH .*\/webhooks\//, 404, { message: 'Unknown Webhook', code: 10015 });
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: undefined });
    await expect(discord.finished(target, finished('a fox', discordRequester))).rejects.toBeInstanceOf(
      NotifyError,
    );
  });
});
