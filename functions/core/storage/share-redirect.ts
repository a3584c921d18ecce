import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { presignClip } from './video-links.js';
import { CLIP_ID, videoKey } from './video-object.js';

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Fresh presigned links from the share link live this long; each visit signs a new one. */
const SHARE_REDIRECT_SECONDS = 3600;

/**
 * `GET /v/{clipId}`: a stable link that redirects to a freshly presigned URL, so a shared clip
 * keeps working after the link in chat has expired. Only well-formed clip ids under `clips/` can
 * be reached: it cannot list the bucket or fetch any other object.
 */
export async function shareRedirect(
  s3: S3Client,
  bucket: string,
  clipId: string | undefined,
): Promise<HttpAnswer> {
  if (!clipId || !CLIP_ID.test(clipId)) return text(404, 'No such clip.');
  const key = videoKey(clipId);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (
      status === 404 ||
      (error as Error).name === 'NotFound' ||
      (status === 403 && !(await exists(s3, bucket, key)))
    )
      return text(404, 'This clip has expired or never existed.');
    throw error;
  }
  const { url } = await presignClip(s3, bucket, clipId, SHARE_REDIRECT_SECONDS);
  return {
    statusCode: 302,
    headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    body: '',
  };
}

/**
 * S3 answers a missing key 404 only to a caller allowed s3:ListBucket, and whether a grant
 * conditioned on `s3:prefix` counts for that implicit check is not documented: a 403 may mean
 * "missing" or "not allowed". Listing the key itself (which that grant does allow) tells them apart.
 */
async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  const { Contents = [] } = await s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }),
  );
  return Contents.some((object) => object.Key === key);
}

function text(statusCode: number, body: string): HttpAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    body,
  };
}
