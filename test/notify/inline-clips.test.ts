import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../local/simulator/fake-chat-api.js';
import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';

const DISCORD_CHANNEL = '200000000000000002';
let sequence = 0;
const snowflake = () => `${Date.now()}${String(++sequence).padStart(5, '0')}`;

/**
 * Clips that play in the channel (issue 16), through the emulated account: PostLink's bundle, under
 * its own role, reads the stored object from S3 and uploads it to the fake Slack and Discord APIs,
 * which keep the bytes they received.
 */
describe('the clip uploaded so it plays in the channel', () => {
  let running: StackWithFakeChat;

  beforeAll(async () => {
    running = await startStackWithFakeChat(
      { SLACK_BOT_TOKEN: 'xoxb-test-bot', DISCORD_BOT_TOKEN: 'bot-token' },
      { generationSeconds: 0 },
    );
  });
  afterAll(() => running.close());

  async function slackVideo(prompt: string): Promise<{ trigger: string; channel: string }> {
    const trigger = `inline.${++sequence}.slack`;
    const channel = `CINLINE${sequence}`;
    const body = slackCommandBody({
      text: prompt,
      triggerId: trigger,
      responseUrl: `${running.chat.url}/hooks/${trigger}`,
      channelId: channel,
    });
    await fetch(`${running.stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(running.stack.slackSigningSecret, body),
      body,
    });
    await finished(trigger);
    return { trigger, channel };
  }

  async function discordVideo(prompt: string, id = snowflake()): Promise<{ id: string; token: string }> {
    const body = JSON.stringify(
      discordInteraction({
        id,
        applicationId: running.stack.discordApplicationId,
        data: videoCommandData([{ name: 'prompt', type: 3, value: prompt }]),
      }),
    );
    await fetch(`${running.stack.url}/discord/interactions`, {
      method: 'POST',
      headers: discordHeaders(running.stack.keys.discordPrivateKey, body),
      body,
    });
    await finished(id);
    return { id, token: `token-${id}` };
  }

  async function finished(name: string): Promise<void> {
    const execution = await running.stack.workflow.list().find((e) => e.name === name)!.done;
    expect(execution.status).toBe('SUCCEEDED');
  }

  /** The clip as stored in the bucket for this execution: what every upload must carry, byte for byte. */
  async function storedClip(name: string): Promise<Buffer> {
    const { client, bucket } = running.stack.s3;
    const execution = running.stack.workflow.list().find((e) => e.name === name)!;
    const output = (
      typeof execution.output === 'string' ? JSON.parse(execution.output) : execution.output
    ) as {
      video: { key: string };
    };
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: output.video.key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  /** What PostLink logged about the delivery of this execution's clip. */
  const postLinkResult = (id: string) => {
    const line = running.functionLogs.find(
      (l) => l.fn.startsWith('PostLinkFn') && l.line.includes('PostLink done') && l.line.includes(id),
    )?.line;
    return (JSON.parse(line ?? '{}') as { result?: Record<string, unknown> }).result;
  };

  it('Slack: uploads the stored bytes to the upload URL and shares them in the channel, the prompt pinging nobody', async () => {
    const { trigger, channel } = await slackVideo('a corgi &lt;!channel&gt; &amp; friends');
    const { chat } = running;
    const ticket = chat.to('/slack/api/files.getUploadURLExternal').at(-1)!;
    const stored = await storedClip(trigger);
    expect(Number(ticket.body.length)).toBe(stored.length);
    expect(ticket.body.filename).toBe('a-corgi-channel-friends.mp4');

    const complete = chat.to('/slack/api/files.completeUploadExternal').at(-1)!;
    const fileId = (JSON.parse(complete.body.files as string) as { id: string }[])[0]!.id;
    const uploaded = chat.slackUpload(fileId)!;
    expect(uploaded.bytes!.equals(stored)).toBe(true);
    expect(complete.body.channel_id).toBe(channel);
    expect(complete.body.initial_comment).toBe(':clapper: a corgi &lt;!channel&gt; &amp; friends');
    // The Block Kit message with Share and Re-roll still replaces the progress message, above the clip.
    const final = chat.to(`/hooks/${trigger}`).at(-1)!;
    expect(JSON.stringify(final.body)).toContain('clipbay_reroll');
    expect(chat.requests.indexOf(final)).toBeLessThan(chat.requests.indexOf(ticket));
    expect(postLinkResult(trigger)).toMatchObject({ inline: 'uploaded' });
  });

  it('Slack without files:write (missing_scope): the link message stays the answer, and the log says why', async () => {
    running.chat.answer(/files\.getUploadURLExternal/, 200, { ok: false, error: 'missing_scope' }, 1);
    const before = running.chat.requests.length;
    const { trigger } = await slackVideo('a scope-less sunset');
    const after = running.chat.requests.slice(before);
    expect(after.filter((r) => r.path.includes('/slack/upload/'))).toHaveLength(0);
    expect(after.filter((r) => r.path.includes('files.completeUploadExternal'))).toHaveLength(0);
    expect(JSON.stringify(after.filter((r) => r.path.includes(`/hooks/${trigger}`)).at(-1)!.body)).toContain(
      '/v/',
    );
    expect(postLinkResult(trigger)).toMatchObject({ inline: 'link', fallback: 'missing-scope' });
    expect(postLinkResult(trigger)!.fallbackDetail).toContain('files:write');
  });

  it('Discord: edits @original with the stored bytes attached (payload_json + files[0]), no raw link', async () => {
    const { id, token } = await discordVideo('a lighthouse at dawn');
    const final = running.chat
      .to(`/webhooks/${running.stack.discordApplicationId}/${token}/messages/@original`)
      .at(-1)!;
    expect(final.method).toBe('PATCH');
    expect(final.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(final.body.attachments).toEqual([{ id: 0, filename: 'a-lighthouse-at-dawn.mp4' }]);
    expect(final.files).toHaveLength(1);
    expect(final.files[0]!.field).toBe('files[0]');
    expect(final.files[0]!.bytes!.equals(await storedClip(id))).toBe(true);
    expect(final.body.content).not.toContain('http');
    expect(JSON.stringify(final.body.embeds)).toContain('/v/');
    expect(postLinkResult(id)).toMatchObject({ inline: 'uploaded' });
  });

  it('Discord refusing the attachment (413, then 400 code 40005): the link message instead, reason too-large', async () => {
    for (const [status, code] of [
      [413, 0],
      [400, 40005],
    ] as const) {
      const id = snowflake();
      const refused = { message: 'Request entity too large', code };
      running.chat.answer(new RegExp(`PATCH .*token-${id}/messages/@original`), status, refused, 1);
      const before = running.chat.requests.length;
      await discordVideo('a clip too big to attach', id);
      const edits = running.chat.requests
        .slice(before)
        .filter((r) => r.path.includes(`token-${id}/messages`));
      expect(edits).toHaveLength(2); // the refused attachment, then the link message
      expect(edits[0]!.files).toHaveLength(1);
      expect(edits[1]!.files).toHaveLength(0);
      expect(edits[1]!.body.content).toMatch(/\nhttp/); // today's message: the link in the content
      expect(postLinkResult(id)).toMatchObject({ inline: 'link', fallback: 'too-large' });
    }
  });

  it('Discord with an expired interaction token: the bot posts to the channel with the clip attached', async () => {
    const id = snowflake();
    running.chat.answer(new RegExp(`PATCH .*/webhooks/.*/token-${id}/`), 404, {
      message: 'Unknown Webhook',
      code: 10015,
    });
    await discordVideo('a late train', id);
    const posts: ChatRequest[] = running.chat.requests.filter(
      (r) => r.method === 'POST' && r.path === `/discord/api/v10/channels/${DISCORD_CHANNEL}/messages`,
    );
    const post = posts.at(-1)!;
    expect(post.headers.authorization).toBe('Bot bot-token');
    expect(post.files[0]!.bytes!.equals(await storedClip(id))).toBe(true);
    expect(postLinkResult(id)).toMatchObject({ inline: 'uploaded' });
  });
});
