import { S3Client } from '@aws-sdk/client-s3';
import type { ClipbayConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { TokenBayClient } from '../core/tokenbay/client.js';
import { freshConnectionFetch } from './fresh-connection-fetch.js';
import { remembered } from './remembered.js';

/**
 * Clients made once per cold start (the TokenBay client again when its key is rotated). Each factory
 * lives apart (see lambda-notifier.ts) so a step's bundle holds only the SDKs that step uses: Submit
 * does not carry a chat SDK.
 */
const tokenBay = remembered(
  ({ baseUrl, apiKey }: { baseUrl: string; apiKey: string }) =>
    new TokenBayClient({
      baseUrl,
      apiKey,
      // The step Lambdas time out at 30 s: give up on TokenBay well before that.
      timeoutMs: 20_000,
      // A submit never rides a pooled connection that may have died while Lambda froze us.
      submitFetch: freshConnectionFetch,
    }),
);

export function tokenBayClient(config: ClipbayConfig): TokenBayClient {
  const { apiKey, baseUrl } = config.tokenBay;
  if (!apiKey) throw new ConfigError('TOKENBAY_SECRET_ARN', 'points at a TokenBay secret that is not filled');
  return tokenBay({ baseUrl, apiKey });
}

const s3 = remembered(
  (endpoint: string | undefined) => new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {}),
);

export function s3Client(config: ClipbayConfig): S3Client {
  return s3(config.s3Endpoint);
}
