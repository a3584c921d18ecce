import { describe, expect, it } from 'vitest';
import { autocompleteChoices } from '../../bots/discord/discord-autocomplete.js';
import { DISCORD_LIMITS } from '../../bots/discord/discord-limits.js';
import { videoCommand } from '../../bots/discord/video-command.js';
import { UsageError } from '../../functions/core/errors.js';
import { helpText, modelsText } from '../../functions/core/grammar/help-text.js';
import { DEFAULT_MODEL, MODEL_FAMILIES, type ModelFamily } from '../../functions/core/models/families.js';
import { buildSubmitBody } from '../../functions/core/request/build-submit-body.js';
import { validateVideoRequest } from '../../functions/core/request/validate-video-request.js';

/** A family that exists only in this test: everything that describes families must pick it up. */
const KITE: ModelFamily = {
  id: 'kite',
  label: 'Kite 2',
  idPrefix: 'kite',
  idPattern: /^kite/i,
  models: ['kite-2-pro', 'kite-2-turbo'],
  fields: {
    duration: 'duration',
    resolution: 'resolution',
    ratio: { at: 'top', name: 'aspect_ratio' },
    image: { name: 'image', many: false },
    negativePrompt: false,
    seed: true,
    audio: true,
  },
  durations: { kind: 'tiers', values: [5, 10] },
  defaultDuration: 5,
  resolutions: ['540p', '720p'],
  defaultResolution: '540p',
  resolutionCase: 'lower',
  ratios: ['1:1', '21:9'],
  defaultRatio: '1:1',
  maxPromptLength: 500,
};
const FAMILIES = [...MODEL_FAMILIES, KITE];

describe('the model family table is the one place a family is described', () => {
  it('a family added to the table appears in help and the model list', () => {
    expect(modelsText(DEFAULT_MODEL, FAMILIES)).toContain('Kite 2: `kite-2-pro`, `kite-2-turbo`');
    expect(modelsText(DEFAULT_MODEL, FAMILIES)).toContain(
      'any id starting with veo, seedance, happyhorse or kite',
    );
    expect(modelsText(DEFAULT_MODEL, FAMILIES)).toContain(
      'duration 5, 10 s (default 5) · resolution 540p/720p',
    );
    expect(helpText(DEFAULT_MODEL, FAMILIES)).toContain('sound (Veo 3.1 or Kite 2)');
    expect(helpText(DEFAULT_MODEL, FAMILIES)).toContain('--resolution 480p|540p|720p|1080p');
  });

  it('a family added to the table appears in the Discord command and its autocomplete', () => {
    const command = videoCommand(FAMILIES);
    const duration = command.options!.find((option) => option.name === 'duration')!;
    expect(duration.description).toContain('Kite 2: 5, 10');
    expect(duration.description.length).toBeLessThanOrEqual(DISCORD_LIMITS.optionDescription);
    const model = command.options!.find((option) => option.name === 'model') as {
      choices?: { value: string }[];
    };
    expect(model.choices!.map((choice) => choice.value)).toEqual(
      expect.arrayContaining(['kite-2-pro', 'kite-2-turbo']),
    );
    const typing = (options: { name: string; type: number; value: string; focused?: boolean }[]) =>
      autocompleteChoices({ name: 'video', options }, DEFAULT_MODEL, FAMILIES);
    expect(typing([{ name: 'model', type: 3, value: 'kite', focused: true }])).toEqual([
      { name: 'kite-2-pro (Kite 2)', value: 'kite-2-pro' },
      { name: 'kite-2-turbo (Kite 2)', value: 'kite-2-turbo' },
    ]);
    expect(
      typing([
        { name: 'model', type: 3, value: 'kite-2-pro' },
        { name: 'ratio', type: 3, value: '', focused: true },
      ]),
    ).toEqual([
      { name: '1:1', value: '1:1' },
      { name: '21:9', value: '21:9' },
    ]);
  });

  it('a family added to the table is validated by its own rules and built into its own body', () => {
    const request = validateVideoRequest(
      { prompt: 'a kite over a beach', model: 'kite-2-pro', duration: '10', ratio: '21:9' },
      { defaultModel: DEFAULT_MODEL, families: FAMILIES },
    );
    expect(request).toMatchObject({ family: 'kite', duration: 10, resolution: '540p', ratio: '21:9' });
    expect(buildSubmitBody(request, FAMILIES)).toEqual({
      model: 'kite-2-pro',
      prompt: 'a kite over a beach',
      duration: 10,
      resolution: '540p',
      aspect_ratio: '21:9',
    });
    expect(() =>
      validateVideoRequest(
        { prompt: 'a kite', model: 'kite-2-pro', duration: '8', negativePrompt: 'rain' },
        { defaultModel: DEFAULT_MODEL, families: FAMILIES },
      ),
    ).toThrow(
      /Duration 8 s is not available for Kite 2: use 5, 10 seconds[\s\S]*Kite 2 does not take a negative prompt/,
    );
    // Without the family in the table, the same id is unknown, and the message lists the table's prefixes.
    expect(() =>
      validateVideoRequest({ prompt: 'a kite', model: 'kite-2-pro' }, { defaultModel: DEFAULT_MODEL }),
    ).toThrow(
      new UsageError(
        'Unknown model "kite-2-pro". Model ids start with veo, seedance or happyhorse; see /video models for the list.',
      ),
    );
  });
});

describe('Discord autocomplete', () => {
  const typing = (options: { name: string; type: number; value: string | number; focused?: boolean }[]) =>
    autocompleteChoices({ name: 'video', options }, DEFAULT_MODEL);

  it('offers an unlisted id a family claims as typed, before the listed ones', () => {
    expect(typing([{ name: 'model', type: 3, value: 'veo-3.1-lite', focused: true }])).toEqual([
      { name: 'veo-3.1-lite', value: 'veo-3.1-lite' },
    ]);
    expect(typing([{ name: 'model', type: 3, value: 'pika', focused: true }])).toEqual([]);
  });

  it('never offers more than Discord takes (25), even for a 2–30 s range', () => {
    const wide: ModelFamily = { ...KITE, durations: { kind: 'range', min: 1, max: 60 } };
    const choices = autocompleteChoices(
      { name: 'video', options: [{ name: 'duration', type: 4, value: '', focused: true }] },
      'kite-2-pro',
      [wide],
    );
    expect(choices).toHaveLength(DISCORD_LIMITS.choices);
    expect(choices[0]).toEqual({ name: '1 s', value: 1 });
  });

  it('offers nothing when no option is focused', () => {
    expect(typing([{ name: 'model', type: 3, value: 'veo' }])).toEqual([]);
  });
});
