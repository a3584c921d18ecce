/**
 * The model families TokenBay serves, as data, and the one place a family is described: the
 * request schema, the validator, `/video help` and `/video models`, the configuration check of
 * DEFAULT_MODEL, the request builder and the Discord command (its option descriptions and its
 * autocomplete) all read this table. To support a new model id, add it to `models`; to support a
 * new family, add an entry. An id that is not listed but matches `idPattern` is accepted and
 * passed through, and TokenBay's own error message reaches the user if it rejects a value.
 *
 * Field names and allowed values follow the families' own public APIs (Google's Veo 3.1,
 * ByteDance's Seedance, Alibaba's HappyHorse), since TokenBay's pages do not list them per model:
 * they are defaults to offer, and TokenBay's answer is the authority.
 */

/** Where a request field goes in the submit body, per family. */
export interface FamilyFields {
  /** `duration` or `seconds`. */
  duration: 'duration' | 'seconds';
  /** `resolution` or `size`. */
  resolution: 'resolution' | 'size';
  /** `aspect_ratio` at the top level, or a key inside `metadata`. */
  ratio: { at: 'top'; name: 'aspect_ratio' } | { at: 'metadata'; name: string };
  /** The field for first-frame images: a single string field or an array field. */
  image: { name: 'image' | 'images' | 'input_reference'; many: boolean };
  /** Field for the last frame, if the family supports first+last frame. */
  lastFrame?: 'last_frame_image';
  /** Field for reference images, if supported. */
  references?: 'reference_images';
  negativePrompt: boolean;
  seed: boolean;
  audio: boolean;
}

export type DurationRule =
  { kind: 'tiers'; values: readonly number[] } | { kind: 'range'; min: number; max: number };

export interface ModelFamily {
  /** Stable id, carried in every request (lower case letters, digits and dashes). */
  id: string;
  label: string;
  /** How the family's model ids start, as users are told ("ids start with veo, …"). */
  idPrefix: string;
  idPattern: RegExp;
  /** Known model ids, the first one is the family's suggested default. */
  models: readonly string[];
  fields: FamilyFields;
  durations: DurationRule;
  defaultDuration: number;
  /** Resolutions as users type them (lower case); `resolutionCase` says how TokenBay wants them. */
  resolutions: readonly string[];
  defaultResolution: string;
  resolutionCase: 'lower' | 'upper';
  ratios: readonly string[];
  defaultRatio: string;
  /** Longest prompt accepted, in characters. */
  maxPromptLength: number;
  /** Model ids that are editing tasks (longer deadline). */
  editPattern?: RegExp;
  /** Reference images are only accepted at this duration (Veo 3.1: 8 s). */
  referencesNeedDuration?: number;
}

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  {
    id: 'veo',
    label: 'Veo 3.1',
    idPrefix: 'veo',
    idPattern: /^veo/i,
    models: ['veo-3.1-generate-preview', 'veo-3.1-fast-generate-preview'],
    fields: {
      duration: 'seconds',
      resolution: 'resolution',
      ratio: { at: 'top', name: 'aspect_ratio' },
      image: { name: 'image', many: false },
      lastFrame: 'last_frame_image',
      references: 'reference_images',
      negativePrompt: true,
      seed: true,
      audio: true,
    },
    durations: { kind: 'tiers', values: [4, 6, 8] },
    defaultDuration: 8,
    resolutions: ['720p', '1080p'],
    defaultResolution: '720p',
    resolutionCase: 'lower',
    ratios: ['16:9', '9:16'],
    defaultRatio: '16:9',
    maxPromptLength: 2000,
    referencesNeedDuration: 8,
  },
  {
    id: 'seedance',
    label: 'Seedance',
    idPrefix: 'seedance',
    idPattern: /^(doubao-)?seedance/i,
    models: ['seedance-1-0-pro', 'seedance-1-0-lite'],
    fields: {
      duration: 'duration',
      resolution: 'resolution',
      ratio: { at: 'metadata', name: 'ratio' },
      image: { name: 'image', many: false },
      lastFrame: 'last_frame_image',
      negativePrompt: false,
      seed: true,
      audio: false,
    },
    durations: { kind: 'range', min: 2, max: 12 },
    defaultDuration: 5,
    resolutions: ['480p', '720p', '1080p'],
    defaultResolution: '720p',
    resolutionCase: 'lower',
    ratios: ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'],
    defaultRatio: '16:9',
    maxPromptLength: 2000,
  },
  {
    id: 'happyhorse',
    label: 'HappyHorse',
    idPrefix: 'happyhorse',
    idPattern: /^happyhorse/i,
    models: ['happyhorse-1.0-t2v', 'happyhorse-1.0-i2v', 'happyhorse-1.0-r2v', 'happyhorse-1.0-video-edit'],
    fields: {
      duration: 'duration',
      resolution: 'size',
      ratio: { at: 'metadata', name: 'ratio' },
      image: { name: 'images', many: true },
      references: 'reference_images',
      negativePrompt: true,
      seed: true,
      audio: false,
    },
    durations: { kind: 'range', min: 3, max: 15 },
    defaultDuration: 5,
    resolutions: ['720p', '1080p'],
    defaultResolution: '720p',
    resolutionCase: 'upper',
    ratios: ['16:9', '9:16', '1:1', '4:3', '3:4'],
    defaultRatio: '16:9',
    maxPromptLength: 2000,
    editPattern: /-video-edit$/i,
  },
];

export const DEFAULT_MODEL = 'veo-3.1-generate-preview';

/** The family a model id belongs to, by pattern; undefined when no family claims it. */
export function familyOf(
  model: string,
  families: readonly ModelFamily[] = MODEL_FAMILIES,
): ModelFamily | undefined {
  return families.find((family) => family.idPattern.test(model));
}

/** Whether a model id names an editing task, which gets the longer deadline. */
export function isEditModel(model: string, families: readonly ModelFamily[] = MODEL_FAMILIES): boolean {
  return familyOf(model, families)?.editPattern?.test(model) ?? false;
}

export function describeDurations(rule: DurationRule): string {
  return rule.kind === 'tiers' ? rule.values.join(', ') : `${rule.min} to ${rule.max}`;
}

/** Every duration a family takes, in order (a range, spelled out). */
export function durationsOf(rule: DurationRule): number[] {
  if (rule.kind === 'tiers') return [...rule.values];
  return Array.from({ length: rule.max - rule.min + 1 }, (_, i) => rule.min + i);
}

/** "a, b or c": for the words users read. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** How model ids start, for messages: "veo, seedance or happyhorse". */
export function idPrefixesText(families: readonly ModelFamily[] = MODEL_FAMILIES): string {
  return orList(families.map((family) => family.idPrefix));
}

/** The labels of the families that have a field ("Veo 3.1"), for messages. */
export function labelsWith(
  field: 'audio' | 'negativePrompt',
  families: readonly ModelFamily[] = MODEL_FAMILIES,
): string {
  return orList(families.filter((family) => family.fields[field]).map((family) => family.label));
}
