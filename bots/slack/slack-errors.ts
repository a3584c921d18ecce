import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { NotifyError, NotifyRejectedError } from '../../functions/core/errors.js';
import { isTimeout } from '../../functions/core/notify/chat-timeout.js';

/** `ok: false` errors that mean Slack is busy or failing, not that the request was wrong. */
const SLACK_SIDE = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** `ok: false` errors that mean the bot may not post in this channel (not a member, private, a DM). */
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found']);

/** The bot token cannot reach this channel; the command's response_url still can. */
export class SlackBotNotInChannelError extends NotifyRejectedError {}

/**
 * What a failed Web API call means for the state machine: Slack refusing the request (`ok:
 * false`, a 4xx other than 429) is NotifyRejectedError, never retried; rate limits, Slack-side
 * faults, timeouts and network failures are NotifyError, retried.
 */
export function slackNotifyError(
  method: string,
  channel: string,
  error: unknown,
): NotifyError | NotifyRejectedError {
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (NOT_IN_CHANNEL.has(code))
      return new SlackBotNotInChannelError(
        `Slack ${method} in ${channel} answered ${code}: the bot is not in that channel (invite it with /invite, or add the chat:write.public scope for public channels).`,
        { code, cause: error },
      );
    if (!SLACK_SIDE.has(code))
      return new NotifyRejectedError(`Slack refused ${method} in ${channel}: ${code}.`, {
        code,
        cause: error,
      });
    return new NotifyError(`Slack ${method} failed: ${code}`, { cause: error });
  }
  if (
    error instanceof WebAPIHTTPError &&
    error.statusCode >= 400 &&
    error.statusCode < 500 &&
    error.statusCode !== 429
  )
    return new NotifyRejectedError(`Slack refused ${method} in ${channel} (${error.statusCode}).`, {
      status: error.statusCode,
      cause: error,
    });
  return new NotifyError(`Slack ${method} failed: ${describe(error)}`, {
    cause: error,
    retryAfterMs: error instanceof WebAPIRateLimitedError ? error.retryAfter * 1000 : undefined,
  });
}

function describe(error: unknown): string {
  if (error instanceof WebAPIRateLimitedError) return `rate limited (429), retry after ${error.retryAfter} s`;
  if (error instanceof WebAPIHTTPError) return `HTTP ${error.statusCode}`;
  if (error instanceof WebAPIRequestError && isTimeout(error.original))
    return 'no answer in time (request aborted)';
  return (error as Error).message;
}
