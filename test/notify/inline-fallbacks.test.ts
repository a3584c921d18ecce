import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordNotifier } from '../../bots/discord/discord-notifier.js';
import { RESPONSE_URL_ONLY, SlackNotifier } from '../../bots/slack/slack-notifier.js';
import type { ClipSource, FinishedVideo } from '../../functions/core/notify/notifier.js';
import type { ReplyTarget } from '../../functions/core/chat/reply-target.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { discordRequester, finished } from '../helpers/message-fixtures.js';

/** A clip of any announced size; counts how often it was opened (a refused upload must not read it). */
function clipOf(bytes: Buffer, announced = bytes.length): ClipSource & { opened: number } {
  const clip = {
    filename: 'a-fox.mp4',
    contentType: 'video/mp4' as const,
    bytes: announced,
    opened: 0,
    open: async () => {
      clip.opened++;
      return new Blob([bytes]).stream();
    },
  };
  return clip;
}

const withClip = (video: FinishedVideo, clip: ClipSource): FinishedVideo => ({ ...video, clip });

/**
 * When the clip goes out as the link message instead of an upload, and why (issue 16). The
 * end-to-end runs are in inline-clips.test.ts; these are the cases that need no stack.
 */
let chat: FakeChatServer;
beforeEach(async () => {
  chat = new FakeChatServer();
  await chat.start();
});
afterEach(() => chat.stop());

describe('Slack: the link message instead of the upload', () => {
  let target: ReplyTarget;
  beforeEach(() => {
    target = { platform: 'slack', responseUrl: `${chat.url}/hooks/1`, channelId: 'C1' };
  });

  const slack = (botToken: string | undefined) => new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken });

  it('without a bot token: the response_url cannot upload, so the link only', async () => {
    const clip = clipOf(Buffer.from('mp4'));
    const delivery = await slack(undefined).finished(target, withClip(finished('a fox'), clip));
    expect(delivery).toMatchObject({ inline: 'link', reason: 'no-bot-token' });
    expect(chat.requests.map((r) => r.path)).toEqual(['/hooks/1']);
    expect(clip.opened).toBe(0);
  });

  it('with CLIPBAY_INLINE=off (no clip handed over): the link only', async () => {
    const delivery = await slack('xoxb-test').finished(target, finished('a fox'), '1.1');
    expect(delivery).toEqual({ inline: 'link', reason: 'inline-off' });
    expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.update']);
  });

  it('a clip over Slack’s 1 GB: never asks for an upload URL', async () => {
    const clip = clipOf(Buffer.alloc(0), 1_500_000_000);
    const delivery = await slack('xoxb-test').finished(target, withClip(finished('a fox'), clip), '1.1');
    expect(delivery).toMatchObject({ inline: 'link', reason: 'too-large' });
    expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.update']);
    expect(clip.opened).toBe(0);
  });

  it('a channel the bot may not post in: the response_url answered, no upload tried', async () => {
    const delivery = await slack('xoxb-test').finished(
      target,
      withClip(finished('a fox'), clipOf(Buffer.from('mp4'))),
      RESPONSE_URL_ONLY,
    );
    expect(delivery).toMatchObject({ inline: 'link', reason: 'not-in-channel' });
    expect(chat.requests.map((r) => r.path)).toEqual(['/hooks/1']);
  });

  it('sharing refused with not_in_channel: the uploaded file is not shown, the link message is', async () => {
    chat.answer(/files\.completeUploadExternal/, 200, { ok: false, error: 'not_in_channel' });
    const clip = clipOf(Buffer.from('the clip bytes'));
    const delivery = await slack('xoxb-test').finished(target, withClip(finished('a fox'), clip), '1.1');
    expect(delivery).toMatchObject({ inline: 'link', reason: 'not-in-channel' });
    expect(chat.slackUpload('F0000000001')!.bytes!.toString()).toBe('the clip bytes');
  });

  it('the upload URL failing (500): the link message stays, the reason logged without the URL', async () => {
    chat.answer(/POST \/slack\/upload\//, 500, { error: 'boom' });
    const delivery = await slack('xoxb-test').finished(
      target,
      withClip(finished('a fox'), clipOf(Buffer.from('mp4'))),
      '1.1',
    );
    expect(delivery).toMatchObject({ inline: 'link', reason: 'upload-failed' });
    expect(JSON.stringify(delivery)).not.toContain(chat.url);
    expect(chat.to('files.completeUploadExternal')).toHaveLength(0);
  });
});

describe('Discord: the link message instead of the attachment', () => {
  const target = { platform: 'discord', channelId: '2', applicationId: '1', interactionToken: 't' } as const;

  it('a clip over 10 MiB: the link message, nothing read or attached', async () => {
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: undefined });
    const clip = clipOf(Buffer.alloc(0), 10 * 2 ** 20 + 1);
    const delivery = await discord.finished(target, withClip(finished('a fox', discordRequester), clip));
    expect(delivery).toMatchObject({ inline: 'link', reason: 'too-large' });
    expect(chat.requests).toHaveLength(1);
    expect(chat.requests[0]!.files).toHaveLength(0);
    expect(clip.opened).toBe(0);
  });

  it('a clip of exactly 10 MiB is attached', async () => {
    const discord = new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: undefined });
    const bytes = Buffer.alloc(10 * 2 ** 20, 7);
    const delivery = await discord.finished(
      target,
      withClip(finished('a fox', discordRequester), clipOf(bytes)),
    );
    expect(delivery).toEqual({ inline: 'uploaded' });
    expect(chat.requests[0]!.files[0]!.bytes!.equals(bytes)).toBe(true);
  });
});
