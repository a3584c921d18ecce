import { describe, expect, it } from 'vitest';
import type { Notifier, ProgressUpdate } from '../../functions/core/notify/notifier.js';
import type { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import type { Task } from '../../functions/core/tokenbay/task.js';
import { checkStatusStep } from '../../functions/core/workflow/check-status-step.js';
import { manualClock } from '../helpers/clock.js';
import { request, runningTask } from '../helpers/message-fixtures.js';

const clock = manualClock();
const NOW = clock.now();

const task = runningTask;

const replyTo = { platform: 'slack' as const, responseUrl: 'https://hooks.slack.test/r', channelId: 'C1' };
function event(submittedSecondsAgo: number, status?: Record<string, unknown>) {
  return {
    id: 'exec-1',
    request: request('a fox'),
    replyTo,
    requestedBy: { id: 'U1', name: 'ana' },
    requestedAt: NOW - (submittedSecondsAgo + 10) * 1000,
    task: {
      taskId: 'task-1',
      clipId: 'AbCdEfGhIjKlMnOpQrStUv',
      submittedAt: NOW - submittedSecondsAgo * 1000,
    },
    ...(status ? { status } : {}),
  };
}

/** One CheckStatus poll against a task and a notifier that records what it was asked to show. */
async function poll(
  current: Task,
  e: ReturnType<typeof event>,
  answer: () => Promise<string | undefined> = async () => 'm-1',
) {
  const shown: { update: ProgressUpdate; messageId: string | undefined }[] = [];
  const errors: unknown[] = [];
  const asked: string[] = [];
  const notifier = {
    progress: (_target: unknown, update: ProgressUpdate, messageId?: string) => {
      shown.push({ update, messageId });
      return answer();
    },
  } as unknown as Notifier;
  const tokenBay = {
    get: async (id: string) => {
      asked.push(id);
      return current;
    },
  } as unknown as TokenBayClient;
  const result = await checkStatusStep(
    {
      tokenBay,
      notifier,
      generationTimeoutSeconds: 300,
      editTimeoutSeconds: 600,
      clock,
      onNotifyError: (error) => errors.push(error),
      progressTimeoutMs: 50,
    },
    e,
  );
  return { result, shown, errors, asked };
}

describe('CheckStatus', () => {
  it('polls the task once and answers ready with the result URL, counting polls', async () => {
    const { result, shown, asked } = await poll(
      task({ status: 'SUCCESS', rawStatus: 'SUCCESS', progress: 100, resultUrl: 'https://t/v.mp4' }),
      event(60, {
        outcome: 'running',
        rawStatus: 'IN_PROGRESS',
        progress: 40,
        action: 'generate',
        polls: 3,
        messageId: 'm-9',
      }),
    );
    expect(asked).toEqual(['task-1']);
    expect(result).toEqual({
      outcome: 'ready',
      rawStatus: 'SUCCESS',
      progress: 100,
      action: 'generate',
      polls: 4,
      messageId: 'm-9',
      resultUrl: 'https://t/v.mp4',
    });
    expect(shown).toEqual([]);
  });

  it('falls back to the task id when a finished task has no result URL', async () => {
    const { result } = await poll(task({ status: 'SUCCESS', rawStatus: 'SUCCESS' }), event(60));
    expect(result).toMatchObject({ outcome: 'ready', resultUrl: 'task-1', polls: 1, messageId: undefined });
  });

  it('answers failed with TokenBay’s reason, or says it gave none', async () => {
    expect((await poll(task({ status: 'FAILURE', failReason: 'flagged' }), event(60))).result).toMatchObject({
      outcome: 'failed',
      reason: 'flagged',
    });
    expect((await poll(task({ status: 'FAILURE' }), event(60))).result).toMatchObject({
      outcome: 'failed',
      reason: 'TokenBay gave no reason.',
    });
  });

  it.each([
    ['SUCCESS', 'ready'],
    ['FAILURE', 'failed'],
  ] as const)(
    '%s: passes on what the task cost when TokenBay has settled it, 0 included',
    async (status, outcome) => {
      const cost = async (quota: number | undefined) =>
        (await poll(task({ status, rawStatus: status, quota }), event(60))).result;
      expect(await cost(1250)).toMatchObject({ outcome, quota: 1250 });
      expect(await cost(0)).toMatchObject({ outcome, quota: 0 });
      // Not settled yet (absent), or a value no price can be: SettleUsage asks TokenBay again.
      expect(await cost(undefined)).not.toHaveProperty('quota');
      expect(await cost(-1)).not.toHaveProperty('quota');
    },
  );

  it('times out at the generation deadline exactly, and not a second before', async () => {
    const before = await poll(task({}), event(299));
    expect(before.result.outcome).toBe('running');
    const at = await poll(task({}), event(300));
    expect(at.result).toMatchObject({
      outcome: 'timed-out',
      reason: 'The video was not ready after 5 minutes, so clipbay stopped waiting.',
    });
    expect(at.shown).toEqual([]);
  });

  it('gives editing tasks the editing deadline', async () => {
    expect((await poll(task({ action: 'edit' }), event(599))).result.outcome).toBe('running');
    expect((await poll(task({ action: 'edit' }), event(600))).result).toMatchObject({
      outcome: 'timed-out',
      reason: 'The video was not ready after 10 minutes, so clipbay stopped waiting.',
    });
  });

  it('words deadlines that are not whole minutes in seconds, and one minute in the singular', async () => {
    const odd = async (seconds: number) => {
      const tokenBay = { get: async () => task({}) } as unknown as TokenBayClient;
      const notifier = { progress: async () => undefined } as unknown as Notifier;
      return checkStatusStep(
        { tokenBay, notifier, generationTimeoutSeconds: seconds, editTimeoutSeconds: 900, clock },
        event(1000),
      );
    };
    expect((await odd(90)).reason).toBe(
      'The video was not ready after 90 seconds, so clipbay stopped waiting.',
    );
    expect((await odd(60)).reason).toBe(
      'The video was not ready after 1 minute, so clipbay stopped waiting.',
    );
  });

  it('shows progress on the first poll, with elapsed time since the request, and keeps the message id', async () => {
    const { result, shown } = await poll(task({ progress: 40 }), event(60));
    expect(shown).toEqual([
      {
        update: {
          // The Cancel button under the progress names the run.
          executionId: 'exec-1',
          request: request('a fox'),
          requestedBy: { id: 'U1', name: 'ana' },
          progress: 40,
          status: 'IN_PROGRESS',
          elapsedSeconds: 70,
          previous: undefined,
        },
        messageId: undefined,
      },
    ]);
    expect(result).toEqual({
      outcome: 'running',
      rawStatus: 'IN_PROGRESS',
      progress: 40,
      action: 'generate',
      polls: 1,
      messageId: 'm-1',
    });
  });

  it('shows progress again only when the percentage or the status moved', async () => {
    const previous = {
      outcome: 'running',
      rawStatus: 'IN_PROGRESS',
      progress: 40,
      action: 'generate',
      polls: 2,
      messageId: 'm-1',
    };
    const same = await poll(task({ progress: 40 }), event(60, previous));
    expect(same.shown).toEqual([]);
    expect(same.result).toMatchObject({ messageId: 'm-1', polls: 3 });
    const moved = await poll(task({ progress: 41 }), event(60, previous));
    expect(moved.shown.map((s) => [s.update.previous, s.messageId])).toEqual([
      [{ progress: 40, status: 'IN_PROGRESS' }, 'm-1'],
    ]);
    const queued = await poll(
      task({ progress: 40, rawStatus: 'QUEUED', status: 'QUEUED' }),
      event(60, previous),
    );
    expect(queued.shown).toHaveLength(1);
  });

  it('keeps the old message id when the notifier returns none, and never fails on a chat error', async () => {
    const previous = {
      outcome: 'running',
      rawStatus: 'QUEUED',
      progress: 0,
      action: 'generate',
      polls: 1,
      messageId: 'm-1',
    };
    const none = await poll(task({}), event(60, previous), async () => undefined);
    expect(none.result.messageId).toBe('m-1');
    const broken = await poll(task({}), event(60, previous), async () => {
      throw new Error('chat down');
    });
    expect(broken.result).toMatchObject({ outcome: 'running', messageId: 'm-1' });
    expect(broken.errors).toEqual([new Error('chat down')]);
    const slow = await poll(task({}), event(60, previous), () => new Promise(() => undefined));
    expect(slow.result).toMatchObject({ outcome: 'running', messageId: 'm-1' });
    expect(slow.errors).toMatchObject([
      { name: 'NotifyError', message: 'The progress update took longer than 50 ms.' },
    ]);
  });
});
