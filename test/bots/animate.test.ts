import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeChatFiles } from '../../local/simulator/fake-chat-files.js';
import { slackViewProblems } from '../../local/simulator/slack-view-limits.js';
import { discordInteraction } from '../../local/stack/discord-interaction.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import { slackViewSubmission } from '../../local/stack/slack-command.js';
import { ledgerView } from '../helpers/ledger-view.js';
import { snowflake } from '../helpers/chat-commands.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';

const BOT_TOKEN = 'xoxb-animate-test';
/** An image as a person would share one: PNG's signature, then bytes. */
const png = (size: number) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size - 8)]);

interface SentView {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  blocks: { block_id: string; element?: { initial_value?: string } }[];
}

/**
 * "Animate" on an image already in the channel (issue 26), through the emulated account: Slack's
 * message shortcut opens the form with the message's first image, Discord's message command answers
 * with a modal; the run's Submit copies the image from the platform's file host (Slack's only with
 * the bot token) into the bucket, and TokenBay gets a presigned link to the copy, never the chat
 * URL. A message with no image is refused privately, and nothing starts or counts.
 */
describe('Animate on a message’s image (emulated account)', () => {
  let running: StackWithFakeChat;
  let files: FakeChatFiles;

  beforeAll(async () => {
    running = await startStackWithFakeChat({ SLACK_BOT_TOKEN: BOT_TOKEN }, { generationSeconds: 1 });
    files = new FakeChatFiles(running.chat);
  }, 120_000);
  afterAll(() => running?.close());

  const slackInteraction = async (payload: Record<string, unknown>) => {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const response = await fetch(`${running.stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(running.stack.slackSigningSecret, body),
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  /** Slack's message_action payload for the shortcut on a message with these files. */
  const shortcut = (trigger: string, messageFiles: Record<string, unknown>[]) => ({
    type: 'message_action',
    callback_id: 'clipbay_animate',
    trigger_id: trigger,
    response_url: `${running.chat.url}/hooks/${trigger}`,
    message_ts: '1700000000.000100',
    team: { id: 'T1', domain: 'acme' },
    channel: { id: 'C-anim', name: 'general' },
    user: { id: 'UANIM', username: 'ana', name: 'ana', team_id: 'T1' },
    message: { type: 'message', user: 'U2', ts: '1700000000.000100', text: 'look', files: messageFiles },
    token: 'deprecated',
    action_ts: '1700000001.000200',
  });
  const submission = (trigger: string, view: SentView, prompt: string, image: string) =>
    slackViewSubmission({
      triggerId: trigger,
      user: { id: 'UANIM', name: 'ana' },
      view: {
        id: 'V00000009',
        hash: '9.hash',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
      },
      values: {
        prompt: { prompt: { type: 'plain_text_input', value: prompt } },
        model: {
          clipbay_model: { type: 'static_select', selected_option: { value: 'veo-3.1-generate-preview' } },
        },
        duration: { duration: { type: 'static_select', selected_option: { value: '4' } } },
        image: { image: { type: 'url_text_input', value: image } },
      },
    });
  /** What TokenBay was sent for a run: the submit's body. */
  const submitted = (prompt: string) =>
    running.stack.simulator!.requests.find(
      (r) => r.route === 'submit' && (r.body as { prompt?: string }).prompt?.startsWith(prompt),
    )?.body as Record<string, unknown> | undefined;
  const hooks = (trigger: string) => running.chat.to(`/hooks/${trigger}`).map((r) => JSON.stringify(r.body));

  async function animateOnSlack(trigger: string, image: Buffer, prompt: string, chunked = false) {
    const url = files.share('harbor.png', image, 'image/png', `Bearer ${BOT_TOKEN}`, { chunked });
    const opened = await slackInteraction(
      shortcut(trigger, [{ id: 'F1', name: 'harbor.png', mimetype: 'image/png', url_private: url }]),
    );
    expect(opened.status).toBe(200);
    const sent = running.chat.to('/slack/api/views.open').at(-1)!;
    expect(sent.body.trigger_id).toBe(trigger);
    const view = JSON.parse(String(sent.body.view)) as SentView;
    const answer = await slackInteraction(submission(`${trigger}.submit`, view, prompt, url));
    expect(answer.status).toBe(200);
    return { url, view };
  }

  it('Slack: the shortcut opens the form with the image; the run sends TokenBay a link to a copy in the bucket', async () => {
    const image = png(48_000);
    const { url, view } = await animateOnSlack('anim.slack.1', image, 'the harbor lights flicker on');
    expect(view.callback_id).toBe('clipbay_video');
    expect(view.title.text).toBe('Animate this image');
    expect(slackViewProblems(view as never)).toEqual([]);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ channelId: 'C-anim', imageUrl: url });
    expect(view.blocks.find((b) => b.block_id === 'image')!.element!.initial_value).toBe(url);

    await running.stack.account.settle();
    const run = running.stack.workflow.list().find((e) => e.name === 'anim.slack.1.submit')!;
    expect((await run.done).status).toBe('SUCCEEDED');
    // The file was read with the bot token, once; TokenBay got a presigned link to the copy.
    const reads = running.chat.requests.filter((r) => r.method === 'GET' && url.endsWith(r.path));
    expect(reads.map((r) => r.headers.authorization)).toEqual([`Bearer ${BOT_TOKEN}`]);
    const body = submitted('the harbor lights flicker on')!;
    const link = String(body.image);
    expect(link).not.toContain('/files/');
    expect(link).toContain('/images/anim.slack.1.submit/0.png');
    expect(link).toContain('X-Amz-Signature=');
    const copy = await fetch(link);
    expect(copy.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await copy.arrayBuffer()).equals(image)).toBe(true);
    // The answer came in the message's channel, as a command's does.
    expect(hooks('anim.slack.1').some((m) => m.includes('in_channel'))).toBe(true);
  });

  it('Slack: a message with no image is refused privately; nothing opens, starts or counts', async () => {
    const before = running.stack.workflow.list().length;
    const counted = (await ledgerView(running.stack)).videosCounted('UANIM', 'day');
    const opens = running.chat.to('/slack/api/views.open').length;
    const answer = await slackInteraction(
      shortcut('anim.slack.none', [
        {
          id: 'F2',
          name: 'notes.pdf',
          mimetype: 'application/pdf',
          url_private: `${running.chat.url}/files/x/notes.pdf`,
        },
      ]),
    );
    expect(answer.status).toBe(200);
    expect(hooks('anim.slack.none')).toEqual([
      expect.stringMatching(/"response_type":"ephemeral".*That message has no image clipbay can animate/),
    ]);
    expect(running.chat.to('/slack/api/views.open')).toHaveLength(opens);
    expect(running.stack.workflow.list()).toHaveLength(before);
    expect((await ledgerView(running.stack)).videosCounted('UANIM', 'day')).toBe(counted);
  });

  it('refusals: too large, or a web page instead of the image: the run fails before TokenBay, ends cleanly, told once why', async () => {
    const countedBefore = (await ledgerView(running.stack)).videosCounted('UANIM', 'day');
    await animateOnSlack('anim.slack.big', png(10 * 2 ** 20 + 1), 'a huge harbor');
    // No Content-Length: cut off at the cap as it streams, mid multipart upload.
    await animateOnSlack('anim.slack.unsized', png(11 * 2 ** 20), 'an unsized harbor', true);
    // Shared with another token's access: Slack answers its sign-in page (HTML), as without files:read.
    const html = files.share('private.png', png(2_000), 'image/png', 'Bearer xoxb-someone-else');
    const opened = await slackInteraction(
      shortcut('anim.slack.html', [
        { id: 'F3', name: 'private.png', mimetype: 'image/png', url_private: html },
      ]),
    );
    expect(opened.status).toBe(200);
    const view = JSON.parse(String(running.chat.to('/slack/api/views.open').at(-1)!.body.view)) as SentView;
    await slackInteraction(submission('anim.slack.html.submit', view, 'a private harbor', html));
    await running.stack.account.settle();

    const ledger = await ledgerView(running.stack);
    for (const [trigger, prompt, reason] of [
      ['anim.slack.big', 'a huge harbor', /The image is over 10 MiB; clipbay passes on images up to 10 MiB/],
      [
        'anim.slack.unsized',
        'an unsized harbor',
        /The image is over 10 MiB; clipbay passes on images up to 10 MiB/,
      ],
      ['anim.slack.html', 'a private harbor', /answered with a web page instead of the image.*files:read/],
    ] as const) {
      const run = running.stack.workflow.list().find((e) => e.name === `${trigger}.submit`)!;
      await run.done;
      // Ended by the definition's own Fail state, through one ReportFailure and one settle.
      expect({ status: run.status, error: run.error }).toEqual({ status: 'FAILED', error: 'VideoFailed' });
      expect(run.statesEntered).toMatchObject({ ReportFailure: 1, SettleFailedRunUsage: 1 });
      // Told exactly once, wherever chat was reached, and never that a clip was ready.
      const bodies = running.chat.requests
        .filter(
          (r) => r.path.includes(`/hooks/${trigger}`) || JSON.stringify(r.body).includes(`${trigger}.submit`),
        )
        .map((r) => JSON.stringify(r.body));
      expect(bodies.filter((b) => reason.test(b))).toHaveLength(1);
      expect(bodies.filter((b) => b.includes(prompt) && b.includes('Download MP4'))).toEqual([]);
      // Nothing reached TokenBay; the run's row is closed.
      expect(submitted(prompt)).toBeUndefined();
      expect(ledger.run(`${trigger}.submit`)).toMatchObject({
        outcome: 'error',
        finishedAt: expect.any(Number),
      });
    }
    // No slot held, and the day's count given back (no task was created).
    expect(ledger.slotsHeld('UANIM')).toEqual([]);
    expect(ledger.videosCounted('UANIM', 'day')).toBe(countedBefore);
    // Nothing left in the bucket: no copy, no unfinished multipart upload of the large one.
    const s3 = new S3Client({ ...running.stack.account.operatorClientConfig(), forcePathStyle: true });
    try {
      const bucket = running.stack.s3.bucket;
      const objects = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'images/anim.slack.' }),
      );
      expect((objects.Contents ?? []).map((o) => o.Key)).toEqual([
        expect.stringMatching(/^images\/anim\.slack\.1\.submit\/0\.png$/),
      ]);
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'images/' }));
      expect(uploads.Uploads ?? []).toEqual([]);
    } finally {
      s3.destroy();
    }
  });

  const discordPost = async (interaction: Record<string, unknown>) => {
    const raw = JSON.stringify(interaction);
    const response = await fetch(`${running.stack.url}/discord/interactions`, {
      method: 'POST',
      headers: discordHeaders(running.stack.keys.discordPrivateKey, raw),
      body: raw,
    });
    return (await response.json()) as { type: number; data?: Record<string, unknown> };
  };
  const messageCommand = (attachments: Record<string, unknown>[]) =>
    discordInteraction({
      id: snowflake(),
      applicationId: running.stack.discordApplicationId,
      guildId: '300000000000000003',
      data: {
        id: '2',
        name: 'Animate',
        type: 3,
        target_id: '400000000000000004',
        resolved: { messages: { '400000000000000004': { id: '400000000000000004', attachments } } },
      },
    });

  it('Discord: the message command answers with a modal; its submission runs with a copy of the attachment', async () => {
    const image = png(30_000);
    const url = `${files.share('kite.png', image, 'image/png')}?ex=6a1b2c3d&is=6a1a0000&hm=${'ab'.repeat(32)}&`;
    const before = running.stack.workflow.list().length;
    const modal = await discordPost(
      messageCommand([{ id: '5', url, content_type: 'image/png', filename: 'kite.png' }]),
    );
    expect(modal.type).toBe(9);
    expect(modal.data).toMatchObject({ custom_id: 'clipbay:animate', title: 'Animate this image' });
    const fields = (
      modal.data!.components as { components: { custom_id: string; value?: string }[] }[]
    ).flatMap((row) => row.components);
    expect(fields.find((f) => f.custom_id === 'image')!.value).toBe(url);
    expect(running.stack.workflow.list()).toHaveLength(before);

    const id = snowflake();
    const deferred = await discordPost(
      discordInteraction({
        id,
        type: 5,
        applicationId: running.stack.discordApplicationId,
        guildId: '300000000000000003',
        data: {
          custom_id: 'clipbay:animate',
          components: [
            {
              type: 1,
              components: [{ type: 4, custom_id: 'prompt', value: 'the kite climbs' }],
            },
            { type: 1, components: [{ type: 4, custom_id: 'image', value: url }] },
          ],
        },
      }),
    );
    expect(deferred).toMatchObject({ type: 5 });
    await running.stack.account.settle();
    const run = running.stack.workflow.list().find((e) => e.name === id)!;
    expect((await run.done).status).toBe('SUCCEEDED');
    const link = String(submitted('the kite climbs')!.image);
    expect(link).toContain(`/images/${id}/0.png`);
    expect(Buffer.from(await (await fetch(link)).arrayBuffer()).equals(image)).toBe(true);
  });

  it('Discord: a message with no image is refused privately (flag 64); nothing starts', async () => {
    const before = running.stack.workflow.list().length;
    const answer = await discordPost(
      messageCommand([
        { id: '6', url: 'https://cdn.discordapp.com/a/b/notes.txt', content_type: 'text/plain' },
      ]),
    );
    expect(answer).toMatchObject({
      type: 4,
      data: { flags: 64, content: expect.stringContaining('That message has no image') },
    });
    expect(running.stack.workflow.list()).toHaveLength(before);
  });
});
