import { systemClock, type Clock } from '../clock.js';
import { NotifyError } from '../errors.js';
import { CHAT_TIMEOUT_MS } from '../notify/chat-timeout.js';
import type { Notifier } from '../notify/notifier.js';
import type { TokenBayClient } from '../tokenbay/client.js';
import { deadlineFor } from '../tokenbay/deadline.js';
import { TASK_STATUS } from '../tokenbay/task.js';
import {
  afterSubmitSchema,
  POLL_OUTCOME,
  taskStatusSchema,
  type TaskStatusResult,
} from './execution-state.js';

export interface CheckStatusDeps {
  tokenBay: TokenBayClient;
  notifier: Notifier;
  generationTimeoutSeconds: number;
  editTimeoutSeconds: number;
  clock?: Clock;
  /** Told when a progress update could not be shown (it never fails the step). */
  onNotifyError?: (error: unknown) => void;
  /**
   * The step stops waiting for a progress update after this (default CHAT_TIMEOUT_MS, 5 s; the
   * notifiers abort their request then too), so a hanging chat API cannot hold the 30 s Lambda.
   */
  progressTimeoutMs?: number;
}

/**
 * CheckStatus: one poll. Decides the outcome the Choice state branches on — ready, failed,
 * timed out (past the deadline for the task's `action`: generation or editing), or running —
 * and shows progress in chat when it moved.
 */
export async function checkStatusStep(deps: CheckStatusDeps, event: unknown): Promise<TaskStatusResult> {
  const input = afterSubmitSchema.extend({ status: taskStatusSchema.optional() }).parse(event);
  const clock = deps.clock ?? systemClock;
  const task = await deps.tokenBay.get(input.task.taskId);
  const polls = (input.status?.polls ?? 0) + 1;

  const base = {
    rawStatus: task.rawStatus,
    progress: task.progress,
    action: task.action,
    polls,
    messageId: input.status?.messageId,
  };
  // What the task cost, when TokenBay has settled it already (SettleUsage asks again if not).
  const quota = task.quota === undefined || task.quota < 0 ? {} : { quota: task.quota };
  if (task.status === TASK_STATUS.success) {
    return { ...base, ...quota, outcome: POLL_OUTCOME.ready, resultUrl: task.resultUrl ?? task.id };
  }
  if (task.status === TASK_STATUS.failure) {
    return {
      ...base,
      ...quota,
      outcome: POLL_OUTCOME.failed,
      reason: task.failReason ?? 'TokenBay gave no reason.',
    };
  }

  const timeoutSeconds = deadlineFor(task.action, deps);
  const elapsedSeconds = (clock.now() - input.task.submittedAt) / 1000;
  if (elapsedSeconds >= timeoutSeconds) {
    return {
      ...base,
      outcome: POLL_OUTCOME.timedOut,
      reason: `The video was not ready after ${formatMinutes(timeoutSeconds)}, so clipbay stopped waiting.`,
    };
  }

  let messageId = base.messageId;
  const previous = input.status && { progress: input.status.progress, status: input.status.rawStatus };
  if (!previous || previous.progress !== task.progress || previous.status !== task.rawStatus) {
    try {
      const shown = deps.notifier.progress(
        input.replyTo,
        {
          executionId: input.id,
          request: input.request,
          requestedBy: input.requestedBy,
          progress: task.progress,
          status: task.rawStatus,
          elapsedSeconds: Math.round((clock.now() - input.requestedAt) / 1000),
          previous,
        },
        messageId,
      );
      messageId = (await within(shown, deps.progressTimeoutMs ?? CHAT_TIMEOUT_MS)) ?? messageId;
    } catch (error) {
      // Progress is a courtesy: a chat hiccup must not fail or slow the video.
      deps.onNotifyError?.(error);
    }
  }
  return { ...base, messageId, outcome: POLL_OUTCOME.running };
}

function formatMinutes(seconds: number): string {
  const minutes = seconds / 60;
  return Number.isInteger(minutes) ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${seconds} seconds`;
}

/** The promise's outcome, or a NotifyError once `ms` have passed without one. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotifyError(`The progress update took longer than ${ms} ms.`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
