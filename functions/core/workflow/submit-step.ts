import { randomBytes, randomInt } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { DeadlineExceededError, TokenBayRateLimitError } from '../errors.js';
import { realSleep, type Sleep } from '../notify/after-rate-limit.js';
import { buildSubmitBody } from '../request/build-submit-body.js';
import type { SubmittedTask as TokenBayTask, TokenBayClient } from '../tokenbay/client.js';
import { workflowInputSchema, type SubmittedTask } from './execution-state.js';

export interface SubmitDeps {
  tokenBay: TokenBayClient;
  /** Give up when TokenBay is still refusing this long after the command (the generation deadline). */
  generationTimeoutSeconds: number;
  clock?: Clock;
  sleep?: Sleep;
  newClipId?: () => string;
}

/**
 * How long Submit waits out 429s inside one invocation (the Lambda times out at 30 s); past that
 * the TokenBayRateLimitError goes to the state machine, which retries it with jittered backoff.
 */
export const SUBMIT_THROTTLE_BUDGET_MS = 20_000;

/**
 * Submit: `POST /v1/videos`. A request that may have reached TokenBay is never sent again (task
 * creation is not idempotent). A 429 is a refusal that created no task, so it is sent again after
 * the wait TokenBay asked for (Retry-After), or a jittered backoff, until the generation deadline.
 */
export async function submitStep(deps: SubmitDeps, event: unknown): Promise<SubmittedTask> {
  const input = workflowInputSchema.parse(event);
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? realSleep;
  const deadline = input.requestedAt + deps.generationTimeoutSeconds * 1000;
  const body = buildSubmitBody(input.request);
  let waited = 0;
  let submitted: TokenBayTask;
  for (let attempt = 0; ; attempt++) {
    try {
      submitted = await deps.tokenBay.submit(body);
      break;
    } catch (error) {
      if (!(error instanceof TokenBayRateLimitError)) throw error;
      const wait =
        error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1000
          : randomInt(500, 1000 * 2 ** Math.min(attempt, 4) + 1);
      if (clock.now() + wait >= deadline)
        throw new DeadlineExceededError(
          `TokenBay was still too busy to take the video after ${Math.round((clock.now() - input.requestedAt) / 1000)} s, so clipbay stopped trying. Nothing was made or charged; run the command again later.`,
        );
      if (waited + wait > SUBMIT_THROTTLE_BUDGET_MS) throw error;
      waited += wait;
      await sleep(wait);
    }
  }
  return {
    taskId: submitted.id,
    clipId: (deps.newClipId ?? newClipId)(),
    submittedAt: clock.now(),
  };
}

export function newClipId(): string {
  return randomBytes(16).toString('base64url');
}
