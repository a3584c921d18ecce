import { FAILURE_KIND, type FailureKind } from '../notify/notifier.js';
import { POLL_OUTCOME, type FailureInput } from './execution-state.js';

/**
 * Turns however a run went wrong — a FAILURE status, the deadline, or an error caught from any
 * step — into a reason written for the person who asked, and a kind that says whose move it is.
 */
export function describeFailure(input: FailureInput): { kind: FailureKind; reason: string } {
  const { status, error } = input;
  if (!error && status?.outcome === POLL_OUTCOME.failed)
    return {
      kind: FAILURE_KIND.failed,
      reason: `TokenBay could not make the video: ${status.reason ?? 'no reason given.'}`,
    };
  if (!error && status?.outcome === POLL_OUTCOME.timedOut)
    return { kind: FAILURE_KIND.timedOut, reason: status.reason ?? 'The video was not ready in time.' };

  const name = error?.Error ?? 'Unknown';
  const message = causeMessage(error?.Cause);
  switch (name) {
    case 'TokenBayRejectedError':
      return {
        kind: FAILURE_KIND.rejected,
        reason: `TokenBay rejected the request: ${message ?? 'no reason given.'}`,
      };
    case 'TokenBayAuthError':
      return {
        kind: FAILURE_KIND.admin,
        reason:
          "TokenBay refused clipbay's API key, so nothing was made. Your command was fine: an admin needs to update the TokenBay key.",
      };
    case 'TokenBayMaybeSentError':
      return {
        kind: FAILURE_KIND.unavailable,
        reason:
          'TokenBay did not answer in time, and the request may have reached it. To avoid paying twice clipbay did not send it again; if no video appears, run the command again.',
      };
    case 'TokenBayNotSentError':
    case 'TokenBayServerError':
    case 'TokenBayRateLimitError':
      return {
        kind: FAILURE_KIND.unavailable,
        reason: 'TokenBay is not reachable right now. Try again in a few minutes.',
      };
    case 'TransferError':
    case 'TransferInterruptedError':
    case 'TransferIntegrityError':
      return {
        kind: FAILURE_KIND.internal,
        reason: 'The video was made, but saving it failed. An admin can look it up with the reference below.',
      };
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'GetParameterError':
    case 'ConfigError':
      return {
        kind: FAILURE_KIND.admin,
        reason:
          'clipbay is not allowed to do one of its steps (a setting or an AWS permission of this deployment is wrong), so the video was not finished. Your command was fine: an admin can find the step in the logs with the reference below.',
      };
    case 'DeadlineExceededError':
      return { kind: FAILURE_KIND.timedOut, reason: message ?? 'The video was not ready in time.' };
    case 'States.Timeout':
    case 'Sandbox.Timedout':
      return { kind: FAILURE_KIND.timedOut, reason: 'A step took too long and was stopped.' };
    default:
      return {
        kind: FAILURE_KIND.internal,
        reason: 'Something went wrong inside clipbay. An admin can look it up with the reference below.',
      };
  }
}

/** In AWS the Cause is `{"errorType": …, "errorMessage": …}` as a string; locally it is the message. */
function causeMessage(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the message itself
  }
  return cause;
}
