import { S3Client } from '@aws-sdk/client-s3';
import { AccountIam } from '../../local/account/account-iam.js';
import { AwsEndpoint } from '../../local/account/aws-endpoint.js';
import { Principals } from '../../local/account/principals.js';
import { S3Service } from '../../local/account/services/s3.js';
import { TemplateResolver } from '../../local/account/template.js';
import { LOCAL_S3_CREDENTIALS, type LocalS3 } from '../../local/s3/local-s3.js';

/**
 * The emulated account's S3 alone, in front of an s3rver, for the fast in-process workflow tests:
 * signatures verified, multipart uploads listed and aborted as S3 does (s3rver cannot), no template.
 */
export async function startS3Front(backend: LocalS3): Promise<{ client: S3Client; close(): Promise<void> }> {
  const principals = new Principals();
  const iam = new AccountIam(new TemplateResolver({ Resources: {} }));
  const s3 = new S3Service(iam, {
    endpoint: backend.endpoint,
    region: 'us-east-1',
    keys: LOCAL_S3_CREDENTIALS,
  });
  const endpoint = new AwsEndpoint(principals, { s3, json: {} });
  const url = await endpoint.listen(0);
  const client = new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: principals.operator.accessKeyId,
      secretAccessKey: principals.operator.secretAccessKey,
    },
  });
  return {
    client,
    close: async () => {
      client.destroy();
      await endpoint.close();
    },
  };
}
