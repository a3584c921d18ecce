/**
 * Child process of the upload benchmark: uploads one stored clip to a stand-in Slack the way
 * PostLink does (files.getUploadURLExternal, the bytes streamed from S3 to the upload URL,
 * files.completeUploadExternal), or reads the same object from S3 to nowhere (the baseline),
 * sampling its own RSS, and prints JSON. S3 and the chat stand-in live in the parent, so this
 * process's memory is the upload's alone.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { WebClient } from '@slack/web-api';
import { uploadClipToSlack } from '../bots/slack/slack-clip-upload.js';
import { s3ClipSource } from '../functions/core/storage/clip-source.js';
import { videoKey } from '../functions/core/storage/video-object.js';
import { localS3Client } from '../local/s3/local-s3.js';
import { probe } from './probe.js';

const [mode, s3Endpoint, clipId, size, slackApi] = process.argv.slice(2) as [
  'upload' | 'read',
  string,
  string,
  string,
  string,
];
const s3 = localS3Client(s3Endpoint);

await probe(async () => {
  let bytes = 0;
  if (mode === 'read') {
    const object = await s3.send(new GetObjectCommand({ Bucket: 'clipbay-videos', Key: videoKey(clipId) }));
    for await (const chunk of object.Body!.transformToWebStream()) bytes += (chunk as Uint8Array).byteLength;
  } else {
    const clip = s3ClipSource(s3, 'clipbay-videos', { clipId, bytes: Number(size), prompt: 'bench clip' });
    await uploadClipToSlack({
      web: new WebClient('xoxb-bench', { slackApiUrl: slackApi, retryConfig: { retries: 0 } }),
      channelId: 'CBENCH',
      clip,
      initialComment: 'bench',
      timeoutMs: 600_000,
      // Slack itself takes up to 1 GB; the 1 GiB run measures the pipeline past that.
      maxBytes: Infinity,
    });
    bytes = clip.bytes;
  }
  return bytes;
});
