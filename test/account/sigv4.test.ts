import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalHeaderValues,
  parseAuthorization,
  sha256,
  signRequest,
  verifySignature,
  type SignableRequest,
} from '../../local/account/sigv4.js';

const KEYS = {
  accessKeyId: 'LOCALFAKEKEY00000001',
  secretAccessKey: 'secret/key+with=chars',
  sessionToken: 'tok'.repeat(370),
};
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

/** The hash the SDK's signer takes: SHA-256, or HMAC-SHA-256 when given a key. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(data);
}

type Req = {
  method: string;
  protocol: string;
  hostname: string;
  port: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
};
const HttpRequest = function (this: unknown, r: Req) {
  return r;
} as unknown as new (r: Req) => Req;

/** Signs with the AWS SDK's own signer, then checks that the local account's verifier agrees. */
async function sdkSigned(
  request: {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers: Record<string, string>;
    body?: string;
  },
  service: string,
) {
  const signer = new SignatureV4({
    credentials: KEYS,
    region: 'us-east-1',
    service,
    sha256: Sha256,
    uriEscapePath: service !== 's3',
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4567,
      path: request.path,
      query: request.query ?? {},
      headers: { host: '127.0.0.1:4567', ...request.headers },
      body: request.body,
    }),
    { signingDate: new Date(NOW) },
  );
  return toSignable(signed.method, signed.path, signed.query as Record<string, string>, signed.headers);
}

function toSignable(
  method: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): SignableRequest {
  return {
    method,
    path,
    query: Object.entries(query),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  };
}

