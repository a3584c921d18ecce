import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotifyError } from '../../functions/core/errors.js';
import { SlackNotifier } from '../../functions/core/notify/slack-notifier.js';
import type { ReplyTarget } from '../../functions/core/workflow/execution-state.js';
import { FakeChatServer } from '../helpers/fake-chat-server.js';
import { failure, finished, progress } from '../helpers/message-fixtures.js';

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
});
