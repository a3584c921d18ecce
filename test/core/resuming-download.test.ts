import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransferIntegrityError, TransferInterruptedError } from '../../functions/core/errors.js';
import { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { resumingDownload } from '../../functions/core/transfer/resuming-download.js';
import { TokenBaySimulator } from '../../local/simulator/tokenbay-simulator.js';
import { manualClock } from '../helpers/clock.js';
import { collect } from '../helpers/streams.js';

describe('resumingDownload', () => {
  let sim: TokenBaySimulator;
  let client: TokenBayClient;
  let taskId: string;

  beforeEach(async () => {
    const clock = manualClock();
    sim = new TokenBaySimulator({ generationSeconds: 10, clock, videoSize: 2_000_003 });
    client = new TokenBayClient({ baseUrl: await sim.start(), apiKey: 'sk-test' });
    ({ id: taskId } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' }));
    clock.advance(10);
  });
  afterEach(() => sim.stop());

  it.each([0.1, 0.5, 0.99])(
    'resumes a connection reset at %s of the file into byte-identical output',
    async (fraction) => {
      sim.inject('content', { resetAtFraction: fraction });
      const resumedAt: number[] = [];
      const download = resumingDownload((offset) => client.content(taskId, { offset }), {
        onResume: (offset) => resumedAt.push(offset),
      });
      const bytes = await collect(download.stream);
      expect(bytes.equals(sim.video.bytes())).toBe(true);
      expect(resumedAt).toEqual([Math.floor(sim.video.size * fraction)]);
      expect(download.progress).toMatchObject({
        bytes: sim.video.size,
        resumes: 1,
        totalLength: sim.video.size,
      });
      expect(sim.requests.filter((r) => r.route === 'content').map((r) => r.range)).toEqual([
        undefined,
        `bytes=${resumedAt[0]}-`,
      ]);
    },
  );

  it('resumes after a 503 on the first request too', async () => {
    sim.inject('content', 'server-error');
    const download = resumingDownload((offset) => client.content(taskId, { offset }));
    expect((await collect(download.stream)).equals(sim.video.bytes())).toBe(true);
  });

  it('gives up after maxResumes with the offset it reached', async () => {
    sim.inject('content', { resetAtFraction: 0.2 }, { resetAtFraction: 0.4 }, { resetAtFraction: 0.6 });
    const download = resumingDownload((offset) => client.content(taskId, { offset }), { maxResumes: 2 });
    const error = await collect(download.stream).catch((e) => e);
    expect(error).toBeInstanceOf(TransferInterruptedError);
    expect(error.offset).toBe(Math.floor(sim.video.size * 0.6));
  });

  it('fails when the bytes received do not match the length TokenBay announced', async () => {
    const short = resumingDownload(async (offset) => ({
      stream: Readable.from([Buffer.alloc(1000)]),
      offset,
      contentLength: 1000,
      totalLength: 2000,
      contentType: 'video/mp4',
    }));
    const error = await collect(short.stream).catch((e) => e);
    expect(error).toBeInstanceOf(TransferIntegrityError);
    expect(error.message).toBe('The download ended at 1000 bytes but TokenBay announced 2000.');
  });
});
