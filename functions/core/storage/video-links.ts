import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { systemClock, type Clock } from '../clock.js';
import { MAX_LINK_EXPIRY_SECONDS } from '../config.js';
import { videoKey } from './video-object.js';

export interface PresignedLink {
  url: string;
  expiresAt: number;
  expiresInSeconds: number;
}

/** A link must stay valid for at least this long to be worth posting. */
const MIN_USEFUL_SECONDS = 60;
/** Margin before the signing credentials expire. */
const CREDENTIAL_MARGIN_SECONDS = 60;
/**
 * How long session credentials that do not say when they expire are assumed to live. Lambda hands
 * its role's session over in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN with
 * no expiry, yet the session (and every URL signed with it) dies within hours.
 */
const UNDATED_SESSION_SECONDS = 3600;

/**
 * A presigned GET for a clip. The expiry is `requestedSeconds`, capped at SigV4's 7 days and at
 * what the signing credentials allow: a link signed with a Lambda role's session dies when the
 * session does, so it is never promised longer than that (the share link covers the rest).
 * Session credentials without an expiry count as expiring an hour from now.
 */
export async function presignClip(
  s3: S3Client,
  bucket: string,
  clipId: string,
  requestedSeconds: number,
  clock: Clock = systemClock,
): Promise<PresignedLink> {
  return presignObject(s3, bucket, videoKey(clipId), requestedSeconds, clock);
}

/** A presigned GET for any object of the bucket, with the same caps as a clip's (above). */
export async function presignObject(
  s3: S3Client,
  bucket: string,
  key: string,
  requestedSeconds: number,
  clock: Clock = systemClock,
): Promise<PresignedLink> {
  const credentials = await s3.config.credentials();
  let expiresInSeconds = Math.min(requestedSeconds, MAX_LINK_EXPIRY_SECONDS);
  const expiresAt = credentialsExpiry(credentials, clock);
  if (expiresAt !== undefined) {
    const left = Math.floor((expiresAt - clock.now()) / 1000) - CREDENTIAL_MARGIN_SECONDS;
    expiresInSeconds = Math.max(MIN_USEFUL_SECONDS, Math.min(expiresInSeconds, left));
  }
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: expiresInSeconds,
  });
  return { url, expiresInSeconds, expiresAt: clock.now() + expiresInSeconds * 1000 };
}

/** When the credentials stop working (ms), or undefined for long-term keys. */
function credentialsExpiry(
  credentials: { sessionToken?: string | undefined; expiration?: Date | undefined },
  clock: Clock,
): number | undefined {
  if (credentials.expiration) return credentials.expiration.getTime();
  return credentials.sessionToken ? clock.now() + UNDATED_SESSION_SECONDS * 1000 : undefined;
}

/** The stable share link: `GET /v/{clipId}` redirects to a freshly presigned URL. */
export function shareLink(shareBaseUrl: string, clipId: string): string {
  return new URL(`v/${clipId}`, shareBaseUrl.endsWith('/') ? shareBaseUrl : `${shareBaseUrl}/`).toString();
}
