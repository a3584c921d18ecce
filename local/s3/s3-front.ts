import type { S3Client } from '@aws-sdk/client-s3';
import { AccountIam } from '../account/account-iam.js';
import { AwsEndpoint } from '../account/aws-endpoint.js';
import { Principals } from '../account/principals.js';
import { S3Service } from '../account/services/s3.js';
import { TemplateResolver } from '../account/template.js';
import { LOCAL_S3_CREDENTIALS, localS3Client, type LocalS3 } from './local-s3.js';

export interface S3Front {
  client: S3Client;
  url: string;
  /** The operator's key: what another process needs to call this front. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * The emulated account's S3 alone, in front of an s3rver, for the in-process workflow tests and
 * the transfer benchmark: signatures verified, multipart uploads listed and aborted as S3 does
 * (s3rver cannot), no template.
 */
export async function startS3Front(backend: LocalS3): Promise<S3Front> {
  const principals = new Principals();
  const iam = new AccountIam(new TemplateResolver({ Resources: {} }));
  const s3 = new S3Service(iam, {
    endpoint: backend.endpoint,
    region: 'us-east-1',
    keys: LOCAL_S3_CREDENTIALS,
  });
  const endpoint = new AwsEndpoint(principals, { s3, json: {} });
  const url = await endpoint.listen(0);
  const credentials = {
    accessKeyId: principals.operator.accessKeyId,
    secretAccessKey: principals.operator.secretAccessKey,
  };
  const client = localS3Client(url, credentials);
  return {
    client,
    url,
    credentials,
    close: async () => {
      client.destroy();
      await endpoint.close();
    },
  };
}
