import { describe, expect, it } from 'vitest';
import { parseDiscordOptions, type DiscordCommandData } from '../../bots/discord/discord-options.js';
import { decodeSlackText } from '../../bots/slack/slack-escapes.js';
import { UsageError } from '../../functions/core/errors.js';
import { parseCommandText } from '../../functions/core/grammar/command-text.js';
import type { ParsedCommand } from '../../functions/core/request/video-request.js';
import { discordOptionsFromText } from '../../local/playground/discord-options-from-text.js';
import { videoCommandData } from '../../local/stack/discord-interaction.js';
import { defaults } from '../helpers/grammar-outcome.js';
import { BAD_INPUTS } from '../reliability/bad-input-corpus.js';

/** The first line of what the user is told: the UsageError's message, or the help text's. */
function answer(parse: () => ParsedCommand): string {
  try {
    const parsed = parse();
    return parsed.kind === 'help' ? 'Make a video from a prompt:' : `parsed as ${parsed.kind}`;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return error.message;
  }
}

/**
 * The bad-input corpus of docs/RELIABILITY.md, in process: the same parsing the Slack and Discord
 * ingress functions do, without the HTTP around it (test/reliability/bad-input.test.ts sends each
 * case through the deployed path). Quick enough for the mutation runs, which cannot see the bundles.
 */
describe('the bad-input corpus, parsed in process', () => {
  it.each(BAD_INPUTS.map((c) => [c.name, c] as const))('Slack: %s', (_name, bad) => {
    expect(answer(() => parseCommandText(decodeSlackText(bad.text), defaults))).toBe(bad.message);
  });

  it.each(BAD_INPUTS.filter((c) => !c.slackOnly).map((c) => [c.name, c] as const))(
    'Discord: %s',
    (_name, bad) => {
      const options = discordOptionsFromText(bad.text);
      if (typeof options === 'string') throw new Error(`the Discord client could not send this: ${options}`);
      const data = videoCommandData(options) as unknown as DiscordCommandData;
      expect(answer(() => parseDiscordOptions(data, defaults))).toBe(bad.message);
    },
  );
});
