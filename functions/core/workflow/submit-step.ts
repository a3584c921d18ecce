import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import { buildSubmitBody } from '../request/build-submit-body.js';
import type { TokenBayClient } from '../tokenbay/client.js';
import { workflowInputSchema, type SubmittedTask } from './execution-state.js';

export interface SubmitDeps {
  tokenBay: TokenBayClient;
  clock?: Clock;
  newClipId?: () => string;
}

/**
 * Submit: `POST /v1/videos` exactly once. Errors propagate with their stable names; the state
 * machine retries only `TokenBayNotSentError` (the request certainly never reached TokenBay).
 */
export async function submitStep(deps: SubmitDeps, event: unknown): Promise<SubmittedTask> {
  const input = workflowInputSchema.parse(event);
  const clock = deps.clock ?? systemClock;
  const submitted = await deps.tokenBay.submit(buildSubmitBody(input.request));
  return {
    taskId: submitted.id,
    clipId: (deps.newClipId ?? newClipId)(),
    submittedAt: clock.now(),
  };
}

export function newClipId(): string {
  return randomBytes(16).toString('base64url');
}
