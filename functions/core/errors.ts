/**
 * Every error name that crosses a state boundary, as a constant: Step Functions matches Retry and
 * Catch on these strings, and minified bundles rule out `Class.name`. Renaming a class without
 * changing its entry here breaks the type check (see ERROR_CLASSES below), never a retry.
 */
export const ERROR = {
  clipbay: 'ClipbayError',
  privateAnswer: 'PrivateAnswerError',
  usage: 'UsageError',
  busy: 'BusyError',
  limitReached: 'LimitReachedError',
  config: 'ConfigError',
  tokenBay: 'TokenBayError',
  tokenBayRejected: 'TokenBayRejectedError',
  tokenBayAuth: 'TokenBayAuthError',
  tokenBayRateLimit: 'TokenBayRateLimitError',
  tokenBayServer: 'TokenBayServerError',
  tokenBayProtocol: 'TokenBayProtocolError',
  tokenBayNotSent: 'TokenBayNotSentError',
  tokenBayMaybeSent: 'TokenBayMaybeSentError',
  transfer: 'TransferError',
  transferInterrupted: 'TransferInterruptedError',
  transferIntegrity: 'TransferIntegrityError',
  deadlineExceeded: 'DeadlineExceededError',
  notify: 'NotifyError',
  notifyRejected: 'NotifyRejectedError',
  imageRefused: 'ImageRefusedError',
} as const;
export type ErrorName = (typeof ERROR)[keyof typeof ERROR];

/** Names the Lambda runtime and Step Functions give errors that are not clipbay's own. */
export const RUNTIME_ERROR = {
  /** The container crashed or was killed. */
  exit: 'Runtime.ExitError',
  /** The function ran past its timeout. */
  timedOut: 'Sandbox.Timedout',
  /** Lambda throttled the invoke: the function never ran. */
  throttled: 'Lambda.TooManyRequestsException',
  /** A Task ran past its TimeoutSeconds. */
  stateTimeout: 'States.Timeout',
} as const;

/**
 * One error tree for clipbay. Every error has a stable `name` (Step Functions Retry and Catch
 * match on it, since Lambda reports `error.name` as the errorType) and a message written for the
 * person who will read it: the user in chat for usage and TokenBay business errors, the admin
 * for configuration and key problems.
 */
