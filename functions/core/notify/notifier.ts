import type { VideoRequest } from '../request/video-request.js';
import type { ReplyTarget } from '../chat/reply-target.js';
import type { Requester } from '../chat/requester.js';

/** A clip is being made: shown as one message that is updated in place. */
export interface ProgressUpdate {
  /** The run: the Cancel button under the progress names it. */
  executionId: string;
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
  /**
   * The clip's bytes, for platforms that can upload it so it plays in the channel. Absent when
   * CLIPBAY_INLINE=off: links only.
   */
  clip?: ClipSource;
}

/** A clip that can be read from storage as often as needed, never held in memory. */
export interface ClipSource {
  /** The file name chat shows (`a-corgi-surfing.mp4`). */
  filename: string;
  contentType: 'video/mp4';
  bytes: number;
  /** A fresh stream of the whole clip on every call (a second attempt reads it again). */
  open(signal?: AbortSignal): Promise<ReadableStream<Uint8Array>>;
}

/** Why a finished clip went out as a link rather than an upload that plays in the channel. */
export const LINK_ONLY_REASON = {
  /** CLIPBAY_INLINE=off. */
  off: 'inline-off',
  /** No bot token: Slack's response_url cannot upload. */
  noBotToken: 'no-bot-token',
  /** The bot may not post in this channel (Slack not_in_channel / channel_not_found). */
  notInChannel: 'not-in-channel',
  /** The app lacks the scope to upload (Slack files:write). */
  missingScope: 'missing-scope',
  /** Over the platform's upload limit (Discord 10 MiB, 413, code 40005; Slack 1 GB). */
  tooLarge: 'too-large',
  /** The upload itself failed (network, timeout, the platform refused it). */
  uploadFailed: 'upload-failed',
  /** An earlier attempt of this run's delivery claimed the upload (and may have made it): never twice. */
  claimedBefore: 'upload-claimed-before',
} as const;
export type LinkOnlyReason = (typeof LINK_ONLY_REASON)[keyof typeof LINK_ONLY_REASON];

/** How the finished clip reached the channel: uploaded (plays in place), or as the link message. */
export type FinishedDelivery =
  | { inline: 'uploaded' }
  | {
      inline: 'link';
      reason: LinkOnlyReason;
      /** For the operator's log: what the platform said, never a URL or a token. */
      detail?: string;
    };

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
  /** Posts the clip: uploaded where the platform plays it in place, else the link message. */
  finished(target: ReplyTarget, video: FinishedVideo, messageId?: string): Promise<FinishedDelivery>;
  failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void>;
}
