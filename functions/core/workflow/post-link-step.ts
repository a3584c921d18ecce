import type { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '../clock.js';
import { sendAfterRateLimit, type Sleep } from '../notify/after-rate-limit.js';
import type { InlineMode } from '../config.js';
import type { ClipSource, FinishedDelivery, Notifier } from '../notify/notifier.js';
import { s3ClipSource } from '../storage/clip-source.js';
import { uploadedOnce } from '../storage/upload-once.js';
import type { UsageLedger } from '../usage/usage-ledger.js';
import { presignClip, shareLink } from '../storage/video-links.js';
import { afterSaveSchema } from './execution-state.js';

export interface PostLinkDeps {
  s3: S3Client;
  bucket: string;
  notifier: Notifier;
  linkExpirySeconds: number;
  /** Base URL of the HTTP API that serves `GET /v/{clipId}`. */
  shareBaseUrl: string;
  /** CLIPBAY_INLINE: `auto` hands the notifier the clip to upload; `off` posts links only. */
  inline: InlineMode;
  /**
   * The usage ledger, where the run's one upload of its clip is claimed: PostLink is retried when
   * its environment dies, and a retry must not upload the clip a lost attempt may have uploaded.
   * Without one (no USAGE_TABLE), every attempt may upload.
   */
  ledger?: Pick<UsageLedger, 'claimClipUpload'>;
  clock?: Clock;
  sleep?: Sleep;
}

/** What PostLink answers (and logs): how the clip reached the channel, and why not inline. */
export interface PostLinkResult {
  posted: true;
  expiresAt: number;
  inline: FinishedDelivery['inline'];
  /** Why the link went out instead of the upload (a LinkOnlyReason); logged by the step. */
  fallback?: string;
  fallbackDetail?: string;
}

/**
 * PostLink: presign the clip and post it where the command came from, with the stable share link;
 * where the platform allows, the clip itself is uploaded (streamed from S3) so it plays in place.
 */
export async function postLinkStep(deps: PostLinkDeps, event: unknown): Promise<PostLinkResult> {
  const input = afterSaveSchema.parse(event);
  const clock = deps.clock ?? systemClock;
  const { ledger } = deps;
  const oneUpload = (clip: ClipSource) =>
    ledger ? uploadedOnce(clip, () => ledger.claimClipUpload(input.id, clock.now())) : clip;
  const link = await presignClip(deps.s3, deps.bucket, input.task.clipId, deps.linkExpirySeconds, clock);
  const finished = () =>
    deps.notifier.finished(
      input.replyTo,
      {
        executionId: input.id,
        request: input.request,
        requestedBy: input.requestedBy,
        link: link.url,
        linkExpiresAt: link.expiresAt,
        shareLink: shareLink(deps.shareBaseUrl, input.task.clipId),
        bytes: input.video.bytes,
        elapsedSeconds: Math.round((clock.now() - input.requestedAt) / 1000),
        ...(deps.inline === 'auto'
          ? {
              clip: oneUpload(
                s3ClipSource(deps.s3, deps.bucket, {
                  clipId: input.task.clipId,
                  bytes: input.video.bytes,
                  prompt: input.request.prompt,
                }),
              ),
            }
          : {}),
      },
      input.status?.messageId,
    );
  // A 429 on the final message is waited out as the platform asked, then sent again.
  const delivery = await sendAfterRateLimit(finished, deps.sleep);
  return {
    posted: true,
    expiresAt: link.expiresAt,
    inline: delivery.inline,
    ...(delivery.inline === 'link'
      ? { fallback: delivery.reason, ...(delivery.detail ? { fallbackDetail: delivery.detail } : {}) }
      : {}),
  };
}
