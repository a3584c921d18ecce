import { SlashCommandBuilder } from '@discordjs/builders';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { DISCORD_OPTION } from './discord-options.js';
import { MODEL_FAMILIES } from '../../functions/core/models/families.js';

const unique = (values: readonly string[]) => [...new Set(values)];
const choices = (values: readonly string[]) => values.map((value) => ({ name: value, value }));

/** Discord allows 25 choices per option; the family table stays well under. */
const MODELS = MODEL_FAMILIES.flatMap((family) => family.models).slice(0, 25);
const RATIOS = unique(MODEL_FAMILIES.flatMap((family) => family.ratios));
const RESOLUTIONS = unique(MODEL_FAMILIES.flatMap((family) => family.resolutions));
const MIN_DURATION = Math.min(
  ...MODEL_FAMILIES.map((f) =>
    f.durations.kind === 'range' ? f.durations.min : Math.min(...f.durations.values),
  ),
);
const MAX_DURATION = Math.max(
  ...MODEL_FAMILIES.map((f) =>
    f.durations.kind === 'range' ? f.durations.max : Math.max(...f.durations.values),
  ),
);

/**
 * The `/video` command as Discord shows it. Option names match the shared grammar's
 * (`DISCORD_OPTION`); choices come from the family table, and the shared validator still checks
 * each value against the chosen model. `prompt: help`, `prompt: models` and `prompt: usage` answer
 * privately.
 */
export function videoCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
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
        .setDescription('Which model (default Veo 3.1)')
        .addChoices(...choices(MODELS)),
    )
    .addIntegerOption((o) =>
      o
        .setName(DISCORD_OPTION.duration)
        .setDescription('Seconds (Veo: 4, 6, 8)')
        .setMinValue(MIN_DURATION)
        .setMaxValue(MAX_DURATION),
    )
    .addStringOption((o) =>
      o
        .setName(DISCORD_OPTION.resolution)
        .setDescription('Resolution')
        .addChoices(...choices(RESOLUTIONS)),
    )
    .addStringOption((o) =>
      o
        .setName(DISCORD_OPTION.ratio)
        .setDescription('Aspect ratio')
        .addChoices(...choices(RATIOS)),
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
    .addBooleanOption((o) => o.setName(DISCORD_OPTION.audio).setDescription('Generate sound (Veo 3.1)'))
    .addAttachmentOption((o) => o.setName(DISCORD_OPTION.image).setDescription('First frame image'))
    .addStringOption((o) =>
      o.setName(DISCORD_OPTION.imageUrl).setDescription('First frame image, as an https link'),
    )
    .toJSON();
}
