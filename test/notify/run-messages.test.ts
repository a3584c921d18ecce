import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiscordNotifier } from '../../bots/discord/discord-notifier.js';
import { SlackNotifier } from '../../bots/slack/slack-notifier.js';
import type { ReplyTarget } from '../../functions/core/chat/reply-target.js';
import type { ClipSource, FinishedVideo } from '../../functions/core/notify/notifier.js';
import {
  runMessagesIn,
  type RunMessages,
  type RunMessageStore,
} from '../../functions/core/notify/run-messages.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { discordRequester, discordTarget, failure, finished, progress } from '../helpers/message-fixtures.js';

/**
 * The record of each run's message, as the ledger keeps it (test/usage/usage-ledger.test.ts runs
 * the ledger's side against DynamoDB; test/reliability/deployed-faults.test.ts, both together).
 */
function recordInMemory(): RunMessageStore & { rows: Map<string, string> } {
  const rows = new Map<string, string>();
  return {
    rows,
    runMessage: (run) => Promise.resolve(rows.get(run)),
    recordRunMessage: (run, messageId) => {
      rows.set(run, messageId);
      return Promise.resolve();
    },
  };
}

const unexpected = (error: unknown) => {
  throw error;
};

const clipOf = (bytes: Buffer): ClipSource => ({
  filename: 'a-fox.mp4',
  contentType: 'video/mp4',
  bytes: bytes.length,
  open: () => Promise.resolve(new Blob([bytes]).stream()),
});

