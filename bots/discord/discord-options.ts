import * as z from 'zod';
import { Problems } from '../../functions/core/request/problems.js';
import {
  COMMAND_KEYWORDS,
  HISTORY_ALL,
  questionOf,
  type CommandPhrase,
  type ParsedCommand,
  type RawVideoOptions,
} from '../../functions/core/request/video-request.js';
import {
  validateVideoRequest,
  type ValidateOptions,
} from '../../functions/core/request/validate-video-request.js';

/** The option names of the Discord `/video` command; the command definition uses the same. */
export const DISCORD_OPTION = {
  prompt: 'prompt',
  model: 'model',
  duration: 'duration',
  resolution: 'resolution',
  ratio: 'ratio',
  negativePrompt: 'negative_prompt',
  seed: 'seed',
  audio: 'audio',
  image: 'image',
  imageUrl: 'image_url',
} as const;

const optionSchema = z.object({
  name: z.string(),
  type: z.number().int(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** Autocomplete only: the option the user is typing in. */
  focused: z.boolean().optional(),
});

const attachmentSchema = z.object({
  id: z.string(),
  url: z.string(),
  content_type: z.string().optional(),
  filename: z.string().optional(),
});

/** The part of an APPLICATION_COMMAND interaction's `data` that the mapper reads. */
export const discordCommandDataSchema = z.object({
  name: z.string(),
  options: z.array(optionSchema).default([]),
  resolved: z.object({ attachments: z.record(z.string(), attachmentSchema).optional() }).optional(),
});

export type DiscordCommandData = z.input<typeof discordCommandDataSchema>;

/**
 * Maps Discord's typed options to the same `ParsedCommand` the Slack parser produces: one
 * validator, one request builder behind both platforms.
 */
export function parseDiscordOptions(data: DiscordCommandData, options: ValidateOptions): ParsedCommand {
  const { options: given, resolved } = discordCommandDataSchema.parse(data);
  const value = (name: string) => given.find((o) => o.name === name)?.value;
  const text = (name: string) => {
    const v = value(name);
    return v === undefined ? undefined : String(v);
  };

  const prompt = text(DISCORD_OPTION.prompt) ?? '';
  const keyword = prompt.trim().toLowerCase();
  if (keyword === '') return { kind: 'help' };
  const question = (COMMAND_KEYWORDS as readonly string[]).includes(keyword) || keyword === HISTORY_ALL;
  if (question) return questionOf(keyword.replace(/\s+/g, ' ') as CommandPhrase);

  const problems = new Problems();
  const images: string[] = [];
  const attachmentId = text(DISCORD_OPTION.image);
  if (attachmentId !== undefined) {
    const attachment = resolved?.attachments?.[attachmentId];
    if (!attachment) problems.add('The attached image could not be read; attach it again.');
    else if (attachment.content_type && !attachment.content_type.startsWith('image/'))
      problems.add(`The attachment must be an image (got ${attachment.content_type}).`);
    else images.push(attachment.url);
  }
  const imageUrl = text(DISCORD_OPTION.imageUrl);
  if (imageUrl !== undefined) images.push(imageUrl);
  problems.throwIfAny();

  const audio = value(DISCORD_OPTION.audio);
  const raw: RawVideoOptions = {
    prompt,
    model: text(DISCORD_OPTION.model),
    duration: text(DISCORD_OPTION.duration),
    resolution: text(DISCORD_OPTION.resolution),
    ratio: text(DISCORD_OPTION.ratio),
    negativePrompt: text(DISCORD_OPTION.negativePrompt),
    seed: text(DISCORD_OPTION.seed),
    audio: typeof audio === 'boolean' ? audio : undefined,
    images,
  };
  return { kind: 'video', request: validateVideoRequest(raw, options) };
}
