import { SlashCommandBuilder } from '@discordjs/builders';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { DISCORD_OPTION } from './discord-options.js';
import { DISCORD_LIMITS } from './discord-limits.js';
import {
  DEFAULT_MODEL,
  durationsOf,
  familyOf,
  labelsWith,
  MODEL_FAMILIES,
  type ModelFamily,
} from '../../functions/core/models/families.js';

/** "Seconds (Veo 3.1: 4, 6, 8 · Seedance: 2 to 12 · …)", cut to Discord's description limit. */
function durationDescription(families: readonly ModelFamily[]): string {
  const full = `Seconds (${families.map((f) => `${f.label}: ${describe(f)}`).join(' · ')})`;
  return full.length <= DISCORD_LIMITS.optionDescription
    ? full
    : 'Seconds (the model decides; you will be offered its choices)';
}
const describe = (family: ModelFamily) =>
  family.durations.kind === 'tiers'
    ? family.durations.values.join(', ')
    : `${family.durations.min}–${family.durations.max}`;

/**
 * The `/video` command as Discord shows it. Option names match the shared grammar's
 * (`DISCORD_OPTION`). Model, duration, resolution and ratio autocomplete from the family table
 * (bots/discord/discord-autocomplete.ts offers what the chosen model takes), and the shared
 * validator still checks each value against the chosen model. `prompt: help`, `prompt: models`
 * and `prompt: usage` answer privately.
 */
export function videoCommand(
  families: readonly ModelFamily[] = MODEL_FAMILIES,
  defaultModel = DEFAULT_MODEL,
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const durations = families.flatMap((family) => durationsOf(family.durations));
  const audio = labelsWith('audio', families);
  return new SlashCommandBuilder()
    .setName('video')
    .setDescription('Make a video from a prompt (prompt: help for all options, usage for your usage)')
    .addStringOption((o) =>
      o
        .setName(DISCORD_OPTION.prompt)
        .setDescription('What the video shows')
        .setRequired(true)
        .setMaxLength(2000),
    )
    .addStringOption((o) =>
      o
        .setName(DISCORD_OPTION.model)
        .setDescription(`Which model (default ${familyOf(defaultModel, families)?.label ?? defaultModel})`)
        .setAutocomplete(true),
    )
    .addIntegerOption((o) =>
      o
        .setName(DISCORD_OPTION.duration)
        .setDescription(durationDescription(families))
        .setMinValue(Math.min(...durations))
        .setMaxValue(Math.max(...durations))
        .setAutocomplete(true),
    )
    .addStringOption((o) =>
      o.setName(DISCORD_OPTION.resolution).setDescription('Resolution').setAutocomplete(true),
    )
    .addStringOption((o) =>
      o.setName(DISCORD_OPTION.ratio).setDescription('Aspect ratio').setAutocomplete(true),
    )
    .addStringOption((o) =>
      o.setName(DISCORD_OPTION.negativePrompt).setDescription('What to avoid').setMaxLength(1000),
    )
    .addIntegerOption((o) =>
      o
        .setName(DISCORD_OPTION.seed)
        .setDescription('Seed for repeatable results')
        .setMinValue(0)
        .setMaxValue(4_294_967_295),
    )
    .addBooleanOption((o) =>
      o.setName(DISCORD_OPTION.audio).setDescription(audio ? `Generate sound (${audio})` : 'Generate sound'),
    )
    .addAttachmentOption((o) => o.setName(DISCORD_OPTION.image).setDescription('First frame image'))
    .addStringOption((o) =>
      o.setName(DISCORD_OPTION.imageUrl).setDescription('First frame image, as an https link'),
    )
    .toJSON();
}
