import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenBayClient } from '../functions/core/tokenbay/client.js';
import { startLocalS3 } from '../local/s3/local-s3.js';
import { startS3Front } from '../local/s3/s3-front.js';
import { TokenBaySimulator } from '../local/simulator/tokenbay-simulator.js';
import { runProbe } from './probe.js';

const PROBE = fileURLToPath(new URL('./transfer-probe.ts', import.meta.url));

export interface TransferRow {
  sizeBytes: number;
  transferMBps: number;
  fetchMBps: number;
  uploadMBps: number;
  /** transfer / plain fetch of the same bytes (the goal: ≥ 0.7). */
  ratio: number;
  /** transfer / upload-only into the same S3 server: what clipbay's pipeline costs on top of S3. */
  ratioToUpload: number;
  rssGrowthMB: number;
  fetchRssGrowthMB: number;
}

/** The real transfer step vs a plain fetch of the same bytes, for each size, in one run. */
export async function measureTransfer(sizes: number[]): Promise<TransferRow[]> {
  const rows: TransferRow[] = [];
  for (const size of sizes) {
    const sim = new TokenBaySimulator({ generationSeconds: 0, videoSize: size });
    const url = await sim.start();
    const directory = await mkdtemp(join(tmpdir(), 'clipbay-bench-s3-'));
    const s3 = await startLocalS3({ directory, bucket: 'clipbay-videos' });
    // SaveToS3 lists and aborts leftover multipart uploads, which s3rver cannot: the account's S3
    // front does, as in the tests. Both the transfer and the upload-only baseline go through it.
    const front = await startS3Front(s3);
    try {
      const { id } = await new TokenBayClient({ baseUrl: url, apiKey: 'sk-bench' }).submit({
        model: 'veo-3.1-generate-preview',
        prompt: 'bench',
      });
      const probe = (mode: 'fetch' | 'transfer' | 'upload') =>
        runProbe(
          PROBE,
          [
            mode,
            url,
            id,
            front.url,
            String(size),
            front.credentials.accessKeyId,
            front.credentials.secretAccessKey,
          ],
          size,
        );
      const fetched = await probe('fetch');
      const transferred = await probe('transfer');
      const uploaded = await probe('upload');
      const mbps = (r: { ms: number }) => size / 1e6 / (r.ms / 1000);
      rows.push({
        sizeBytes: size,
        transferMBps: mbps(transferred),
        fetchMBps: mbps(fetched),
        uploadMBps: mbps(uploaded),
        ratio: mbps(transferred) / mbps(fetched),
        ratioToUpload: mbps(transferred) / mbps(uploaded),
        rssGrowthMB: transferred.rssGrowthBytes / 2 ** 20,
        fetchRssGrowthMB: fetched.rssGrowthBytes / 2 ** 20,
      });
    } finally {
      await front.close();
      await s3.close();
      await sim.stop();
      await rm(directory, { recursive: true, force: true });
    }
  }
  return rows;
}
