import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { DeadlineExceededError, TokenBayRateLimitError } from '../errors.js';
import { buildSubmitBody } from '../request/build-submit-body.js';
import { IN_FUNCTION_RETRY, nextWaitMs } from '../retry-policy.js';
import type { TokenBayClient } from '../tokenbay/client.js';
import { workflowInputSchema, type WorkflowInput } from '../chat/accepted-command.js';
import type { VideoRequest } from '../request/video-request.js';
import { submitThrottledSchema, type SubmitThrottled, type SubmittedTask } from './execution-state.js';

export interface SubmitDeps {
  tokenBay: TokenBayClient;
  /** Give up when TokenBay is still refusing this long after the command (the generation deadline). */
  generationTimeoutSeconds: number;
  clock?: Clock;
  newClipId?: () => string;
  /** In [0, 1): the jitter of the backoff. */
  random?: () => number;
  /**
   * The request as TokenBay may see it: images shared in chat replaced by links to copies in the
   * bucket (transfer/chat-image-copy.ts). Unset: the request as it came.
   */
  requestForTokenBay?: (input: WorkflowInput) => Promise<VideoRequest>;
}

/**
 * Submit: `POST /v1/videos`. A request that may have reached TokenBay is never sent again (task
 * creation is not idempotent). A 429 is a refusal that created no task: Submit returns how long
 * to wait (TokenBay's Retry-After, or the retry table's jittered backoff), the state machine waits that long in a
 * Wait state (no Lambda is held or billed meanwhile) and submits again, until the generation
 * deadline.
 */
export async function submitStep(deps: SubmitDeps, event: unknown): Promise<SubmittedTask | SubmitThrottled> {
  // After a 429, `task` holds the wait that was asked for: the next backoff doubles it.
  const input = workflowInputSchema.extend({ task: submitThrottledSchema.optional() }).parse(event);
  const clock = deps.clock ?? systemClock;
  const deadline = input.requestedAt + deps.generationTimeoutSeconds * 1000;
  try {
    // Before anything is sent: a refused image fails the run with its reason, nothing created.
    const request = deps.requestForTokenBay ? await deps.requestForTokenBay(input) : input.request;
    const submitted = await deps.tokenBay.submit(buildSubmitBody(request));
    return {
      taskId: submitted.id,
      clipId: (deps.newClipId ?? newClipId)(),
      submittedAt: clock.now(),
    };
  } catch (error) {
    if (!(error instanceof TokenBayRateLimitError)) throw error;
    const previousMs = (input.task?.retryAfterSeconds ?? 0) * 1000;
    const backoffMs = nextWaitMs(IN_FUNCTION_RETRY.resubmit, previousMs, deps.random);
    const retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterSeconds ?? backoffMs / 1000));
    if (clock.now() + retryAfterSeconds * 1000 >= deadline)
      throw new DeadlineExceededError(
        `TokenBay was still too busy to take the video after ${Math.round((clock.now() - input.requestedAt) / 1000)} s, so clipbay stopped trying. Nothing was made or charged; run the command again later.`,
      );
    return { throttled: true, retryAfterSeconds };
  }
}

export function newClipId(): string {
  return randomBytes(16).toString('base64url');
}