describe("a step retried after its environment died posts the run's message once", () => {
  let chat: FakeChatServer;
  let store: ReturnType<typeof recordInMemory>;
  let runMessages: RunMessages;

  beforeEach(async () => {
    chat = new FakeChatServer();
    await chat.start();
    store = recordInMemory();
    runMessages = runMessagesIn(store, unexpected);
  });
  afterEach(() => chat.stop());

  describe('Slack, with a bot token', () => {
    const target = (): ReplyTarget => ({
      platform: 'slack',
      responseUrl: `${chat.url}/hooks/1`,
      channelId: 'C1',
    });
    const slack = () => new SlackNotifier({ apiUrl: `${chat.url}/api/`, botToken: 'xoxb-test', runMessages });

    it('the first progress is posted and recorded; its retry, which lost the id, updates that message', async () => {
      const ts = await slack().progress(target(), progress('a fox'));
      expect(store.rows.get('exec-progress')).toBe(ts);
      // The retried CheckStatus starts from the state before the lost attempt: no message id.
      expect(await slack().progress(target(), progress('a fox'))).toBe(ts);
      expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage', '/api/chat.update']);
      expect(chat.requests[1]!.body).toMatchObject({ channel: 'C1', ts });
    });

    it('a final message that names no message (RunEnded) replaces the recorded one, not the command', async () => {
      store.rows.set('exec-another-run', '9.000100');
      const ts = await slack().progress(target(), { ...progress('a fox'), executionId: 'exec-told-late' });
      await slack().failed(target(), { ...failure('a fox'), reference: 'exec-told-late' });
      expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage', '/api/chat.update']);
      expect(chat.requests[1]!.body).toMatchObject({ ts });
      expect(JSON.stringify(chat.requests[1]!.body)).toContain('exec-told-late');
    });

    it('a recorded message Slack will not update (deleted) leaves the answer to the response_url', async () => {
      store.rows.set(failure('a fox').reference, '1.000100');
      chat.answer(/POST \/api\/chat\.update/, 200, { ok: false, error: 'message_not_found' });
      await slack().failed(target(), failure('a fox'));
      expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.update', '/hooks/1']);
    });

    it('without a bot token, the record is not read: the response_url answers', async () => {
      const reads: string[] = [];
      const counted = runMessagesIn(
        { ...store, runMessage: (run) => (reads.push(run), store.runMessage(run)) },
        unexpected,
      );
      store.rows.set(failure('a fox').reference, '1.000100');
      const noBot = new SlackNotifier({
        apiUrl: `${chat.url}/api/`,
        botToken: undefined,
        runMessages: counted,
      });
      await noBot.progress(target(), progress('a fox'));
      await noBot.failed(target(), failure('a fox'));
      expect({ reads, paths: chat.requests.map((r) => r.path) }).toEqual({
        reads: [],
        paths: ['/hooks/1', '/hooks/1'],
      });
    });

    it('the final message posted anew when the response_url is gone is posted once', async () => {
      chat.answer(/POST \/hooks\/gone/, 404, { ok: false }, 2);
      const gone = { ...target(), responseUrl: `${chat.url}/hooks/gone` };
      await slack().failed(gone, failure('a fox'));
      await slack().failed(gone, failure('a fox'));
      expect(chat.requests.map((r) => r.path)).toEqual([
        '/hooks/gone',
        '/api/chat.postMessage',
        '/api/chat.update',
      ]);
    });
  });

  describe('Discord, once the interaction token has expired', () => {
    const target = discordTarget('tok-expired');
    const discord = () =>
      new DiscordNotifier({ apiBase: `${chat.url}/api`, botToken: 'bot-token', runMessages });
    const channel = '/api/v10/channels/200000000000000002/messages';
    const calls = () =>
      chat.requests.map((r) => `${r.method} ${r.path.replace(/messages\/\d+$/, 'messages/ID')}`);
    beforeEach(() => chat.answer(/PATCH .*\/webhooks\//, 401, { message: '401: Unauthorized', code: 0 }));

    it('a failure posted to the channel is posted once; the retry edits it', async () => {
      await discord().failed(target, failure('a fox', discordRequester), '@original');
      const recorded = store.rows.get(failure('a fox').reference);
      expect(recorded).toMatch(/^channel:\d+$/);
      await discord().failed(target, failure('a fox', discordRequester), '@original');
      expect(calls()).toEqual([
        'PATCH /api/v10/webhooks/100000000000000001/tok-expired/messages/@original',
        `POST ${channel}`,
        'PATCH /api/v10/webhooks/100000000000000001/tok-expired/messages/@original',
        `PATCH ${channel}/ID`,
      ]);
      expect(chat.requests.at(-1)!.path).toBe(`${channel}/${recorded!.slice('channel:'.length)}`);
    });

    it('a recorded channel message that is gone (deleted) is posted anew, and the new one recorded', async () => {
      const run = failure('a fox').reference;
      store.rows.set(run, 'channel:900000000000000009');
      chat.answer(/PATCH .*\/channels\/\d+\/messages\/900000000000000009/, 404, {
        message: 'Unknown Message',
        code: 10008,
      });
      await discord().failed(target, failure('a fox', discordRequester), '@original');
      expect(calls()).toEqual([
        'PATCH /api/v10/webhooks/100000000000000001/tok-expired/messages/@original',
        `PATCH ${channel}/ID`,
        `POST ${channel}`,
      ]);
      expect(store.rows.get(run)).toMatch(/^channel:\d+$/);
      expect(store.rows.get(run)).not.toBe('channel:900000000000000009');
    });

    it('the clip attached in a channel post is posted once; the retry edits that post', async () => {
      const video: FinishedVideo = {
        ...finished('a fox', discordRequester),
        clip: clipOf(Buffer.from('mp4')),
      };
      expect(await discord().finished(target, video, '@original')).toEqual({ inline: 'uploaded' });
      expect(await discord().finished(target, video, '@original')).toEqual({ inline: 'uploaded' });
      expect(calls()).toEqual([
        'PATCH /api/v10/webhooks/100000000000000001/tok-expired/messages/@original',
        `POST ${channel}`,
        'PATCH /api/v10/webhooks/100000000000000001/tok-expired/messages/@original',
        `PATCH ${channel}/ID`,
      ]);
      expect(store.rows.get(video.executionId)).toMatch(/^channel:\d+$/);
    });
  });

  it('a record that cannot be read or written never stops the message: it is posted, and the error reported', async () => {
    const reported: string[] = [];
    const broken: RunMessageStore = {
      runMessage: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
      recordRunMessage: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
    };
    const slack = new SlackNotifier({
      apiUrl: `${chat.url}/api/`,
      botToken: 'xoxb-test',
      runMessages: runMessagesIn(broken, (error, action) =>
        reported.push(`${action}: ${(error as Error).message}`),
      ),
    });
    const ts = await slack.progress(
      { platform: 'slack', responseUrl: `${chat.url}/hooks/1`, channelId: 'C1' },
      progress('a fox'),
    );
    expect(ts).toEqual(expect.any(String));
    expect(chat.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage']);
    expect(reported).toEqual([
      'read: ProvisionedThroughputExceededException',
      'write: ProvisionedThroughputExceededException',
    ]);
  });
});
