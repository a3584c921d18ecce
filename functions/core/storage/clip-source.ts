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
      return pulled(object.Body as unknown as AsyncIterable<Uint8Array>);
    },
  };
}

/**
 * A web stream that reads its source only when its reader asks. Not `transformToWebStream()`:
 * on Node 20 that is `Readable.toWeb`, which reads ahead without limit, so a slow upload would
 * queue the whole clip in memory (1 GiB measured for a 1 GiB clip).
 */
function pulled(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