export class ClipbayError extends Error {
  override readonly name: string = ERROR.clipbay;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Answered privately to the person who typed the command (ephemeral on Slack, flag 64 on
 * Discord), and nothing was started.
 */
export class PrivateAnswerError extends ClipbayError {
  override readonly name: string = ERROR.privateAnswer;
}

/** The command was wrong; the message tells the caller exactly what to fix. Starts nothing. */
export class UsageError extends PrivateAnswerError {
  override readonly name = ERROR.usage;
}

/** Invalid configuration at start-up; the message is one line naming the variable. */
export class ConfigError extends ClipbayError {
  override readonly name = ERROR.config;
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

export interface TokenBayErrorDetails {
  status?: number;
  type?: string;
  code?: string;
  cause?: unknown;
}

/** Anything TokenBay answered (or failed to answer) that is not a usable result. */
export class TokenBayError extends ClipbayError {
  override readonly name: string = ERROR.tokenBay;
  readonly status: number | undefined;
  readonly type: string | undefined;
  readonly code: string | undefined;
  constructor(message: string, details: TokenBayErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.type = details.type;
    this.code = details.code;
  }
}

/**
 * TokenBay refused the request itself: a 200 whose body carries `error`, or a 4xx other than
 * auth and rate limits. `message` is TokenBay's own `error.message`, meant for the user.
 */
export class TokenBayRejectedError extends TokenBayError {
  override readonly name = ERROR.tokenBayRejected;
}

/** 401/403: the API key is missing, wrong or revoked. The admin must act, not the user. */
export class TokenBayAuthError extends TokenBayError {
  override readonly name = ERROR.tokenBayAuth;
}

/** 429: slow down. Safe to retry for reads; submit is never retried by the client. */
export class TokenBayRateLimitError extends TokenBayError {
  override readonly name = ERROR.tokenBayRateLimit;
  /** What TokenBay's `Retry-After` header asked for, if it sent one. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    details: TokenBayErrorDetails & { retryAfterSeconds?: number | undefined } = {},
  ) {
    super(message, details);
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** 5xx from TokenBay. */
export class TokenBayServerError extends TokenBayError {
  override readonly name = ERROR.tokenBayServer;
}

/** The answer was not what the API documents (not JSON, missing task id, ...). */
export class TokenBayProtocolError extends TokenBayError {
  override readonly name = ERROR.tokenBayProtocol;
}

/**
 * The request certainly never reached TokenBay (connection refused, DNS failure, connect
 * timeout). Retrying a submit after this error cannot create a second paid task.
 */
export class TokenBayNotSentError extends TokenBayError {
  override readonly name = ERROR.tokenBayNotSent;
}

/**
 * The request may have reached TokenBay (timeout or reset after the body went out). A submit
 * that failed this way must never be sent again: TokenBay task creation is not idempotent.
 */
export class TokenBayMaybeSentError extends TokenBayError {
  override readonly name = ERROR.tokenBayMaybeSent;
}

/** Moving the finished video into storage failed. */
export class TransferError extends ClipbayError {
  override readonly name: string = ERROR.transfer;
}

/** The download broke off part way; the transfer can resume from `offset` with a Range request. */
export class TransferInterruptedError extends TransferError {
  override readonly name = ERROR.transferInterrupted;
  constructor(
    message: string,
    readonly offset: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The stored object does not match what TokenBay announced (size, content type). */
export class TransferIntegrityError extends TransferError {
  override readonly name = ERROR.transferIntegrity;
}

/** The task did not finish before its deadline. */
export class DeadlineExceededError extends ClipbayError {
  override readonly name = ERROR.deadlineExceeded;
}

/**
 * Chat could not be reached (Slack or Discord answered 5xx or 429, the network failed, or the
 * request timed out). Transient: the state machine's Retry lists name it.
 */
export class NotifyError extends ClipbayError {
  override readonly name = ERROR.notify;
  /** How long the platform asked to wait (a 429's Retry-After / retry_after), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number | undefined } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The ingress could not start the workflow in time because Step Functions is throttling: the
 * caller is asked, privately, to try again in a minute. Nothing was started.
 */
export class BusyError extends PrivateAnswerError {
  override readonly name = ERROR.busy;
  constructor(options?: { cause?: unknown }) {
    super('clipbay is busy, try again in a minute.', options);
  }
}

/**
 * A usage limit the team set (LIMIT_*, ALLOWED_CHANNELS) refuses this command. Answered privately:
 * the message says which limit was hit and when it resets. Nothing was started or submitted.
 */
export class LimitReachedError extends PrivateAnswerError {
  override readonly name = ERROR.limitReached;
}

/**
 * Chat refused the message itself: a 4xx other than 429, or Slack `ok: false` for anything but a
 * rate limit or a Slack-side fault. Sending the same request again gets the same answer, so no
 * Retry list may name it (they name `NotifyError` only). The message says what was refused and
 * why, for the operator reading the execution history.
 */
export class NotifyRejectedError extends ClipbayError {
  override readonly name = ERROR.notifyRejected;
  /** The HTTP status chat answered, if it answered one. */
  readonly status: number | undefined;
  /** Discord's error code (50035 …) or Slack's `error` (`invalid_blocks` …). */
  readonly code: string | number | undefined;
  constructor(
    message: string,
    details: { status?: number | undefined; code?: string | number | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
  }
}

/**
 * An image shared in chat that clipbay will not pass on: not an image type TokenBay takes, too
 * large, or not readable from the platform. The message says which, for the person who asked.
 */
export class ImageRefusedError extends ClipbayError {
  override readonly name = ERROR.imageRefused;
}

/** Every class of the tree, by its ERROR key (a test checks each instance's `name` against ERROR). */
export const ERROR_CLASSES = {
  clipbay: ClipbayError,
  privateAnswer: PrivateAnswerError,
  usage: UsageError,
  busy: BusyError,
  limitReached: LimitReachedError,
  config: ConfigError,
  tokenBay: TokenBayError,
  tokenBayRejected: TokenBayRejectedError,
  tokenBayAuth: TokenBayAuthError,
  tokenBayRateLimit: TokenBayRateLimitError,
  tokenBayServer: TokenBayServerError,
  tokenBayProtocol: TokenBayProtocolError,
  tokenBayNotSent: TokenBayNotSentError,
  tokenBayMaybeSent: TokenBayMaybeSentError,
  transfer: TransferError,
  transferInterrupted: TransferInterruptedError,
  transferIntegrity: TransferIntegrityError,
  deadlineExceeded: DeadlineExceededError,
  notify: NotifyError,
  notifyRejected: NotifyRejectedError,
  imageRefused: ImageRefusedError,
} satisfies { [K in keyof typeof ERROR]: abstract new (...args: never[]) => { name: string } };
