import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import * as z from 'zod';
import {
  durationsOf,
  familyOf,
  MODEL_FAMILIES,
  type ModelFamily,
} from '../../functions/core/models/families.js';
import { PROBLEMS_HEADING } from '../../functions/core/request/problems.js';
import type { RawVideoOptions } from '../../functions/core/request/video-request.js';

/**
 * Slack's documented limits for a modal (docs.slack.dev/reference/views/modal-views and the
 * Block Kit element pages): what the form is built to fit, and what the test fake enforces.
 */
export const SLACK_MODAL_LIMITS = {
  title: 24,
  submit: 24,
  blocks: 100,
  privateMetadata: 3000,
  callbackId: 255,
  /** Options in a static select, and option groups. */
  options: 100,
  optionGroups: 100,
  optionText: 75,
  optionValue: 150,
  label: 2000,
  placeholder: 150,
  textInputMaxLength: 3000,
} as const;

/** The form `/video` opens with no text, and the ids its blocks and actions carry. */
export const VIDEO_FORM = {
  callbackId: 'clipbay_video',
  /** The model select: choosing another family updates the form (views.update). */
  modelAction: 'clipbay_model',
  block: {
    prompt: 'prompt',
    model: 'model',
    duration: 'duration',
    resolution: 'resolution',
    ratio: 'ratio',
    negative: 'negative',
    seed: 'seed',
    audio: 'audio',
    image: 'image',
  },
} as const;
type BlockId = (typeof VIDEO_FORM.block)[keyof typeof VIDEO_FORM.block];

/** Where the run answers: the command's channel and response_url, carried in private_metadata. */
export const formMetadataSchema = z.object({
  channelId: z.string().min(1),
  responseUrl: z.string().url(),
  workspaceId: z.string().min(1).optional(),
  /** Animate: the message's image (its private URL), the first frame the form starts with. */
  imageUrl: z.string().url().optional(),
});
export type FormMetadata = z.infer<typeof formMetadataSchema>;

const text = (value: string) => ({ type: 'plain_text' as const, text: value });
const option = (label: string, value: string): PlainTextOption => ({
  text: text(label.slice(0, SLACK_MODAL_LIMITS.optionText)),
  value,
});

/** A select block of a field, its options the chosen family's, its first the family's default. */
function select(
  blockId: BlockId,
  label: string,
  values: readonly string[],
  initial: string,
  format: (value: string) => string = (value) => value,
): KnownBlock {
  const options = values.slice(0, SLACK_MODAL_LIMITS.options).map((value) => option(format(value), value));
  return {
    type: 'input',
    block_id: blockId,
    label: text(label),
    element: {
      type: 'static_select',
      action_id: blockId,
      options,
      initial_option: options.find((o) => o.value === initial) ?? options[0],
    },
  };
}

function textInput(
  blockId: BlockId,
  label: string,
  placeholder: string,
  multiline = false,
  maxLength?: number,
) {
  return {
    type: 'input' as const,
    block_id: blockId,
    optional: blockId !== VIDEO_FORM.block.prompt,
    label: text(label),
    element: {
      type: 'plain_text_input' as const,
      action_id: blockId,
      multiline,
      placeholder: text(placeholder),
      ...(maxLength ? { max_length: maxLength } : {}),
    },
  };
}

/**
 * The `/video` form as a modal view: the prompt, the model (grouped by family), and the duration,
 * resolution and ratio the chosen model's family takes, then what it supports of negative prompt,
 * seed, audio and a first-frame image. Choosing another model rebuilds it (same block and action
 * ids, so Slack keeps what was typed).
 */
