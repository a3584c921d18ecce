import { isTimeout } from './chat-timeout.js';
import { LINK_ONLY_REASON, type FinishedDelivery, type LinkOnlyReason } from './notifier.js';

/**
 * An upload of the clip that did not happen; the link message stands in for it. Never reaches the
 * state machine: the notifier turns it into a FinishedDelivery that says why (PostLink logs it).
 */
export class InlineUploadError extends Error {
  override readonly name = 'InlineUploadError';
  constructor(
    readonly reason: LinkOnlyReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The longest an upload of the clip may take before the link is posted instead. */
export const UPLOAD_TIMEOUT_MS = 240_000;

/** The link went out instead of the upload, and why: for the log, with no URL or token in it. */
export function linkOnly(reason: LinkOnlyReason, detail?: string): FinishedDelivery {
  return { inline: 'link', reason, ...(detail ? { detail: withoutUrls(detail).slice(0, 300) } : {}) };
}

/** What a failed upload means: its own reason if it gave one, else "the upload failed". */
export function linkAfterFailedUpload(error: unknown): FinishedDelivery {
  if (error instanceof InlineUploadError) return linkOnly(error.reason, error.message);
  const message = isTimeout(error) ? 'no answer in time (request aborted)' : (error as Error).message;
  return linkOnly(LINK_ONLY_REASON.uploadFailed, message);
}

/** Upload URLs are capabilities (Slack's hold a token): never in a log line. */
function withoutUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/\S+/gi, '<url>');
}
