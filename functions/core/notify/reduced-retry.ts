import { NotifyRejectedError } from '../errors.js';

/**
 * Sends a final message; when chat refuses it (NotifyRejectedError: a body over a limit Discord or
 * Slack did not document, a URL it will not take), sends the reduced form once before giving up.
 * Transient failures (NotifyError) are not retried here: the state machine retries the step.
 */
export async function sendWithReducedRetry<M>(
  platform: string,
  send: (message: M) => Promise<unknown>,
  full: M,
  reduced: () => M,
): Promise<void> {
  try {
    await send(full);
  } catch (refused) {
    if (!(refused instanceof NotifyRejectedError)) throw refused;
    try {
      await send(reduced());
    } catch (again) {
      if (!(again instanceof NotifyRejectedError)) throw again;
      throw new NotifyRejectedError(
        `${platform} refused the final message (${refused.message}) and its reduced form (${again.message}).`,
        { status: again.status, code: again.code, cause: again },
      );
    }
  }
}
