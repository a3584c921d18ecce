import * as z from 'zod';
import { MODEL_FAMILIES, type ModelFamily } from '../models/families.js';

/**
 * The one neutral request inside clipbay: what Slack and Discord commands both become, what the
 * state machine carries, and what the request builder turns into a TokenBay body. Validated
 * values only; `validateVideoRequest` is the only way to make one from user input.
 */
export function videoRequestSchemaFor(families: readonly ModelFamily[]) {
  return z.object({
    prompt: z.string().min(1),
    model: z.string().min(1),
    family: z.string().refine((id) => families.some((family) => family.id === id), {
      message: `must be one of the model families (${families.map((family) => family.id).join(', ')})`,
    }),
    duration: z.number().int().positive(),
    resolution: z.string().min(1),
    ratio: z.string().min(1),
    negativePrompt: z.string().optional(),
    seed: z.number().int().nonnegative().optional(),
    audio: z.boolean().optional(),
    images: z.array(z.string().url()).default([]),
    lastFrame: z.string().url().optional(),
    references: z.array(z.string().url()).default([]),
  });
}

export const videoRequestSchema = videoRequestSchemaFor(MODEL_FAMILIES);

export type VideoRequest = z.infer<typeof videoRequestSchema>;

/** What a parser collected from the user, before validation. Strings where the user typed text. */
export interface RawVideoOptions {
  prompt: string;
  model?: string | undefined;
  duration?: string | number | undefined;
  resolution?: string | undefined;
  ratio?: string | undefined;
  negativePrompt?: string | undefined;
  seed?: string | number | undefined;
  audio?: boolean | undefined;
  images?: string[] | undefined;
  lastFrame?: string | undefined;
  references?: string[] | undefined;
}

/** The words that ask clipbay something instead of making a video: `/video help` and the like. */
export const COMMAND_KEYWORDS = ['help', 'models', 'usage', 'history'] as const;
export type CommandKeyword = (typeof COMMAND_KEYWORDS)[number];
/** A keyword with its one option: `history --all`, a channel's history (clipbay admins only). */
export const HISTORY_ALL = 'history --all';
export type CommandPhrase = CommandKeyword | typeof HISTORY_ALL;

/** The result of reading a command: a video to make, or a question answered privately. */
export type ParsedCommand =
  | { kind: 'video'; request: VideoRequest }
  | { kind: 'help' }
  | { kind: 'models' }
  | { kind: 'usage' }
  /** Your last clips, or with `all` the channel's. */
  | { kind: 'history'; all: boolean };

/** A question's words as a parsed command. */
export function questionOf(phrase: CommandPhrase): Exclude<ParsedCommand, { kind: 'video' }> {
  if (phrase === 'history' || phrase === HISTORY_ALL) return { kind: 'history', all: phrase === HISTORY_ALL };
  return { kind: phrase };
}
