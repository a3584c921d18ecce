import { NotifyError, NotifyRejectedError } from '../../functions/core/errors.js';
import type { SlackMessage } from './slack-messages.js';
import { isTimeout } from '../../functions/core/notify/chat-timeout.js';

import type { SlackReplyTarget as SlackTarget } from './slack-platform.js';

/** The response_url expired or was used up (404/410): only the bot token can still reach the channel. */
export class ResponseUrlGoneError extends NotifyRejectedError {}

/**
 * Posts to the command's `response_url` (valid 30 minutes, 5 posts), in the channel for everyone.
 * Unlike the Web API, it answers errors with HTTP statuses: 404/410 gone, other 4xx a refusal of
 * this body (NotifyRejectedError); 429, 5xx, a timeout or the network are transient (NotifyError).
 */
export async function postToResponseUrl(
  fetchImpl: typeof fetch,
  target: SlackTarget,
  message: SlackMessage,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(target.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'in_channel',
        replace_original: !target.keepOriginal,
        ...message,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const why = isTimeout(error) ? `no answer within ${timeoutMs} ms` : (error as Error).message;
    throw new NotifyError(`Slack response_url could not be reached: ${why}`, { cause: error });
  }
  if (response.ok) return;
  const { status } = response;
  const said = (await response.text().catch(() => '')).slice(0, 200);
  if (status === 404 || status === 410)
    throw new ResponseUrlGoneError(`Slack response_url is no longer valid (${status} ${said}).`, { status });
  if (status >= 400 && status < 500 && status !== 429)
    throw new NotifyRejectedError(`Slack response_url refused the message (${status} ${said}).`, { status });
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new NotifyError(`Slack response_url answered ${status}.`, {
    retryAfterMs:
      status === 429 && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
  });
}
