import type { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '../clock.js';
import { sendAfterRateLimit, type Sleep } from '../notify/after-rate-limit.js';
import type { Notifier } from '../notify/notifier.js';
import { presignClip, shareLink } from '../storage/video-links.js';
import { afterSaveSchema } from './execution-state.js';

export interface PostLinkDeps {
  s3: S3Client;
  bucket: string;
  notifier: Notifier;
  linkExpirySeconds: number;
  /** Base URL of the HTTP API that serves `GET /v/{clipId}`. */
  shareBaseUrl: string;
  clock?: Clock;
  sleep?: Sleep;
}

/** PostLink: presign the clip and post it, with the stable share link, where the command came from. */
export async function postLinkStep(
  deps: PostLinkDeps,
  event: unknown,
): Promise<{ posted: true; expiresAt: number }> {
  const input = afterSaveSchema.parse(event);
  const clock = deps.clock ?? systemClock;
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
      },
      input.status?.messageId,
    );
  // A 429 on the final message is waited out as the platform asked, then sent again.
  await sendAfterRateLimit(finished, deps.sleep);
  return { posted: true, expiresAt: link.expiresAt };
}
