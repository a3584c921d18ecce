import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { readCommandText } from '../../functions/core/grammar/command-text.js';
import { DISCORD_OPTION } from '../../bots/discord/discord-options.js';
import type { DiscordOption } from '../stack/discord-interaction.js';

/** Maps `/video` text to Discord's typed options, or returns what Discord's client would refuse. */
export function discordOptionsFromText(text: string): DiscordOption[] | string {
  let raw;
  try {
    raw = readCommandText(text);
  } catch (error) {
    return (error as Error).message;
  }
  if (typeof raw === 'string')
    return [{ name: DISCORD_OPTION.prompt, type: ApplicationCommandOptionType.String, value: raw }];
  const options: DiscordOption[] = [
    { name: DISCORD_OPTION.prompt, type: ApplicationCommandOptionType.String, value: raw.prompt },
  ];
  const string = (name: string, value: string | undefined) =>
    value !== undefined && options.push({ name, type: ApplicationCommandOptionType.String, value });
  const integer = (name: string, value: string | number | undefined, label: string): string | undefined => {
    if (value === undefined) return undefined;
    const text = String(value).trim();
    if (!/^\d+$/.test(text)) return `Discord: ${label} must be a whole number.`;
    options.push({ name, type: ApplicationCommandOptionType.Integer, value: Number(text) });
    return undefined;
  };
  string(DISCORD_OPTION.model, raw.model);
  const durationProblem = integer(DISCORD_OPTION.duration, raw.duration, 'duration');
  if (durationProblem) return durationProblem;
  string(DISCORD_OPTION.resolution, raw.resolution);
  string(DISCORD_OPTION.ratio, raw.ratio);
  string(DISCORD_OPTION.negativePrompt, raw.negativePrompt);
  const seedProblem = integer(DISCORD_OPTION.seed, raw.seed, 'seed');
  if (seedProblem) return seedProblem;
  if (raw.audio !== undefined)
    options.push({
      name: DISCORD_OPTION.audio,
      type: ApplicationCommandOptionType.Boolean,
      value: raw.audio,
    });
  string(DISCORD_OPTION.imageUrl, raw.images?.[0]);
  return options;
}
