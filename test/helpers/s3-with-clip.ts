import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { videoKey } from '../../functions/core/storage/video-object.js';
import { startLocalS3, type LocalS3 } from '../../local/s3/local-s3.js';

/** s3rver in a temporary directory, with one clip stored where SaveToS3 puts it; `close` removes both. */
export async function s3WithClip(clipId: string, bytes: Buffer): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'clipbay-s3-'));
  const s3 = await startLocalS3({ directory, bucket: 'clipbay-videos' });
  await s3.client.send(
    new PutObjectCommand({ Bucket: s3.bucket, Key: videoKey(clipId), Body: bytes, ContentType: 'video/mp4' }),
  );
  return {
    ...s3,
    close: async () => {
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
