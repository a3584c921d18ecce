import { ERROR, RUNTIME_ERROR, type ErrorName } from '../errors.js';
import { FAILURE_KIND, type FailureKind } from '../notify/notifier.js';
import { POLL_OUTCOME, type FailureInput } from './execution-state.js';

type Failure = { kind: FailureKind; reason: string };
/** TokenBay's or the error's own message, when the caught error carried one. */
type Wording = (message: string | undefined) => Failure;

const INTERNAL: Failure = {
  kind: FAILURE_KIND.internal,
  reason: 'Something went wrong inside clipbay. An admin can look it up with the reference below.',
};
const UNREACHABLE: Failure = {
  kind: FAILURE_KIND.unavailable,
  reason: 'TokenBay is not reachable right now. Try again in a few minutes.',
};
const SAVE_FAILED: Failure = {
  kind: FAILURE_KIND.internal,
  reason: 'The video was made, but saving it failed. An admin can look it up with the reference below.',
};
const NOT_ALLOWED: Failure = {
  kind: FAILURE_KIND.admin,
  reason:
    'clipbay is not allowed to do one of its steps (a setting or an AWS permission of this deployment is wrong), so the video was not finished. Your command was fine: an admin can find the step in the logs with the reference below.',
};
const TOO_LONG: Failure = { kind: FAILURE_KIND.timedOut, reason: 'A step took too long and was stopped.' };

/**
 * What the person who asked reads for each of clipbay's error names. A Record over every name:
 * a new error without its wording does not compile.
 */
const BY_ERROR: Record<ErrorName, Wording> = {
  [ERROR.tokenBayRejected]: (message) => ({
    kind: FAILURE_KIND.rejected,
    reason: `TokenBay rejected the request: ${message ?? 'no reason given.'}`,
  }),
  [ERROR.tokenBayAuth]: () => ({
    kind: FAILURE_KIND.admin,
    reason:
      "TokenBay refused clipbay's API key, so nothing was made. Your command was fine: an admin needs to update the TokenBay key.",
  }),
  [ERROR.tokenBayMaybeSent]: () => ({
    kind: FAILURE_KIND.unavailable,
    reason:
      'TokenBay did not answer in time, and the request may have reached it. To avoid paying twice clipbay did not send it again; if no video appears, run the command again.',
  }),
  [ERROR.tokenBayNotSent]: () => UNREACHABLE,
  [ERROR.tokenBayServer]: () => UNREACHABLE,
  [ERROR.tokenBayRateLimit]: () => UNREACHABLE,
  [ERROR.tokenBayProtocol]: () => INTERNAL,
  [ERROR.tokenBay]: () => INTERNAL,
  [ERROR.transfer]: () => SAVE_FAILED,
  [ERROR.transferInterrupted]: () => SAVE_FAILED,
  [ERROR.transferIntegrity]: () => SAVE_FAILED,
  [ERROR.deadlineExceeded]: (message) => ({
    kind: FAILURE_KIND.timedOut,
    reason: message ?? 'The video was not ready in time.',
  }),
  [ERROR.config]: () => NOT_ALLOWED,
  [ERROR.notify]: () => INTERNAL,
  [ERROR.notifyRejected]: () => INTERNAL,
  [ERROR.usage]: (message) => ({
    kind: FAILURE_KIND.rejected,
    reason: message ?? 'The command could not be used.',
  }),
  [ERROR.busy]: () => UNREACHABLE,
  [ERROR.limitReached]: () => UNREACHABLE,
  [ERROR.privateAnswer]: () => INTERNAL,
  [ERROR.imageRefused]: (message) => ({
    kind: FAILURE_KIND.rejected,
    reason: message ?? 'The image could not be used.',
  }),
  [ERROR.clipbay]: () => INTERNAL,
};

/** Errors named by AWS rather than by clipbay. */
const BY_AWS_ERROR: Record<string, Wording> = {
  AccessDenied: () => NOT_ALLOWED,
  AccessDeniedException: () => NOT_ALLOWED,
  GetParameterError: () => NOT_ALLOWED,
  [RUNTIME_ERROR.stateTimeout]: () => TOO_LONG,
  [RUNTIME_ERROR.timedOut]: () => TOO_LONG,
};

/**
 * Turns however a run went wrong — a FAILURE status, the deadline, or an error caught from any
 * step — into a reason written for the person who asked, and a kind that says whose move it is.
 */
export function describeFailure(input: FailureInput): Failure {
  const { status, error } = input;
  if (!error && status?.outcome === POLL_OUTCOME.failed)
    return {
      kind: FAILURE_KIND.failed,
      reason: `TokenBay could not make the video: ${status.reason ?? 'no reason given.'}`,
    };
  if (!error && status?.outcome === POLL_OUTCOME.timedOut)
    return { kind: FAILURE_KIND.timedOut, reason: status.reason ?? 'The video was not ready in time.' };

  const name = error?.Error ?? 'Unknown';
  const wording = (BY_ERROR as Record<string, Wording>)[name] ?? BY_AWS_ERROR[name];
  return wording ? wording(causeMessage(error?.Cause)) : INTERNAL;
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
