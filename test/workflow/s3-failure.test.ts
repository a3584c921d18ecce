import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFailedCleanly } from '../helpers/failed-run.js';
import { startHarness, type Harness } from '../helpers/workflow-harness.js';

/**
 * S3 failing mid-upload with an internal error on UploadPart, which no local S3 server can be made
 * to do on demand: the S3 client is mocked here (the only mock; everything else is the real
 * workflow against the simulator), and "nothing orphaned" is proven by the abort call itself.
 * The emulated account's own S3 tracks uploads, and test/reliability/deployed-faults.test.ts shows
 * ListMultipartUploads empty after a container is killed mid-transfer.
 */
describe('video workflow when S3 fails mid-upload', () => {
  const s3 = mockClient(S3Client);
  let h: Harness;

  beforeAll(async () => {
    s3.on(ListMultipartUploadsCommand).resolves({ Uploads: [] });
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
    s3.on(UploadPartCommand)
      .resolvesOnce({ ETag: '"part-1"' })
      .rejects(Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError' }));
    s3.on(AbortMultipartUploadCommand).resolves({});
    h = await startHarness({
      s3Client: new S3Client({ region: 'us-east-1' }),
      sim: { videoSize: 12 * 1024 * 1024 },
      partSizeBytes: 5 * 1024 * 1024,
    });
  });
  afterAll(async () => {
    await h.close();
    s3.restore();
  });

  it('aborts the multipart upload, tells the user, and submitted once', async () => {
    const execution = await h.run('a lighthouse', 's3-fail');
    expectFailedCleanly(execution, h.notifier.for('C-s3-fail'));

    const aborts = s3.commandCalls(AbortMultipartUploadCommand);
    expect(aborts.length).toBeGreaterThanOrEqual(1);
    for (const abort of aborts)
      expect(abort.args[0].input).toMatchObject({ Bucket: 'clipbay-videos', UploadId: 'upload-1' });
    // Every upload that was created was aborted: one abort per CreateMultipartUpload.
    expect(aborts.length).toBe(s3.commandCalls(CreateMultipartUploadCommand).length);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);

    const failed = h.notifier.for('C-s3-fail').find((m) => m.kind === 'failed');
    expect(failed?.kind === 'failed' && failed.failure).toMatchObject({
      kind: 'internal',
      reason: 'The video was made, but saving it failed. An admin can look it up with the reference below.',
      reference: 's3-fail',
    });
    expect(h.sim.submits()).toHaveLength(1);
  });
});
