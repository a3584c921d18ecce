import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { NotifyError, NotifyRejectedError } from '../../functions/core/errors.js';
import { isTimeout } from '../../functions/core/notify/chat-timeout.js';

/**
 * What a failed Discord request means for the state machine: a 4xx other than 429 is Discord
 * refusing this request (NotifyRejectedError, never retried); 429, 5xx, timeouts and network
 * failures are transient (NotifyError, retried).
 */
export function discordNotifyError(what: string, error: unknown): NotifyError | NotifyRejectedError {
  if (error instanceof DiscordAPIError && error.status >= 400 && error.status < 500 && error.status !== 429) {
    return new NotifyRejectedError(
      `Discord refused ${what} (${error.status}, code ${error.code}): ${error.message}`,
      { status: error.status, code: error.code, cause: error },
    );
  }
  return new NotifyError(`Discord ${what} failed: ${describe(error)}`, {
    cause: error,
    retryAfterMs: error instanceof RateLimitError ? error.retryAfter : undefined,
  });
}

function describe(error: unknown): string {
  if (error instanceof RateLimitError)
    return `rate limited (429) for ${error.route}, retry after ${error.retryAfter} ms`;
  if (error instanceof DiscordAPIError || error instanceof HTTPError)
    return `${error.status} ${error.message}`;
  if (isTimeout(error)) return 'no answer in time (request aborted)';
  return (error as Error).message;
}
