import { describe, expect, it } from 'vitest';
import { formErrors, readVideoForm, videoForm } from '../../bots/slack/slack-video-form.js';
import { MODEL_FAMILIES } from '../../functions/core/models/families.js';
import { slackViewProblems } from '../../local/simulator/slack-view-limits.js';

const metadata = {
  channelId: 'C0123456789',
  // A real response_url is about 100 characters; private_metadata holds 3,000.
  responseUrl: `https://hooks.slack.com/commands/T0123456/${'1'.repeat(13)}/${'a'.repeat(24)}`,
  workspaceId: 'T0123456',
};

describe('the /video form fits Slack’s documented limits with the real family table', () => {
  it.each(MODEL_FAMILIES.flatMap((family) => family.models))('with %s chosen', (model) => {
    const view = videoForm(metadata, model);
    expect(slackViewProblems(view as never)).toEqual([]);
    expect(JSON.parse(view.private_metadata!)).toEqual(metadata);
  });

  it('a family with more durations than a select takes is cut to 100 options, never refused', () => {
    const wide = { ...MODEL_FAMILIES[0]!, durations: { kind: 'range' as const, min: 1, max: 300 } };
    expect(slackViewProblems(videoForm(metadata, 'veo-3.1-generate-preview', [wide]) as never)).toEqual([]);
  });

  it('reads the form’s state as the command’s options, and puts each problem on its field', () => {
    expect(
      readVideoForm({
        prompt: { prompt: { value: 'a heron' } },
        model: { clipbay_model: { selected_option: { value: 'veo-3.1-generate-preview' } } },
        duration: { duration: { selected_option: { value: '6' } } },
        audio: { audio: { selected_options: [{ value: 'on' }] } },
        image: { image: { value: ' https://example.com/a.png ' } },
        seed: { seed: { value: '' } },
      }),
    ).toEqual({
      prompt: 'a heron',
      model: 'veo-3.1-generate-preview',
      duration: '6',
      resolution: undefined,
      ratio: undefined,
      negativePrompt: undefined,
      seed: undefined,
      audio: true,
      images: ['https://example.com/a.png'],
    });
    const blocks = ['prompt', 'model', 'duration', 'seed', 'image'];
    expect(
      formErrors(
        'Please fix:\n• Seed "x" must be a whole number from 0 to 4294967295.\n• The prompt is empty.',
        blocks,
      ),
    ).toEqual({
      seed: 'Seed "x" must be a whole number from 0 to 4294967295.',
      prompt: 'The prompt is empty.',
    });
  });
});
