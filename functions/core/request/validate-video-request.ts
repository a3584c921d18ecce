import { UsageError } from '../errors.js';
import {
  describeDurations,
  familyOf,
  idPrefixesText,
  labelsWith,
  MODEL_FAMILIES,
  type ModelFamily,
} from '../models/families.js';
import { Problems } from './problems.js';
import { imageUrlProblem, normalizeLink, textProblem } from './text-checks.js';
import { videoRequestSchemaFor, type RawVideoOptions, type VideoRequest } from './video-request.js';

export interface ValidateOptions {
  /** Used when the command names no model. */
  defaultModel: string;
  /** The family table (the deployed one unless a test brings its own). */
  families?: readonly ModelFamily[];
  /**
   * The platform's own file hosts (`host[:port]`): clipbay copies an image from there itself and
   * TokenBay never fetches it, so such a link may point anywhere (a local stand-in's address).
   */
  copiedImageHosts?: readonly string[];
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;
const MAX_SEED = 4_294_967_295;
const MAX_NEGATIVE_PROMPT = 1000;
const MAX_REFERENCES = 3;

/**
 * The one validator for both platforms: turns what a parser collected into a `VideoRequest`, or
 * throws a `UsageError` that lists every problem in words the user can act on.
 */
export function validateVideoRequest(raw: RawVideoOptions, options: ValidateOptions): VideoRequest {
  const model = raw.model?.trim() || options.defaultModel;
  if (!MODEL_ID.test(model))
    throw new UsageError(`"${model.slice(0, 40)}" is not a model id. See /video models.`);
  const families = options.families ?? MODEL_FAMILIES;
  const family = familyOf(model, families);
  if (!family)
    throw new UsageError(
      `Unknown model "${model}". Model ids start with ${idPrefixesText(families)}; see /video models for the list.`,
    );

  const problems = new Problems();

  problems.add(textProblem('prompt', raw.prompt, family.maxPromptLength));
  const duration = readDuration(raw.duration, family, problems);
  const resolution = readChoice(
    'resolution',
    raw.resolution?.trim().toLowerCase(),
    family.resolutions,
    family,
    problems,
  );
  const ratio = readChoice('ratio', raw.ratio?.replace(/\s/g, ''), family.ratios, family, problems);

  let negativePrompt: string | undefined;
  if (raw.negativePrompt !== undefined) {
    if (!family.fields.negativePrompt)
      problems.add(`${family.label} does not take a negative prompt; drop --negative.`);
    else {
      problems.add(textProblem('negative prompt', raw.negativePrompt, MAX_NEGATIVE_PROMPT));
      negativePrompt = raw.negativePrompt.trim();
    }
  }

  const seed = readSeed(raw.seed, problems);

  if (raw.audio === true && !family.fields.audio)
    problems.add(
      `${family.label} does not generate audio; drop --audio or pick a ${labelsWith('audio', families)} model.`,
    );
  const audio = family.fields.audio ? raw.audio : undefined;

  // Links are checked and sent in the URL parser's form: the form that was checked is the one sent.
  const images = (raw.images ?? []).map(normalizeLink);
  images.forEach((url) => problems.add(imageUrlProblem('image link', url, options.copiedImageHosts)));
  if (images.length > 1 && !family.fields.image.many)
    problems.add(`${family.label} takes one first-frame image; you gave ${images.length}.`);

  const lastFrame = raw.lastFrame === undefined ? undefined : normalizeLink(raw.lastFrame);
  if (lastFrame !== undefined) {
    if (!family.fields.lastFrame)
      problems.add(`${family.label} does not take a last-frame image; drop --last-frame.`);
    else {
      problems.add(imageUrlProblem('last-frame link', lastFrame));
      if (images.length === 0) problems.add('A last frame needs a first frame too: add --image URL.');
    }
  }

  const references = (raw.references ?? []).map(normalizeLink);
  if (references.length > 0) {
    if (!family.fields.references)
      problems.add(`${family.label} does not take reference images; drop --ref.`);
    else {
      references.forEach((url) => problems.add(imageUrlProblem('reference image link', url)));
      if (references.length > MAX_REFERENCES)
        problems.add(`At most ${MAX_REFERENCES} reference images; you gave ${references.length}.`);
      if (family.referencesNeedDuration !== undefined && duration !== family.referencesNeedDuration)
        problems.add(
          `${family.label} uses reference images only at --duration ${family.referencesNeedDuration}.`,
        );
    }
  }

  problems.throwIfAny();

  return videoRequestSchemaFor(families).parse({
    prompt: raw.prompt.trim(),
    model,
    family: family.id,
    duration,
    resolution,
    ratio,
    negativePrompt,
    seed,
    audio,
    images,
    lastFrame,
    references,
  });
}

function readDuration(value: string | number | undefined, family: ModelFamily, problems: Problems): number {
  if (value === undefined) return family.defaultDuration;
  const text = String(value).trim().replace(/s$/i, '');
  const seconds = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  const allowed = describeDurations(family.durations);
  if (!Number.isInteger(seconds)) {
    problems.add(`Duration "${value}" is not a whole number of seconds; ${family.label} takes ${allowed}.`);
    return family.defaultDuration;
  }
  const rule = family.durations;
  const ok =
    rule.kind === 'tiers' ? rule.values.includes(seconds) : seconds >= rule.min && seconds <= rule.max;
  if (!ok)
    problems.add(`Duration ${seconds} s is not available for ${family.label}: use ${allowed} seconds.`);
  return seconds;
}

function readChoice(
  label: 'resolution' | 'ratio',
  value: string | undefined,
  allowed: readonly string[],
  family: ModelFamily,
  problems: Problems,
): string {
  const fallback = label === 'resolution' ? family.defaultResolution : family.defaultRatio;
  // A Discord option of only spaces means nothing was chosen.
  if (value === undefined || value === '') return fallback;
  if (!allowed.includes(value)) {
    problems.add(
      `${label === 'resolution' ? 'Resolution' : 'Ratio'} "${value}" is not available for ${family.label}: use ${allowed.join(', ')}.`,
    );
    return fallback;
  }
  return value;
}

function readSeed(value: string | number | undefined, problems: Problems): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const seed = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(seed) || seed > MAX_SEED) {
    problems.add(`Seed "${String(value).slice(0, 20)}" must be a whole number from 0 to ${MAX_SEED}.`);
    return undefined;
  }
  return seed;
}
