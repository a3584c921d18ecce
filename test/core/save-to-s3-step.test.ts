import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TransferError, TransferInterruptedError } from '../../functions/core/errors.js';
import { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { saveToS3Step } from '../../functions/core/workflow/save-to-s3-step.js';
import { TokenBaySimulator } from '../../local/simulator/tokenbay-simulator.js';
import { manualClock } from '../helpers/clock.js';
import { request } from '../helpers/message-fixtures.js';

const CLIP = 'AbCdEfGhIjKlMnOpQrStUv';
const KEY = `clips/${CLIP}.mp4`;
const PART = 5 * 1024 * 1024;

/**
 * SaveToS3 in-process: the simulator serves the MP4 (with faults), S3 is a mocked client so each
 * call can be asserted (the workflow tests run the same step against a real S3 front).
 */
describe('SaveToS3', () => {
  const s3 = mockClient(S3Client);
  const clock = manualClock();
  let sim: TokenBaySimulator;
  let tokenBay: TokenBayClient;
  let taskId: string;
  let uploaded: Buffer[];

  beforeAll(async () => {
    sim = new TokenBaySimulator({ generationSeconds: 0, clock, videoSize: 12 * 1024 * 1024 + 17 });
    tokenBay = new TokenBayClient({ baseUrl: await sim.start(), apiKey: 'k', timeoutMs: 2000 });
    taskId = (await tokenBay.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' })).id;
    clock.advance(10);
  });
  afterAll(() => sim.stop());
  afterEach(() => s3.reset());

  function mockS3(leftovers: { Key?: string; UploadId?: string }[] = []) {
    uploaded = [];
    s3.on(ListMultipartUploadsCommand).resolves({ Uploads: leftovers });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3.on(UploadPartCommand).callsFake(async (input: { Body: Buffer | Uint8Array; PartNumber: number }) => {
      uploaded[input.PartNumber - 1] = Buffer.from(input.Body);
      return { ETag: `"e${input.PartNumber}"` };
    });
    s3.on(CompleteMultipartUploadCommand).resolves({});
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
  }

  const event = (resultUrl?: string) => ({
    id: 'exec-1',
    request: request('A Café at sea!'),
    replyTo: { platform: 'slack', responseUrl: 'https://hooks.slack.test/r', channelId: 'C1' },
    requestedBy: { id: 'U1', name: 'ana' },
    requestedAt: 1,
    task: { taskId, clipId: CLIP, submittedAt: 1 },
    status: {
      outcome: 'ready',
      rawStatus: 'SUCCESS',
      progress: 100,
      action: 'generate',
      polls: 2,
      ...(resultUrl ? { resultUrl } : {}),
    },
  });
  const deps = (extra: object = {}) => ({
    tokenBay,
    s3: new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    bucket: 'videos',
    partSizeBytes: PART,
    ...extra,
  });

  it('streams the whole video into one multipart upload under clips/, with the object headers', async () => {
    mockS3();
    const saved = await saveToS3Step(deps(), event(`${sim.url}/v1/videos/${taskId}/content`));
    expect(saved).toEqual({ key: KEY, bytes: sim.video.size, resumes: 0 });
    expect(Buffer.concat(uploaded).equals(sim.video.bytes())).toBe(true);
    expect(uploaded.map((b) => b.length)).toEqual([PART, PART, sim.video.size - 2 * PART]);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'videos',
      Key: KEY,
      ContentType: 'video/mp4',
      ContentDisposition: 'inline; filename="a-cafe-at-sea.mp4"',
      Metadata: { 'task-id': taskId, model: 'veo-3.1-generate-preview', 'requester-id': 'U1' },
    });
    expect(s3.commandCalls(ListMultipartUploadsCommand)[0]!.args[0].input).toEqual({
      Bucket: 'videos',
      Prefix: KEY,
    });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });

  it('uploads at most two parts at once by default (memory is about part size × 2)', async () => {
    mockS3();
    let inFlight = 0;
    let most = 0;
    // Each part is held until a second one is in flight, however slow the download of the next
    // part is on a loaded machine (an uploader that sends one part at a time never gets there, and
    // its parts are let through after 10 s: most stays 1), then 150 ms more, in which a third
    // part read meanwhile would be sent too (most 3).
    let secondInFlight = () => {};
    const twoInFlight = new Promise<void>((resolve) => (secondInFlight = resolve));
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
    s3.on(UploadPartCommand).callsFake(async (input: { PartNumber: number }) => {
      most = Math.max(most, ++inFlight);
      if (inFlight >= 2) secondInFlight();
      await Promise.race([twoInFlight, wait(10_000)]);
      await wait(150);
      inFlight--;
      return { ETag: `"e${input.PartNumber}"` };
    });
    await saveToS3Step({ ...deps(), partSizeBytes: 1024 * 1024 * 5 }, event());
    expect(s3.commandCalls(UploadPartCommand)).toHaveLength(3);
    expect(most).toBe(2);
  });

  it('downloads by task id when the status has no result URL, in 8 MiB parts by default', async () => {
    mockS3();
    const saved = await saveToS3Step({ ...deps(), partSizeBytes: undefined }, event());
    expect(saved.bytes).toBe(sim.video.size);
    expect(uploaded.map((b) => b.length)).toEqual([8 * 1024 * 1024, sim.video.size - 8 * 1024 * 1024]);
    expect(sim.requests.at(-1)!.path).toBe(`/v1/videos/${taskId}/content`);
  });

  it('first aborts uploads an earlier attempt left under the same key, and only those', async () => {
    mockS3([
      { Key: KEY, UploadId: 'old-1' },
      { Key: `${KEY}.other`, UploadId: 'old-2' },
      { Key: KEY },
      { Key: KEY, UploadId: 'old-3' },
    ]);
    await saveToS3Step(deps(), event());
    expect(s3.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'videos', Key: KEY, UploadId: 'old-1' },
      { Bucket: 'videos', Key: KEY, UploadId: 'old-3' },
    ]);
  });

  it('resumes a cut download and tells onResume where from', async () => {
    mockS3();
    const resumes: number[] = [];
    sim.inject('content', { resetAtFraction: 0.6 });
    const saved = await saveToS3Step(deps({ onResume: (offset: number) => resumes.push(offset) }), event());
    expect(saved.resumes).toBe(1);
    expect(resumes).toHaveLength(1);
    expect(resumes[0]).toBeGreaterThan(0);
    expect(Buffer.concat(uploaded).equals(sim.video.bytes())).toBe(true);
  });

  it('gives up after three resumes with TransferInterruptedError, and aborts its upload', async () => {
    mockS3();
    sim.inject('content', ...[0.45, 0.5, 0.55, 0.6].map((resetAtFraction) => ({ resetAtFraction })));
    const error = await saveToS3Step(deps(), event()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransferInterruptedError);
    expect(s3.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'videos', Key: KEY, UploadId: 'up-1' },
    ]);
  });

  it('wraps an S3 failure in TransferError with the bytes it got, after aborting', async () => {
    mockS3();
    s3.on(UploadPartCommand)
      .resolvesOnce({ ETag: '"e1"' })
      .rejects(Object.assign(new Error('internal'), { name: 'InternalError' }));
    const error = (await saveToS3Step(deps(), event()).catch((e: unknown) => e)) as TransferError;
    expect(error).toBeInstanceOf(TransferError);
    expect(error.name).toBe('TransferError');
    expect(error.message).toMatch(/^Saving the video to storage failed after \d+ bytes\.$/);
    expect((error.cause as Error).name).toBe('InternalError');
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it('refuses an event without a ready status or a clip id that is not one', async () => {
    mockS3();
    await expect(saveToS3Step(deps(), { ...event(), status: undefined })).rejects.toThrow();
    await expect(
      saveToS3Step(deps(), { ...event(), task: { taskId, clipId: '../../etc', submittedAt: 1 } }),
    ).rejects.toThrow();
    expect(s3.commandCalls(ListMultipartUploadsCommand)).toHaveLength(0);
  });
});
