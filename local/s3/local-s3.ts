import { S3Client } from '@aws-sdk/client-s3';
import { createServer } from 'node:net';
import S3rver from 's3rver';

/**
 * An S3-compatible server on this machine (s3rver). Presigned links point at it and open in a
 * browser. Known gaps: signatures are not verified, and AbortMultipartUpload answers 405.
 */
export interface LocalS3 {
  endpoint: string;
  bucket: string;
  client: S3Client;
  close(): Promise<void>;
}

/** s3rver accepts only this access key id; the secret is not checked. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
  });
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
  return { endpoint, bucket: options.bucket, client: localS3Client(endpoint), close: () => server.close() };
}

function freeOrAny(port: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}
