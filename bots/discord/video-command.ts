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

/** Every listed model, as a fixed choice (Discord shows at most 25; the table stays well under). */
function modelChoices(families: readonly ModelFamily[]) {
  return families
    .flatMap((family) => family.models)
    .slice(0, DISCORD_LIMITS.choices)
    .map((model) => ({ name: model, value: model }));
}

/**
 * The `/video` command as Discord shows it. Option names match the shared grammar's
 * (`DISCORD_OPTION`). The model is a fixed choice from the family table; duration, resolution and
 * ratio autocomplete with what the chosen model takes (bots/discord/discord-autocomplete.ts), and
 * the shared validator still checks each value against the chosen model. `prompt: help`, `prompt: models`
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
        .addChoices(...modelChoices(families)),
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
