import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifyError, NotifyRejectedError } from '../../functions/core/errors.js';
import { RESPONSE_URL_ONLY, SlackNotifier } from '../../bots/slack/slack-notifier.js';
import type { ReplyTarget } from '../../functions/core/chat/reply-target.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { failure, finished, presignedUrl, progress } from '../helpers/message-fixtures.js';
import { startStallingServer } from './stalling-server.js';

describe('SlackNotifier', () => {
  let chat: FakeChatServer;
  let target: ReplyTarget;

  beforeEach(async () => {
    chat = new FakeChatServer();
    await chat.start();
    target = { platform: 'slack', responseUrl: `${chat.url}/hooks/1`, channelId: 'C1' };
  });
  afterEach(() => chat.stop());

  it('with a bot token: posts progress once, then updates that one message in place', async () => {
    const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: 'xoxb-test' });
    const ts = await slack.progress(target, progress('a fox'));
    const again = await slack.progress(
      target,
      { ...progress('a fox'), progress: 70, previous: { progress: 35, status: 'IN_PROGRESS' } },
      ts,
    );
    await slack.finished(target, finished('a fox'), again);
    expect(chat.requests.map((r) => r.path)).toEqual([
      '/api/chat.postMessage',
      '/api/chat.update',
      '/api/chat.update',
    ]);
    expect(chat.requests[1]!.body).toMatchObject({ channel: 'C1', ts });
    expect(chat.requests[0]!.headers.authorization).toBe('Bearer xoxb-test');
  });

  it('without a bot token: uses response_url, and posts progress only at milestones (5-post limit)', async () => {
    const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: undefined });
    const steps = [
      { progress: 0, status: 'QUEUED' },
      { progress: 10, status: 'IN_PROGRESS' },
      { progress: 20, status: 'IN_PROGRESS' },
      { progress: 55, status: 'IN_PROGRESS' },
      { progress: 80, status: 'IN_PROGRESS' },
      { progress: 95, status: 'IN_PROGRESS' },
    ];
    let previous: { progress: number; status: string } | undefined;
    for (const step of steps) {
      await slack.progress(target, { ...progress('a fox'), ...step, previous });
      previous = step;
    }
    await slack.finished(target, finished('a fox'));
    const posts = chat.to('/hooks/1');
    expect(posts).toHaveLength(4); // queued, started, half way, final
    expect(
      posts.every((p) => p.body.replace_original === true && p.body.response_type === 'in_channel'),
    ).toBe(true);
  });

  it('falls back to chat.postMessage when the response_url is gone (404)', async () => {
    chat.answer(/POST \/hooks\/1/, 404, { ok: false });
    const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: 'xoxb-test' });
    await slack.failed(target, failure('a fox'));
    expect(chat.requests.map((r) => r.path)).toEqual(['/hooks/1', '/api/chat.postMessage']);
    expect(chat.requests[1]!.body).toMatchObject({ channel: 'C1' });
  });

  it('raises NotifyError (which the state machine retries) when Slack is down', async () => {
    chat.answer(/POST \/hooks\/1/, 503, {});
    const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: undefined });
    await expect(slack.finished(target, finished('a fox'))).rejects.toBeInstanceOf(NotifyError);
  });

  it.each([
    [400, 'NotifyRejectedError', { ok: false, error: 'invalid_blocks' }],
    [429, 'NotifyError', {}],
    [500, 'NotifyError', {}],
  ])('a %i from the response_url is a %s', async (status, name, body) => {
    chat.answer(/POST \/hooks\/1/, status, body);
    const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: undefined });
    const error = await slack.failed(target, failure('a fox')).catch((e: unknown) => e);
    expect((error as Error).name).toBe(name);
    expect(error).toBeInstanceOf(name === 'NotifyError' ? NotifyError : NotifyRejectedError);
  });

  it.each([
    ['invalid_blocks', 'NotifyRejectedError'],
    ['msg_too_long', 'NotifyRejectedError'],
    ['invalid_auth', 'NotifyRejectedError'],
    ['internal_error', 'NotifyError'],
    ['service_unavailable', 'NotifyError'],
  ])('ok:false %s from the Web API is a %s', async (code, name) => {
    chat.answer(/POST \/api\/chat\.update/, 200, { ok: false, error: code });
    const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: 'xoxb-test' });
    const error = await slack.failed(target, failure('a fox'), '1.000100').catch((e: unknown) => e);
    expect((error as Error).name).toBe(name);
    expect((error as Error).message).toContain(code);
    expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.update']);
  });

  it('sends the reduced finished message once when Slack refuses the full one', async () => {
    chat.answer(/POST \/api\/chat\.update/, 200, { ok: false, error: 'invalid_blocks' }, 1);
    const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: 'xoxb-test' });
    const video = { ...finished('a fox <!here>'), link: presignedUrl(1900) };
    await slack.finished(target, video, '1.000100');
    expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.update', '/api/chat.update']);
    const reduced = chat.requests[1]!.body as { text: string; blocks: string };
    expect(reduced.text).toBe(
      `:movie_camera: Your video is ready, <@U0ASKER>: “a fox &lt;!here&gt;” <${video.shareLink}|Watch>`,
    );
    expect(JSON.parse(reduced.blocks)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: reduced.text } },
    ]);
    expect(JSON.stringify(reduced)).not.toContain('X-Amz-');
  });

  it('sends the reduced finished message through the response_url too', async () => {
    chat.answer(/POST \/hooks\/1/, 400, { ok: false, error: 'invalid_blocks' }, 1);
    const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: undefined });
    await slack.finished(target, finished('a fox'));
    const posts = chat.to('/hooks/1');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body.text).toContain('|Watch>');
  });

  describe('a channel the bot has not joined (private channel, DM)', () => {
    it.each(['not_in_channel', 'channel_not_found'])(
      '%s: the rest of the execution answers through the response_url',
      async (code) => {
        chat.answer(/POST \/api\/chat\.postMessage/, 200, { ok: false, error: code });
        const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: 'xoxb-test' });
        const first = await slack.progress(target, progress('a fox'));
        expect(first).toBe(RESPONSE_URL_ONLY);
        const steps = [
          { progress: 10, status: 'IN_PROGRESS', previous: { progress: 35, status: 'IN_PROGRESS' } },
          { progress: 60, status: 'IN_PROGRESS', previous: { progress: 10, status: 'IN_PROGRESS' } },
        ];
        let id = first;
        for (const step of steps) id = await slack.progress(target, { ...progress('a fox'), ...step }, id);
        expect(id).toBe(RESPONSE_URL_ONLY);
        await slack.finished(target, finished('a fox'), id);
        expect(chat.requests.map((r) => r.path)).toEqual([
          '/api/chat.postMessage', // refused: the bot token is not used again
          '/hooks/1', // first progress
          '/hooks/1', // half way (the 10 % step is the same milestone as the first)
          '/hooks/1', // the clip
        ]);
        expect(chat.requests[3]!.body).toMatchObject({ response_type: 'in_channel', replace_original: true });
      },
    );

    it('a final update refused with channel_not_found goes to the response_url', async () => {
      chat.answer(/POST \/api\/chat\.update/, 200, { ok: false, error: 'channel_not_found' });
      const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: 'xoxb-test' });
      await slack.failed(target, failure('a fox'), '1.000100');
      expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.update', '/hooks/1']);
    });

    it('with the response_url gone too, says what to do (invite the bot) and is not retried', async () => {
      chat.answer(/POST \/hooks\/1/, 404, {});
      chat.answer(/POST \/api\/chat\.postMessage/, 200, { ok: false, error: 'channel_not_found' });
      const slack = new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: 'xoxb-test' });
      const error = await slack.failed(target, failure('a fox')).catch((e: unknown) => e);
      expect((error as Error).name).toBe('NotifyRejectedError');
      expect((error as Error).message).toContain('/invite');
    });
  });
});

