import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackViewProblems } from '../../local/simulator/slack-view-limits.js';
import { slackHeaders } from '../../local/stack/request-signing.js';
import { slackCommandBody, slackViewSubmission } from '../../local/stack/slack-command.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';

interface SentView {
  callback_id: string;
  private_metadata: string;
  blocks: {
    block_id: string;
    element?: { options?: { value: string }[]; option_groups?: { options: { value: string }[] }[] };
  }[];
}

/**
 * `/video` with no text opens the form (issue 26), through the emulated account: the Slack
 * ingress calls views.open on the fake Slack API, which refuses any view over Slack's documented
 * limits; choosing a model rebuilds it with that family's choices (views.update); a submission
 * starts the run as the command would, or comes back with inline errors.
 */
describe('the /video form (Slack modal, emulated account)', () => {
  let running: StackWithFakeChat;
  let n = 0;

  beforeAll(async () => {
    // Long enough that the first poll finds it running, however slow the machine: the run's
    // messages go to the channel with the bot token only once its progress was posted there.
    running = await startStackWithFakeChat({ SLACK_BOT_TOKEN: 'xoxb-form-test' }, { generationSeconds: 4 });
  }, 120_000);
  afterAll(() => running?.close());

  const post = (body: string) =>
    fetch(`${running.stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(running.stack.slackSigningSecret, body),
      body,
    });
  const interaction = async (payload: Record<string, unknown>) => {
    const response = await post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const viewsSent = (method: 'views.open' | 'views.update') =>
    running.chat.to(`/slack/api/${method}`).map((r) => JSON.parse(String(r.body.view)) as SentView);
  const options = (view: SentView, block: string) =>
    view.blocks.find((b) => b.block_id === block)!.element!.options!.map((o) => o.value);
  const submission = (trigger: string, view: SentView, values: Record<string, string>) =>
    slackViewSubmission({
      triggerId: trigger,
      user: { id: 'UFORM', name: 'ana' },
      view: {
        id: 'V00000001',
        hash: '1.hash',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
      },
      values: {
        prompt: { prompt: { type: 'plain_text_input', value: values.prompt } },
        model: { clipbay_model: { type: 'static_select', selected_option: { value: values.model } } },
        duration: { duration: { type: 'static_select', selected_option: { value: values.duration } } },
        resolution: { resolution: { type: 'static_select', selected_option: { value: values.resolution } } },
        ratio: { ratio: { type: 'static_select', selected_option: { value: values.ratio } } },
        seed: { seed: { type: 'plain_text_input', value: null } },
        image: { image: { type: 'url_text_input', value: null } },
      },
    });

  async function openForm() {
    const trigger = `form.${++n}.x`;
    const response = await post(
      slackCommandBody({
        text: '',
        triggerId: trigger,
        responseUrl: `${running.chat.url}/hooks/${trigger}`,
        channelId: 'C-form',
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    const opened = running.chat.to('/slack/api/views.open').at(-1)!;
    expect(opened.body.trigger_id).toBe(trigger);
    return { trigger, view: JSON.parse(String(opened.body.view)) as SentView };
  }

  it('opens with views.open and the command’s trigger_id: callback_id clipbay_video, within Slack’s limits, the default family’s choices', async () => {
    const { view, trigger } = await openForm();
    expect(view.callback_id).toBe('clipbay_video');
    expect(slackViewProblems(view as never)).toEqual([]);
    expect(JSON.parse(view.private_metadata)).toEqual({
      channelId: 'C-form',
      responseUrl: `${running.chat.url}/hooks/${trigger}`,
      workspaceId: 'T1',
    });
    // The model select, grouped by family; Veo 3.1's durations, resolutions and ratios.
    const model = view.blocks.find((b) => b.block_id === 'model')!.element!.option_groups!;
    expect(model.flatMap((g) => g.options.map((o) => o.value))).toContain('seedance-1-0-pro');
    expect(options(view, 'duration')).toEqual(['4', '6', '8']);
    expect(options(view, 'ratio')).toEqual(['16:9', '9:16']);
    expect(view.blocks.map((b) => b.block_id)).toContain('audio');
    expect(running.stack.workflow.list().some((e) => e.name === trigger)).toBe(false);
  });

  it('choosing another model rebuilds the form with that family’s choices (views.update)', async () => {
    const { view } = await openForm();
    const before = viewsSent('views.update').length;
    const answer = await interaction({
      type: 'block_actions',
      trigger_id: `form.${++n}.change`,
      team: { id: 'T1', domain: 'acme' },
      user: { id: 'UFORM', username: 'ana', name: 'ana', team_id: 'T1' },
      api_app_id: 'A1',
      token: 'deprecated',
      container: { type: 'view', view_id: 'V00000001' },
      view: {
        id: 'V00000001',
        hash: '1.hash',
        type: 'modal',
        callback_id: 'clipbay_video',
        private_metadata: view.private_metadata,
        state: { values: {} },
      },
      actions: [
        {
          type: 'static_select',
          action_id: 'clipbay_model',
          block_id: 'model',
          selected_option: {
            value: 'seedance-1-0-pro',
            text: { type: 'plain_text', text: 'seedance-1-0-pro' },
          },
          action_ts: '1',
        },
      ],
    });
    expect(answer.status).toBe(200);
    const updates = viewsSent('views.update');
    expect(updates.length).toBe(before + 1);
    const updated = updates.at(-1)!;
    expect(options(updated, 'duration')).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect(options(updated, 'ratio')).toContain('21:9');
    expect(updated.blocks.map((b) => b.block_id)).not.toContain('audio'); // Seedance makes no sound
    expect(slackViewProblems(updated as never)).toEqual([]);
  });

  it('a submission the validator refuses comes back as inline errors on its field, and starts nothing', async () => {
    const { view } = await openForm();
    const trigger = `form.${++n}.bad`;
    const answer = await interaction(
      submission(trigger, view, {
        prompt: 'a kite',
        model: 'veo-3.1-generate-preview',
        duration: '12',
        resolution: '720p',
        ratio: '16:9',
      }),
    );
    expect(answer).toEqual({
      status: 200,
      body: {
        response_action: 'errors',
        errors: { duration: 'Duration 12 s is not available for Veo 3.1: use 4, 6, 8 seconds.' },
      },
    });
    expect(running.stack.workflow.list().some((e) => e.name === trigger)).toBe(false);
  });

  it('a valid submission starts the run as the command would, answered in the command’s channel', async () => {
    const { view, trigger: command } = await openForm();
    const trigger = `form.${++n}.ok`;
    const answer = await interaction(
      submission(trigger, view, {
        prompt: 'a kite over a beach',
        model: 'seedance-1-0-pro',
        duration: '4',
        resolution: '480p',
        ratio: '21:9',
      }),
    );
    expect(answer).toEqual({ status: 200, body: {} }); // the form closes
    const execution = running.stack.workflow.list().find((e) => e.name === trigger)!;
    const done = await execution.done;
    expect(done.status).toBe('SUCCEEDED');
    // The queued message went to the command's response_url; the run's own messages to the same
    // channel (with the bot token: chat.postMessage, then chat.update in place).
    const hooks = running.chat.to(`/hooks/${command}`).map((r) => JSON.stringify(r.body));
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toContain('a kite over a beach');
    const inChannel = running.chat.requests
      .filter((r) => /chat\.(postMessage|update)$/.test(r.path) && r.body.channel === 'C-form')
      .map((r) => JSON.stringify(r.body));
    expect(inChannel.some((m) => m.includes('Your video is ready'))).toBe(true);
    const submitted = running.stack.simulator!.submits().at(-1)!.body;
    expect(submitted).toMatchObject({
      model: 'seedance-1-0-pro',
      prompt: 'a kite over a beach',
      duration: 4,
      metadata: { ratio: '21:9' },
    });
  });
});
