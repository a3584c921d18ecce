import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '../../functions/core/chat/accepted-command.js';
import { cancelVideo, type CancelDeps } from '../../functions/core/ingress/cancel-video.js';
import { request } from '../helpers/message-fixtures.js';

const input: WorkflowInput = {
  id: 'exec-cancel',
  request: request('a heron'),
  replyTo: {
    platform: 'slack',
    responseUrl: 'https://hooks.slack.test/1',
    channelId: 'C1',
    workspaceId: 'T1',
  },
  requestedBy: { id: 'UASK', name: 'ask' },
  requestedAt: Date.UTC(2026, 11, 3, 12),
};

/** Cancel's decisions that need no ledger: what the run's execution and latest state say. */
describe('Cancel, by what the run’s latest state says', () => {
  const deps = (task: Awaited<ReturnType<NonNullable<CancelDeps['findTask']>>>) => {
    const stopped: string[] = [];
    const cancelDeps: CancelDeps = {
      findRun: () => Promise.resolve({ running: true, input }),
      findTask: () => Promise.resolve(task),
      stopRun: (id) => Promise.resolve(void stopped.push(id)),
      ledger: undefined,
      admins: [],
      now: () => input.requestedAt + 60_000,
    };
    return { cancelDeps, stopped };
  };

  it('a run whose clip was posted (it only settles now) is not stopped: the press is told it finished', async () => {
    const { cancelDeps, stopped } = deps({ taskId: 't1', quota: 120, posted: true });
    expect(await cancelVideo(input.id, input.requestedBy, cancelDeps)).toEqual({
      kind: 'private',
      text: 'That video already finished: there is nothing to cancel.',
    });
    expect(stopped).toEqual([]);
  });

  it('without a usage ledger the message still says what TokenBay charged, and the run is stopped', async () => {
    const { cancelDeps, stopped } = deps({ taskId: 't2', quota: 75 });
    expect(await cancelVideo(input.id, input.requestedBy, cancelDeps)).toEqual({
      kind: 'cancelled',
      text: 'Cancelled by ask. TokenBay had already finished the task and charged 75 quota for it.',
    });
    expect(stopped).toEqual([input.id]);
  });

  it('someone else’s press is refused before anything is stopped, whatever the state says', async () => {
    const { cancelDeps, stopped } = deps({ taskId: 't3' });
    expect(await cancelVideo(input.id, { id: 'UOTHER', name: 'other' }, cancelDeps)).toEqual({
      kind: 'private',
      text: 'Only ask (who asked for it) or a clipbay admin can cancel this video.',
    });
    expect(stopped).toEqual([]);
  });
});
