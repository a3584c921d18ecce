import { Upload } from '@aws-sdk/lib-storage';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { videoKey } from '../functions/core/storage/video-object.js';
import { startLocalS3 } from '../local/s3/local-s3.js';
import { FakeChatServer } from '../local/simulator/fake-chat-api.js';
import { SimulatedVideo } from '../local/simulator/simulated-video.js';
import { runProbe } from './probe.js';

const PROBE = fileURLToPath(new URL('./upload-probe.ts', import.meta.url));

export interface UploadRow {
  sizeBytes: number;
  uploadMBps: number;
  readMBps: number;
  /** upload to chat / plain read of the same object from S3: what the upload costs on top of S3. */
  ratio: number;
  rssGrowthMB: number;
  readRssGrowthMB: number;
}

/**
 * The clip's upload to chat as PostLink makes it (streamed from S3 to Slack's upload URL), against
 * a plain read of the same object, for each size, in one run. The stand-in Slack hashes what it
 * receives and keeps no bytes, and checks that every byte arrived.
 */
export async function measureUpload(sizes: number[]): Promise<UploadRow[]> {
  const rows: UploadRow[] = [];
  for (const size of sizes) {
    const directory = await mkdtemp(join(tmpdir(), 'clipbay-bench-upload-'));
    const s3 = await startLocalS3({ directory, bucket: 'clipbay-videos' });
    const chat = new FakeChatServer({ keepBytesUpTo: 0 });
    await chat.start();
    const clipId = `Bench${String(size).padStart(17, '0')}`;
    try {
      await new Upload({
        client: s3.client,
        params: { Bucket: s3.bucket, Key: videoKey(clipId), Body: new SimulatedVideo(size).stream() },
        partSize: 8 * 2 ** 20,
        queueSize: 2,
      }).done();
      const probe = (mode: 'upload' | 'read') =>
        runProbe(PROBE, [mode, s3.endpoint, clipId, String(size), `${chat.url}/slack/api/`], size);
      const read = await probe('read');
      const uploaded = await probe('upload');
      const received = chat.requests.find((r) => r.path.startsWith('/slack/upload/'))?.files[0];
      if (received?.size !== size) throw new Error(`Slack received ${received?.size} of ${size} bytes`);
      const mbps = (r: { ms: number }) => size / 1e6 / (r.ms / 1000);
      rows.push({
        sizeBytes: size,
        uploadMBps: mbps(uploaded),
        readMBps: mbps(read),
        ratio: mbps(uploaded) / mbps(read),
        rssGrowthMB: uploaded.rssGrowthBytes / 2 ** 20,
        readRssGrowthMB: read.rssGrowthBytes / 2 ** 20,
      });
    } finally {
      await chat.stop();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    }
  }
  return rows;
}

/** The section of bench/results.md for these rows. */
export function uploadTable(rows: UploadRow[]): string {
  const f1 = (n: number) => n.toFixed(1);
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  const lines = [
    '| size | upload to Slack (from S3) | plain read of the object from S3 | upload / read | peak RSS growth (goal < 150 MB) | read-only RSS growth |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.sizeBytes >= 2 ** 30 ? '1 GiB' : '100 MiB'} | ${f1(r.uploadMBps)} MB/s | ${f1(r.readMBps)} MB/s | ${r.ratio.toFixed(2)} | ${f1(r.rssGrowthMB)} MB: ${mark(r.rssGrowthMB < 150)} | ${f1(r.readRssGrowthMB)} MB |`,
    ),
  ];
  return `${lines.join('\n')}\n\nThe upload makes Slack's three calls against a stand-in that hashes what it receives and keeps no bytes; every byte is checked to arrive. Memory stays flat in file size (${f1(rows[0]!.rssGrowthMB)} MB for 100 MiB, ${f1(rows.at(-1)!.rssGrowthMB)} MB for 1 GiB): the body is written only as fast as the socket takes it (node:http; Node 20's fetch read the stream ahead and grew by the file's size). Slack itself takes files up to 1 GB, so a real 1 GiB clip gets the link; the row measures the pipeline past that.\n`;
}