describe('SlackNotifier against a slow or rate-limited Slack', () => {
  it('aborts a Web API call or response_url post Slack does not answer within the timeout', async () => {
    const server = await startStallingServer('hang');
    try {
      const target: ReplyTarget = {
        platform: 'slack',
        responseUrl: `${server.url}/hooks/1`,
        channelId: 'C1',
      };
      for (const botToken of ['xoxb-test', undefined]) {
        const slack = new SlackNotifier({ apiUrl: `${server.url}/api/`, botToken, timeoutMs: 150 });
        const started = Date.now();
        const error = await slack.progress(target, progress('a fox')).catch((e: unknown) => e);
        expect(Date.now() - started).toBeLessThan(2000);
        expect(error).toBeInstanceOf(NotifyError);
      }
      expect(server.requests).toEqual(['POST /api/chat.postMessage', 'POST /hooks/1']);
    } finally {
      await server.close();
    }
  });

  it('throws on a 429 instead of waiting out its 30 s Retry-After', async () => {
    const server = await startStallingServer('rateLimit');
    try {
      const target: ReplyTarget = {
        platform: 'slack',
        responseUrl: `${server.url}/hooks/1`,
        channelId: 'C1',
      };
      const slack = new SlackNotifier({ apiUrl: `${server.url}/api/`, botToken: 'xoxb-test' });
      const outcome = await Promise.race([
        slack.progress(target, progress('a fox')).catch((e: unknown) => e),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1000).unref()),
      ]);
      expect(outcome).toBeInstanceOf(NotifyError);
      expect((outcome as Error).message).toContain('rate limited (429)');
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
