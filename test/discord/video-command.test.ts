import { ANIMATE_COMMAND } from '../../bots/discord/discord-animate.js';
import {
  ApplicationCommandOptionType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVideoCommand } from '../../bots/discord/register-command.js';
import { videoCommand } from '../../bots/discord/video-command.js';
import { DISCORD_OPTION } from '../../bots/discord/discord-options.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';

describe('Discord /video command definition', () => {
  const command: RESTPostAPIChatInputApplicationCommandsJSONBody = videoCommand();

  it('matches the registration payload snapshot', async () => {
    await expect(JSON.stringify(command, null, 2)).toMatchFileSnapshot('./__snapshots__/video-command.json');
  });

  it('uses the option names and types the shared grammar reads', () => {
    const types = Object.fromEntries(command.options!.map((o) => [o.name, o.type]));
    expect(types).toEqual({
      [DISCORD_OPTION.prompt]: ApplicationCommandOptionType.String,
      [DISCORD_OPTION.model]: ApplicationCommandOptionType.String,
      [DISCORD_OPTION.duration]: ApplicationCommandOptionType.Integer,
      [DISCORD_OPTION.resolution]: ApplicationCommandOptionType.String,
      [DISCORD_OPTION.ratio]: ApplicationCommandOptionType.String,
      [DISCORD_OPTION.negativePrompt]: ApplicationCommandOptionType.String,
      [DISCORD_OPTION.seed]: ApplicationCommandOptionType.Integer,
      [DISCORD_OPTION.audio]: ApplicationCommandOptionType.Boolean,
      [DISCORD_OPTION.image]: ApplicationCommandOptionType.Attachment,
      [DISCORD_OPTION.imageUrl]: ApplicationCommandOptionType.String,
    });
    expect(command.options![0]).toMatchObject({ name: 'prompt', required: true, max_length: 2000 });
  });

  it('stays inside Discord limits', () => {
    expect(command.name).toMatch(/^[-_\p{L}\p{N}]{1,32}$/u);
    expect(command.description!.length).toBeLessThanOrEqual(100);
    for (const option of command.options!) {
      expect(option.description.length).toBeLessThanOrEqual(100);
      const choices = (option as { choices?: unknown[] }).choices;
      if (choices) expect(choices.length).toBeLessThanOrEqual(25);
    }
  });

  describe('registration', () => {
    const chat = new FakeChatServer();
    beforeAll(() => chat.start());
    afterAll(() => chat.stop());

    it('PUTs the command to one guild with the bot token', async () => {
      chat.answer(/PUT /, 200, [{ id: '1', name: 'video' }]);
      const registered = await registerVideoCommand({
        apiBase: `${chat.url}/api`,
        applicationId: '100000000000000001',
        botToken: 'bot-token',
        guildId: '300000000000000003',
      });
      expect(registered).toEqual([{ id: '1', name: 'video' }]);
      const [request] = chat.requests;
      expect(`${request!.method} ${request!.path}`).toBe(
        'PUT /api/v10/applications/100000000000000001/guilds/300000000000000003/commands',
      );
      expect(request!.headers.authorization).toBe('Bot bot-token');
      expect(request!.body).toEqual([command, ANIMATE_COMMAND]);
    });
  });
});
