import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { TransferError } from '../errors.js';
import { videoKey, videoObjectHeaders } from '../storage/video-object.js';
import type { TokenBayClient } from '../tokenbay/client.js';
import { resumingDownload } from '../transfer/resuming-download.js';
import { afterPollSchema, type SavedVideo } from './execution-state.js';

export interface SaveToS3Deps {
  tokenBay: TokenBayClient;
  s3: S3Client;
  bucket: string;
  /** Multipart part size; memory in use is about partSize × queueSize. Default 8 MiB. */
  partSizeBytes?: number;
  queueSize?: number;
  onResume?: (offset: number) => void;
}

/**
 * SaveToS3: streams the finished MP4 from TokenBay into S3 as a multipart upload, resuming a
 * broken download with Range, never holding the file in memory. On any failure the multipart
 * upload is aborted (lib-storage does it with `leavePartsOnError: false`), so no parts are left.
 * A container that was killed mid-transfer cannot abort its own upload, so each attempt first
 * aborts any upload an earlier attempt left under the same key.
 */
export async function saveToS3Step(deps: SaveToS3Deps, event: unknown): Promise<SavedVideo> {
  const input = afterPollSchema.parse(event);
  const key = videoKey(input.task.clipId);
  await abortLeftoverUploads(deps.s3, deps.bucket, key);
  const download = resumingDownload(
    (offset) => deps.tokenBay.content(input.status.resultUrl ?? input.task.taskId, { offset }),
    { onResume: deps.onResume },
  );
  const upload = new Upload({
    client: deps.s3,
    params: {
      Bucket: deps.bucket,
      Key: key,
      Body: download.stream,
      ...videoObjectHeaders(input.request, input.task.taskId, input.requestedBy),
    },
    partSize: deps.partSizeBytes ?? 8 * 1024 * 1024,
    queueSize: deps.queueSize ?? 2,
    leavePartsOnError: false,
  });
  try {
    await upload.done();
  } catch (error) {
    download.stream.destroy();
    if (error instanceof TransferError) throw error;
    throw new TransferError(`Saving the video to storage failed after ${download.progress.bytes} bytes.`, {
      cause: error,
    });
  }
  return { key, bytes: download.progress.bytes, resumes: download.progress.resumes };
}

async function abortLeftoverUploads(s3: S3Client, bucket: string, key: string): Promise<void> {
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  for (const upload of Uploads.filter((u) => u.Key === key && u.UploadId))
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }));
}
