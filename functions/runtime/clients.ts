import { S3Client } from '@aws-sdk/client-s3';
import type { ClipbayConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { TokenBayClient } from '../core/tokenbay/client.js';
import { freshConnectionFetch } from './fresh-connection-fetch.js';

/**
 * Clients made once per cold start (the TokenBay client again when its key is rotated). Each factory lives apart (see chat-notifier.ts) so a step's
 * bundle holds only the SDKs that step uses: Submit does not carry Slack or Discord code.
 */
let tokenBay: { apiKey: string; client: TokenBayClient } | undefined;
let s3: S3Client | undefined;

export function tokenBayClient(config: ClipbayConfig): TokenBayClient {
  if (!config.tokenBay.apiKey)
    throw new ConfigError('TOKENBAY_SECRET_ARN', 'points at a TokenBay secret that is not filled');
  if (tokenBay?.apiKey !== config.tokenBay.apiKey)
    tokenBay = {
      apiKey: config.tokenBay.apiKey,
      // The step Lambdas time out at 30 s: give up on TokenBay well before that.
      client: new TokenBayClient({
        baseUrl: config.tokenBay.baseUrl,
        apiKey: config.tokenBay.apiKey,
        timeoutMs: 20_000,
        // A submit never rides a pooled connection that may have died while Lambda froze us.
        submitFetch: freshConnectionFetch,
      }),
    };
  return tokenBay.client;
}

export function s3Client(config: ClipbayConfig): S3Client {
  return (s3 ??= new S3Client(
    config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {},
  ));
}
