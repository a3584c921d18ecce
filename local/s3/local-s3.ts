import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createServer } from 'node:net';
import S3rver from 's3rver';

/**
 * An S3-compatible server on this machine (s3rver). Presigned links point at it and open in a
 * browser. Known gaps: signatures are not verified, and AbortMultipartUpload answers 405.
 */
export interface LocalS3 {
  /** True for the embedded s3rver, false for a server named by S3_ENDPOINT. */
  embedded: boolean;
  endpoint: string;
  bucket: string;
  client: S3Client;
  close(): Promise<void>;
}

/** s3rver accepts only this access key id; the secret is not checked. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A client of an S3 on this machine: s3rver's key unless given another (the account's S3 front). */
export function localS3Client(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_S3_CREDENTIALS,
): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
}

/**
 * Starts s3rver on `preferredPort` when it is free (so presigned links stay stable across
 * restarts), else on a port the OS picks: s3rver itself would crash on a busy port.
 */
export async function startLocalS3(options: {
  directory: string;
  bucket: string;
  preferredPort?: number;
}): Promise<LocalS3> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.preferredPort ? await freeOrAny(options.preferredPort) : 0,
    silent: true,
    directory: options.directory,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    embedded: true,
    endpoint,
    bucket: options.bucket,
    client: localS3Client(endpoint),
    close: () => server.close(),
  };
}

function freeOrAny(port: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}

/**
 * An S3-compatible server of the user's (S3_ENDPOINT, e.g. MinIO) instead of the embedded one:
 * credentials from the usual AWS environment variables; the bucket is created if missing.
 */
export async function connectS3(endpoint: string, bucket: string): Promise<LocalS3> {
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  return { embedded: false, endpoint, bucket, client, close: async () => client.destroy() };
}
