import { randomBytes, randomInt } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { DeadlineExceededError, TokenBayRateLimitError } from '../errors.js';
import { buildSubmitBody } from '../request/build-submit-body.js';
import type { TokenBayClient } from '../tokenbay/client.js';
import {
  submitThrottledSchema,
  workflowInputSchema,
  type SubmitThrottled,
  type SubmittedTask,
} from './execution-state.js';

export interface SubmitDeps {
  tokenBay: TokenBayClient;
  /** Give up when TokenBay is still refusing this long after the command (the generation deadline). */
  generationTimeoutSeconds: number;
  clock?: Clock;
  newClipId?: () => string;
}

/** Without a Retry-After, the first wait after a 429 is about this (seconds); it doubles, jittered. */
const BASE_BACKOFF_SECONDS = 2;
const MAX_BACKOFF_SECONDS = 60;

/**
 * Submit: `POST /v1/videos`. A request that may have reached TokenBay is never sent again (task
 * creation is not idempotent). A 429 is a refusal that created no task: Submit returns how long
 * to wait (TokenBay's Retry-After, or a jittered backoff), the state machine waits that long in a
 * Wait state (no Lambda is held or billed meanwhile) and submits again, until the generation
 * deadline.
 */
export async function submitStep(deps: SubmitDeps, event: unknown): Promise<SubmittedTask | SubmitThrottled> {
  // After a 429, `task` holds the wait that was asked for: the next backoff doubles it.
  const input = workflowInputSchema.extend({ task: submitThrottledSchema.optional() }).parse(event);
  const clock = deps.clock ?? systemClock;
  const deadline = input.requestedAt + deps.generationTimeoutSeconds * 1000;
  try {
    const submitted = await deps.tokenBay.submit(buildSubmitBody(input.request));
    return {
      taskId: submitted.id,
      clipId: (deps.newClipId ?? newClipId)(),
      submittedAt: clock.now(),
    };
  } catch (error) {
    if (!(error instanceof TokenBayRateLimitError)) throw error;
    const previous = input.task?.retryAfterSeconds ?? BASE_BACKOFF_SECONDS / 2;
    const backoff = Math.min(MAX_BACKOFF_SECONDS, previous * 2);
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil(error.retryAfterSeconds ?? randomInt(Math.ceil(backoff / 2), backoff + 1)),
    );
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
