import { describe, expect, it } from 'vitest';
import {
  discordFailureMessage,
  discordFinishedMessage,
  discordProgressMessage,
  parseDiscordRerunId,
} from '../../bots/discord/discord-messages.js';
import {
  discordRequester,
  failure,
  finished,
  HOSTILE_PROMPT,
  LONG_PROMPT,
  NOW,
  progress,
} from '../helpers/message-fixtures.js';

const renders = {
  progress: () => discordProgressMessage(progress(HOSTILE_PROMPT, discordRequester)),
  finished: () => discordFinishedMessage(finished(HOSTILE_PROMPT, discordRequester), NOW),
  failure: () => discordFailureMessage(failure(HOSTILE_PROMPT, discordRequester)),
};

describe('Discord embed messages', () => {
  it.each(Object.entries(renders))('renders the %s message (snapshot)', async (name, render) => {
    await expect(JSON.stringify(render(), null, 2)).toMatchFileSnapshot(
      `./__snapshots__/discord-${name}.json`,
    );
  });

  it.each(Object.entries(renders))(
    '%s: @everyone, @here and mentions in a prompt ping nobody',
    (_name, render) => {
      const message = render();
      expect(message.allowed_mentions.parse).toEqual([]);
      expect(message.allowed_mentions.users ?? []).toEqual(expect.arrayContaining([]));
      for (const user of message.allowed_mentions.users ?? []) expect(user).toBe(discordRequester.id);
      // Markdown in the prompt is escaped so it renders as typed.
      expect(JSON.stringify(message.embeds)).toContain('\\\\*bold\\\\*');
    },
  );

  it('keeps a 2,000-character prompt within embed limits', () => {
    for (const message of [
      discordProgressMessage(progress(LONG_PROMPT, discordRequester)),
      discordFinishedMessage(finished(LONG_PROMPT, discordRequester), NOW),
      discordFailureMessage(failure(LONG_PROMPT, discordRequester)),
    ]) {
      const embed = message.embeds[0] as { description: string; fields: unknown[] };
      expect(embed.description.length).toBeLessThanOrEqual(4096);
      expect(embed.description).toContain(LONG_PROMPT.slice(0, 100));
      expect(JSON.stringify(message.embeds).length).toBeLessThan(6000);
      expect(message.content.length).toBeLessThanOrEqual(2000);
    }
  });

  it('offers Watch (the share link), Re-roll and Vertical; the download link says how long it lives', () => {
    const video = finished('a fox', discordRequester);
    const message = discordFinishedMessage(video, NOW);
    const buttons = (
      message.components[0] as { components: { label: string; custom_id?: string; url?: string }[] }
    ).components;
    expect(buttons.map((b) => b.label)).toEqual(['Watch', 'Re-roll', 'Vertical']);
    expect(buttons[0]!.url).toBe(video.shareLink);
    expect(parseDiscordRerunId(buttons[1]!.custom_id!)).toEqual({
      kind: 'reroll',
      executionId: '13345224609.738474920.8088930838d88f008e0',
    });
    const embed = message.embeds[0] as { description: string; footer: { text: string } };
    expect(embed.description).toContain(`[Download MP4](${video.link}) (valid for 59 minutes)`);
    expect(embed.footer.text).toBe('Watch and the share link keep working after the download link expires.');
  });
});