describe('SigV4 as the local account checks it', () => {
  it('joins a header sent twice with "," as SigV4 does (Node joins with ", "), trimming each value', async () => {
    // Signed by the SDK's signer with the one canonical value…
    const signed = await sdkSigned(
      {
        method: 'GET',
        path: '/clipbay-videos/clips/x.mp4',
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-meta-tag': 'one,two  three' },
      },
      's3',
    );
    // …and sent on the wire as two header lines, the second with spaces around it.
    const raw = Object.entries(signed.headers).flatMap(([name, value]) =>
      name === 'x-amz-meta-tag'
        ? ['X-Amz-Meta-Tag', 'one', 'x-amz-meta-tag', '  two   three ']
        : [name, value!],
    );
    const headers = canonicalHeaderValues(raw);
    expect(headers['x-amz-meta-tag']).toBe('one,two three');
    const request = { ...signed, headers };
    await expect(
      verifySignature(request, parseAuthorization(request), KEYS.secretAccessKey, { nowMs: NOW }),
    ).resolves.toBeUndefined();
    // Node's own join (IncomingMessage.headers) would have refused it.
    const nodeJoined = { ...signed, headers: { ...headers, 'x-amz-meta-tag': 'one, two three' } };
    await expect(
      verifySignature(nodeJoined, parseAuthorization(nodeJoined), KEYS.secretAccessKey, { nowMs: NOW }),
    ).rejects.toThrow(/does not match/);
  });

  it("refuses a credential scope whose date is not the signing time's day, and signed chunks or a signed Date header it cannot check", async () => {
    const request = await sdkSigned(
      {
        method: 'GET',
        path: '/clipbay-videos/clips/x.mp4',
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      's3',
    );
    const auth = parseAuthorization(request);
    await expect(
      verifySignature(request, { ...auth, date: '20261125' }, KEYS.secretAccessKey, { nowMs: NOW }),
    ).rejects.toThrow(
      /Date in the credential scope \(20261125\) does not match the signing date \(20261126\)/,
    );
    // The SDK signer the account verifies with never signs Date (it signs x-amz-date instead).
    await expect(
      verifySignature(
        request,
        { ...auth, signedHeaders: ['date', ...auth.signedHeaders] },
        KEYS.secretAccessKey,
        {
          nowMs: NOW,
        },
      ),
    ).rejects.toMatchObject({ code: 'AccessDenied', message: expect.stringMatching(/signed Date header/) });
    const chunked = await sdkSigned(
      {
        method: 'PUT',
        path: '/clipbay-videos/clips/x.mp4',
        headers: {
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'content-encoding': 'aws-chunked',
        },
      },
      's3',
    );
    await expect(
      verifySignature(chunked, parseAuthorization(chunked), KEYS.secretAccessKey, { nowMs: NOW }),
    ).rejects.toThrow(/Signed aws-chunked payloads/);
  });

  it('accepts a JSON API request the SDK signed, with the body hash', async () => {
    const body = '{"SecretId":"arn:aws:secretsmanager:us-east-1:123456789012:secret:Slack-abc"}';
    const request = await sdkSigned(
      {
        method: 'POST',
        path: '/',
        headers: {
          'x-amz-target': 'secretsmanager.GetSecretValue',
          'content-type': 'application/x-amz-json-1.1',
        },
        body,
      },
      'secretsmanager',
    );
    const auth = parseAuthorization(request);
    expect(auth.accessKeyId).toBe(KEYS.accessKeyId);
    expect(auth.sessionToken).toBe(KEYS.sessionToken);
    await expect(
      verifySignature(request, auth, KEYS.secretAccessKey, { payloadHash: sha256(body), nowMs: NOW }),
    ).resolves.toBeUndefined();
    // A changed body, a wrong key, or a stale clock do not pass.
    await expect(
      verifySignature(request, auth, KEYS.secretAccessKey, { payloadHash: sha256(`${body} `), nowMs: NOW }),
    ).rejects.toThrow(/does not match/);
    await expect(
      verifySignature(request, auth, 'other', { payloadHash: sha256(body), nowMs: NOW }),
    ).rejects.toThrow(/does not match/);
    await expect(
      verifySignature(request, auth, KEYS.secretAccessKey, {
        payloadHash: sha256(body),
        nowMs: NOW + 16 * 60_000,
      }),
    ).rejects.toThrow(/skewed/);
  });

  it('accepts an S3 request with an encoded key and a query, and refuses a changed path', async () => {
    const request = await sdkSigned(
      {
        method: 'GET',
        path: '/clipbay-videos/clips/a%20b%2Bc.mp4',
        query: { 'x-id': 'GetObject', partNumber: '1' },
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', range: 'bytes=0-9' },
      },
      's3',
    );
    const auth = parseAuthorization(request);
    await expect(
      verifySignature(request, auth, KEYS.secretAccessKey, { nowMs: NOW }),
    ).resolves.toBeUndefined();
    await expect(
      verifySignature({ ...request, path: '/clipbay-videos/clips/other.mp4' }, auth, KEYS.secretAccessKey, {
        nowMs: NOW,
      }),
    ).rejects.toThrow(/does not match/);
  });

  it('checks a presigned URL from the SDK presigner: signature, then expiry', async () => {
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4567',
      credentials: KEYS,
      forcePathStyle: true,
    });
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'clipbay-videos', Key: 'clips/x.mp4' }), {
        expiresIn: 3600,
        signingDate: new Date(NOW),
      }),
    );
    const request = toSignable('GET', url.pathname, Object.fromEntries(url.searchParams), { host: url.host });
    const auth = parseAuthorization(request);
    expect(auth.presigned).toBe(true);
    expect(url.href.length).toBeGreaterThan(1100); // a real-sized session token rides in the URL
    await expect(
      verifySignature(request, auth, KEYS.secretAccessKey, { nowMs: NOW + 3599_000 }),
    ).resolves.toBeUndefined();
    await expect(
      verifySignature(request, auth, KEYS.secretAccessKey, { nowMs: NOW + 3601_000 }),
    ).rejects.toThrow(/expired/);
    const tampered = {
      ...request,
      query: request.query.map(([k, v]) => [k, k === 'X-Amz-Expires' ? '7200' : v] as [string, string]),
    };
    await expect(
      verifySignature(tampered, parseAuthorization(tampered), KEYS.secretAccessKey, { nowMs: NOW }),
    ).rejects.toThrow(/does not match/);
  });

  it('signs requests the SDK signer would sign the same way', async () => {
    const base: SignableRequest = {
      method: 'PUT',
      path: '/bucket/key.mp4',
      query: [
        ['partNumber', '2'],
        ['uploadId', 'u/1'],
      ],
      headers: { host: '127.0.0.1:4567', 'content-type': 'video/mp4' },
    };
    const added = await signRequest(
      base,
      KEYS,
      { region: 'us-east-1', service: 's3' },
      'UNSIGNED-PAYLOAD',
      NOW,
    );
    const request = { ...base, headers: { ...base.headers, ...added } };
    await expect(
      verifySignature(request, parseAuthorization(request), KEYS.secretAccessKey, { nowMs: NOW }),
    ).resolves.toBeUndefined();
    const sdk = await sdkSigned(
      {
        method: 'PUT',
        path: '/bucket/key.mp4',
        query: { partNumber: '2', uploadId: 'u/1' },
        headers: { 'content-type': 'video/mp4', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      's3',
    );
    expect(added.authorization!.split('Signature=')[1]).toBe(
      sdk.headers.authorization!.split('Signature=')[1],
    );
  });
});
