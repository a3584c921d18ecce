import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotifyError } from '../../functions/core/errors.js';
import { CHAT_TIMEOUT_MS } from '../../functions/core/notify/chat-timeout.js';
import { DiscordNotifier } from '../../bots/discord/discord-notifier.js';
import type { Notifier } from '../../functions/core/notify/notifier.js';
import { SlackNotifier } from '../../bots/slack/slack-notifier.js';
import type { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { checkStatusStep } from '../../functions/core/workflow/check-status-step.js';
import type { ReplyTarget } from '../../functions/core/chat/reply-target.js';
import { manualClock } from '../helpers/clock.js';
import { discordTarget, request, runningTask } from '../helpers/message-fixtures.js';
import { startStallingServer, type StallingServer } from './stalling-server.js';

const clock = manualClock();

const running = runningTask({ model: 'veo-3.1-generate-preview' });
const tokenBay = { get: async () => running } as unknown as TokenBayClient;

function event(replyTo: ReplyTarget) {
  return {
    id: 'exec-1',
    request: request('a fox'),
    replyTo,
    requestedBy: { id: 'U0ASKER', name: 'ana' },
    requestedAt: clock.now() - 60_000,
    task: { taskId: 'task-1', clipId: 'AbCdEfGhIjKlMnOpQrStUv', submittedAt: clock.now() - 50_000 },
    status: {
      outcome: 'running',
      rawStatus: 'IN_PROGRESS',
      progress: 20,
      action: 'generate',
      polls: 3,
      messageId: '1.000100',
    },
  };
}

/** Runs one CheckStatus against `notifier`; returns what it answered, what it was told and how long. */
async function poll(notifier: Notifier, replyTo: ReplyTarget, progressTimeoutMs?: number) {
  const errors: unknown[] = [];
  const started = Date.now();
  const result = await checkStatusStep(
    {
      tokenBay,
      notifier,
      generationTimeoutSeconds: 300,
      editTimeoutSeconds: 600,
      clock,
      onNotifyError: (error) => errors.push(error),
      ...(progressTimeoutMs === undefined ? {} : { progressTimeoutMs }),
    },
    event(replyTo),
  );
  return { result, errors, ms: Date.now() - started };
}

describe('CheckStatus with a chat API that never answers', () => {
  let server: StallingServer;
  beforeAll(async () => {
    server = await startStallingServer('hang');
  });
  afterAll(() => server.close());

  it('gives a progress update at most 5 s by default', () => {
    expect(CHAT_TIMEOUT_MS).toBeLessThanOrEqual(5000);
  });

  it.each([
    [
      'Slack (chat.update)',
      () => new SlackNotifier({ apiUrl: `${server.url}/api/`, botToken: 'xoxb-test', timeoutMs: 150 }),
      (): ReplyTarget => ({ platform: 'slack', responseUrl: `${server.url}/hooks/1`, channelId: 'C1' }),
    ],
    [
      'Discord (webhook edit)',
      () => new DiscordNotifier({ apiBase: `${server.url}/api`, botToken: 'bot', timeoutMs: 150 }),
      () => discordTarget('tok'),
    ],
  ])('%s: the request is aborted and the step still returns running', async (_name, notifier, target) => {
    const { result, errors, ms } = await poll(notifier(), target());
    expect(ms).toBeLessThan(2000);
    expect(result).toMatchObject({ outcome: 'running', progress: 40, polls: 4, messageId: '1.000100' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(NotifyError);
  });

  it('stops waiting for a notifier that never settles', async () => {
    const never: Notifier = {
      progress: () => new Promise(() => {}),
      finished: async () => ({ inline: 'link', reason: 'inline-off' }),
      failed: async () => {},
    };
    const target: ReplyTarget = { platform: 'slack', responseUrl: `${server.url}/hooks/1`, channelId: 'C1' };
    const { result, errors, ms } = await poll(never, target, 100);
    expect(ms).toBeLessThan(2000);
    expect(result.outcome).toBe('running');
    expect((errors[0] as Error).message).toBe('The progress update took longer than 100 ms.');
  });
});
