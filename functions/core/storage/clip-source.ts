import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ClipSource } from '../notify/notifier.js';
import { downloadFilename, videoKey } from './video-object.js';

/**
 * A stored clip as a ClipSource: each `open()` is a GetObject whose body streams straight from
 * S3, so an upload to chat never holds the file (PostLink's role has s3:GetObject on clips/).
 */
export function s3ClipSource(
  s3: S3Client,
  bucket: string,
  clip: { clipId: string; bytes: number; prompt: string },
): ClipSource {
  return {
    filename: downloadFilename(clip.prompt),
    contentType: 'video/mp4',
    bytes: clip.bytes,
    async open(signal) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: videoKey(clip.clipId) }), {
        abortSignal: signal,
      });
      if (!object.Body) throw new Error(`S3 returned no body for clip ${clip.clipId}.`);
      return object.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    },
  };
}
