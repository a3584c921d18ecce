/**
 * Child process of the transfer benchmark: runs one transfer (the real SaveToS3 step), or a
 * baseline (a plain fetch to nowhere; an upload of locally made bytes), sampling its own RSS, and prints JSON. The simulator and the S3 server
 * live in the parent, so this process's memory is the transfer's alone.
 */
import { TokenBayClient } from '../functions/core/tokenbay/client.js';
import { saveToS3Step } from '../functions/core/workflow/save-to-s3-step.js';
import { Upload } from '@aws-sdk/lib-storage';
import { localS3Client } from '../local/s3/local-s3.js';
import { SimulatedVideo } from '../local/simulator/simulated-video.js';
import { probe } from './probe.js';

const [mode, tokenBayUrl, taskId, s3Endpoint, , accessKeyId, secretAccessKey] = process.argv.slice(
  2,
) as string[] as [string, string, string, string, string, string, string];
const s3 = localS3Client(s3Endpoint, { accessKeyId, secretAccessKey });
const tokenBay = new TokenBayClient({ baseUrl: tokenBayUrl, apiKey: 'sk-bench' });

await probe(async () => {
  let bytes = 0;
  if (mode === 'upload') {
    // The S3 side alone: the same bytes, made in this process, uploaded with the same settings.
    const size = Number(process.argv[6]);
    await new Upload({
      client: s3,
      params: {
        Bucket: 'clipbay-videos',
        Key: `upload-only-${process.pid}`,
        Body: new SimulatedVideo(size).stream(),
      },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
    }).done();
    bytes = size;
  } else if (mode === 'fetch') {
    const response = await fetch(`${tokenBayUrl}/v1/videos/${taskId}/content`, {
      headers: { authorization: 'Bearer sk-bench' },
    });
    for await (const chunk of response.body!) bytes += (chunk as Uint8Array).byteLength;
  } else {
    const saved = await saveToS3Step(
      { tokenBay, s3, bucket: 'clipbay-videos' },
      {
        id: 'bench',
        request: {
          prompt: 'bench',
          model: 'veo-3.1-generate-preview',
          family: 'veo',
          duration: 8,
          resolution: '720p',
          ratio: '16:9',
          images: [],
          references: [],
        },
        replyTo: { platform: 'slack', responseUrl: 'https://hooks.slack.test/1', channelId: 'C1' },
        requestedBy: { id: 'U1', name: 'bench' },
        requestedAt: Date.now(),
        task: { taskId, clipId: `Bench${String(process.pid).padStart(17, '0')}`, submittedAt: Date.now() },
        status: { outcome: 'ready', rawStatus: 'SUCCESS', progress: 100, action: 'generate', polls: 1 },
      },
    );
    bytes = saved.bytes;
  }
  return bytes;
});