export function videoForm(
  metadata: FormMetadata,
  model: string,
  families: readonly ModelFamily[] = MODEL_FAMILIES,
): ModalView {
  const family = familyOf(model, families) ?? families[0]!;
  const groups = families.slice(0, SLACK_MODAL_LIMITS.optionGroups).map((f) => ({
    label: text(f.label.slice(0, SLACK_MODAL_LIMITS.optionText)),
    options: f.models.slice(0, SLACK_MODAL_LIMITS.options).map((m) => option(m, m)),
  }));
  const chosen = groups.flatMap((g) => g.options).find((o) => o.value === model);
  const blocks: KnownBlock[] = [
    textInput(
      VIDEO_FORM.block.prompt,
      'What the video shows',
      'a corgi surfing at sunset',
      true,
      family.maxPromptLength,
    ),
    {
      type: 'input',
      block_id: VIDEO_FORM.block.model,
      dispatch_action: true,
      label: text('Model'),
      element: {
        type: 'static_select',
        action_id: VIDEO_FORM.modelAction,
        option_groups: groups,
        ...(chosen ? { initial_option: chosen } : {}),
      },
    },
    select(
      VIDEO_FORM.block.duration,
      `Duration (${family.label})`,
      durationsOf(family.durations).map(String),
      String(family.defaultDuration),
      (seconds) => `${seconds} s`,
    ),
    select(VIDEO_FORM.block.resolution, 'Resolution', family.resolutions, family.defaultResolution),
    select(VIDEO_FORM.block.ratio, 'Aspect ratio', family.ratios, family.defaultRatio),
  ];
  if (family.fields.negativePrompt)
    blocks.push(textInput(VIDEO_FORM.block.negative, 'What to avoid', 'blurry, text', false, 1000));
  if (family.fields.seed)
    blocks.push(textInput(VIDEO_FORM.block.seed, 'Seed', 'a whole number, for repeatable results'));
  if (family.fields.audio)
    blocks.push({
      type: 'input',
      block_id: VIDEO_FORM.block.audio,
      optional: true,
      label: text('Sound'),
      element: {
        type: 'checkboxes',
        action_id: VIDEO_FORM.block.audio,
        options: [option('Generate sound', 'on')],
      },
    });
  blocks.push({
    type: 'input',
    block_id: VIDEO_FORM.block.image,
    optional: true,
    label: text(metadata.imageUrl ? 'First frame (the message’s image)' : 'First frame (an image link)'),
    element: {
      type: 'url_text_input',
      action_id: VIDEO_FORM.block.image,
      ...(metadata.imageUrl ? { initial_value: metadata.imageUrl } : {}),
    },
  });
  return {
    type: 'modal',
    callback_id: VIDEO_FORM.callbackId,
    title: text(metadata.imageUrl ? 'Animate this image' : 'Make a video'),
    submit: text('Make it'),
    close: text('Cancel'),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

/** What Slack sends back of the form: `view.state.values[block][action]`. */
export const formStateSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      value: z.string().nullish(),
      selected_option: z.object({ value: z.string() }).nullish(),
      selected_options: z.array(z.object({ value: z.string() })).nullish(),
    }),
  ),
);
export type FormState = z.infer<typeof formStateSchema>;

/** The chosen model in a form's state (what the model select holds now). */
export function formModel(state: FormState): string | undefined {
  return state[VIDEO_FORM.block.model]?.[VIDEO_FORM.modelAction]?.selected_option?.value;
}

/** The form's values as the command's options, for the one validator. */
export function readVideoForm(state: FormState): RawVideoOptions {
  const field = (block: BlockId) => state[block]?.[block];
  const typed = (block: BlockId) => field(block)?.value?.trim() || undefined;
  const picked = (block: BlockId) => field(block)?.selected_option?.value;
  const image = typed(VIDEO_FORM.block.image);
  const audio = state[VIDEO_FORM.block.audio];
  return {
    prompt: field(VIDEO_FORM.block.prompt)?.value ?? '',
    model: formModel(state),
    duration: picked(VIDEO_FORM.block.duration),
    resolution: picked(VIDEO_FORM.block.resolution),
    ratio: picked(VIDEO_FORM.block.ratio),
    negativePrompt: typed(VIDEO_FORM.block.negative),
    seed: typed(VIDEO_FORM.block.seed),
    audio: audio ? (field(VIDEO_FORM.block.audio)?.selected_options?.length ?? 0) > 0 : undefined,
    images: image ? [image] : [],
  };
}

/** Which block each of the validator's problems belongs to, by what it names. */
const PROBLEM_BLOCKS: [RegExp, BlockId][] = [
  [/duration/i, VIDEO_FORM.block.duration],
  [/resolution/i, VIDEO_FORM.block.resolution],
  [/ratio|vertical/i, VIDEO_FORM.block.ratio],
  [/negative/i, VIDEO_FORM.block.negative],
  [/seed/i, VIDEO_FORM.block.seed],
  [/audio|sound/i, VIDEO_FORM.block.audio],
  [/image|frame|link/i, VIDEO_FORM.block.image],
  [/model/i, VIDEO_FORM.block.model],
];

/** The validator's message as Slack's inline errors (`response_action: "errors"`), one per block. */
export function formErrors(message: string, blocks: readonly string[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const problem of message
    .split('\n')
    .map((line) => line.replace(/^[•-]\s*/, '').trim())
    .filter((line) => line !== '' && line !== PROBLEMS_HEADING)) {
    const block =
      PROBLEM_BLOCKS.find(([pattern, id]) => pattern.test(problem) && blocks.includes(id))?.[1] ??
      VIDEO_FORM.block.prompt;
    errors[block] = errors[block] ? `${errors[block]} ${problem}` : problem;
  }
  return errors;
}
