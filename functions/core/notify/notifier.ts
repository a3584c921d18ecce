import type { VideoRequest } from '../request/video-request.js';
import type { ReplyTarget, Requester } from '../workflow/execution-state.js';

/** A clip is being made: shown as one message that is updated in place. */
export interface ProgressUpdate {
  request: VideoRequest;
  requestedBy: Requester;
  progress: number;
  status: string;
  elapsedSeconds: number;
  /** What the previous poll saw, if any (adapters with posting limits skip small steps). */
  previous: { progress: number; status: string } | undefined;
}

/** The clip is ready. */
export interface FinishedVideo {
  /** The execution that made it: the Re-roll and Vertical buttons name it. */
  executionId: string;
  request: VideoRequest;
  requestedBy: Requester;
  /** Presigned GET of the MP4. */
  link: string;
  linkExpiresAt: number;
  /** Stable link that redirects to a fresh presigned URL. */
  shareLink: string;
  bytes: number;
  elapsedSeconds: number;
}

export const FAILURE_KIND = {
  /** TokenBay said no (business failure, bad value): the user can change the command. */
  rejected: 'rejected',
  /** The task ended in FAILURE. */
  failed: 'failed',
  /** Not ready before the deadline. */
  timedOut: 'timed-out',
  /** Not the user's fault: the admin must fix configuration (TokenBay key). */
  admin: 'admin',
  /** TokenBay could not be reached or may have received the request; try again later. */
  unavailable: 'unavailable',
  /** A clipbay bug or an AWS fault: quote the reference. */
  internal: 'internal',
} as const;
export type FailureKind = (typeof FAILURE_KIND)[keyof typeof FAILURE_KIND];

export interface FailureReport {
  request: VideoRequest;
  requestedBy: Requester;
  kind: FailureKind;
  /** Written for the person who asked. */
  reason: string;
  /** The execution name, for the operator to find the run. */
  reference: string;
}

/**
 * How the workflow talks back to chat. The Slack and Discord adapters implement it; nothing else
 * in the workflow knows which platform asked.
 */
export interface Notifier {
  /**
   * Shows progress as one message updated in place. Returns the id of the message it posted or
   * updated (Slack `ts`, Discord message id), which the workflow hands back on the next call.
   */
  progress(target: ReplyTarget, update: ProgressUpdate, messageId?: string): Promise<string | undefined>;
  finished(target: ReplyTarget, video: FinishedVideo, messageId?: string): Promise<void>;
  failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void>;
}
