import { NotifyError } from '../errors.js';
import { IN_FUNCTION_RETRY } from '../retry-policy.js';

/** The longest wait a step spends in its own Lambda honouring a platform's 429 (they time out at 30 s). */
const MAX_RATE_LIMIT_WAIT_MS = IN_FUNCTION_RETRY.chatRateLimit.maxWaitMs;

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a final message; if the platform answers 429 with a wait that fits in the step, waits
 * exactly that long and sends once more. A longer wait, or a second refusal, propagates as
 * NotifyError for the state machine's own backoff.
 */
export async function sendAfterRateLimit<T>(
  send: () => Promise<T>,
  sleep: Sleep = realSleep,
  maxWaitMs = MAX_RATE_LIMIT_WAIT_MS,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const wait = error instanceof NotifyError ? error.retryAfterMs : undefined;
    if (wait === undefined || wait > maxWaitMs) throw error;
    await sleep(Math.max(0, wait));
    return send();
  }
}
