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

/** A URL from the SDK's presigner, valid for an hour from NOW, as the account receives it. */
async function presignedUrl() {
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
  s3.destroy();
  const request = toSignable('GET', url.pathname, Object.fromEntries(url.searchParams), { host: url.host });
  return { url, request, auth: parseAuthorization(request) };
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
    const { url, request, auth } = await presignedUrl();
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

describe('SigV4: what the parser accepts, and the edges of each check', () => {
  const SIGNATURE = 'ab'.repeat(32);
  const HEADER = `AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}`;
  const withHeader = (authorization: string | undefined, amzDate: string | undefined = '20261126T120000Z') =>
    parseAuthorization({
      method: 'GET',
      path: '/',
      query: [],
      headers: { authorization, 'x-amz-date': amzDate },
    });
  const presigned = (changes: Record<string, string | undefined>) => {
    const query: Record<string, string | undefined> = {
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKID/20261126/us-east-1/s3/aws4_request',
      'X-Amz-Date': '20261126T120000Z',
      'X-Amz-Expires': '60',
      'X-Amz-Signature': SIGNATURE,
      ...changes,
    };
    return parseAuthorization({
      method: 'GET',
      path: '/',
      query: Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
      headers: {},
    });
  };
  const refusal = (code: string, message: string) => expect.objectContaining({ name: code, code, message });

  it('reads the Authorization header with or without a space after each comma, and around it', () => {
    const expected = {
      accessKeyId: 'AKID',
      date: '20261126',
      region: 'us-east-1',
      service: 's3',
      signedHeaders: ['host', 'x-amz-date'],
      signature: SIGNATURE,
      presigned: false,
    };
    expect(withHeader(HEADER)).toMatchObject(expected);
    expect(withHeader(HEADER.replace(/, /g, ','))).toMatchObject(expected);
    expect(withHeader(`  ${HEADER} `)).toMatchObject(expected);
  });

  it('refuses an Authorization header with anything before or after it, or without x-amz-date', () => {
    const notSigV4 = refusal('IncompleteSignature', 'Authorization header is not SigV4.');
    expect(() => withHeader(`Bearer x ${HEADER}`)).toThrow(notSigV4);
    expect(() => withHeader(`${HEADER}, Extra=1`)).toThrow(notSigV4);
    expect(() => withHeader(`${HEADER}0`)).toThrow(notSigV4);
    expect(() => withHeader(HEADER, '')).toThrow(refusal('IncompleteSignature', 'x-amz-date is missing.'));
    expect(() => withHeader(undefined)).toThrow(
      refusal('MissingAuthenticationToken', 'The request is not signed.'),
    );
  });

  it('reads a presigned query (signing host alone when it names no headers), and refuses an incomplete one', () => {
    expect(presigned({})).toMatchObject({
      accessKeyId: 'AKID',
      signedHeaders: ['host'],
      expiresSeconds: 60,
      presigned: true,
    });
    const incomplete = refusal('IncompleteSignature', 'The presigned URL is incomplete.');
    for (const changes of [
      { 'X-Amz-Credential': 'x/AKID/20261126/us-east-1/s3/aws4_request' },
      { 'X-Amz-Credential': 'AKID/20261126/us-east-1/s3/aws4_request/x' },
      { 'X-Amz-Credential': undefined },
      { 'X-Amz-Signature': `z${SIGNATURE}` },
      { 'X-Amz-Signature': `${SIGNATURE}0` },
      { 'X-Amz-Signature': undefined },
      { 'X-Amz-Date': undefined },
    ])
      expect(() => presigned(changes), JSON.stringify(changes)).toThrow(incomplete);
    // Another algorithm is no signature at all.
    expect(() => presigned({ 'X-Amz-Algorithm': 'AWS4-ECDSA-P256-SHA256' })).toThrow(
      refusal('MissingAuthenticationToken', 'The request is not signed.'),
    );
  });

  it('a presigned URL is valid to its last millisecond and up to 15 minutes before its signing time', async () => {
    const { request, auth } = await presignedUrl();
    const at = (nowMs: number) => verifySignature(request, auth, KEYS.secretAccessKey, { nowMs });
    await expect(at(NOW + 3600_000)).resolves.toBeUndefined();
    await expect(at(NOW + 3600_001)).rejects.toThrow(refusal('AccessDenied', 'Request has expired'));
    await expect(at(NOW - 1000)).resolves.toBeUndefined();
    await expect(at(NOW - 15 * 60_000)).resolves.toBeUndefined();
    await expect(at(NOW - 15 * 60_000 - 1000)).rejects.toThrow(
      refusal('AccessDenied', 'Request is not valid yet (signed in the future).'),
    );
  });

  it('X-Amz-Expires must be a whole number of seconds from 1 to 604800', async () => {
    const { request, auth } = await presignedUrl();
    // The expiry read from the query, changed here alone: the signature still covers the URL's.
    const expiring = (expiresSeconds: number) =>
      verifySignature(request, { ...auth, expiresSeconds }, KEYS.secretAccessKey, { nowMs: NOW });
    await expect(expiring(1)).resolves.toBeUndefined();
    await expect(expiring(604_800)).resolves.toBeUndefined();
    const outOfRange = refusal('AccessDenied', 'X-Amz-Expires must be between 1 and 604800 seconds.');
    for (const seconds of [0, -5, 604_801, 1.5, Number.NaN])
      await expect(expiring(seconds)).rejects.toThrow(outOfRange);
  });

  it('a presigned S3 URL signs UNSIGNED-PAYLOAD, whatever x-amz-content-sha256 or body comes with it', async () => {
    const { request, auth } = await presignedUrl();
    const sent = { ...request, headers: { ...request.headers, 'x-amz-content-sha256': sha256('other') } };
    await expect(
      verifySignature(sent, auth, KEYS.secretAccessKey, { nowMs: NOW, payloadHash: sha256('body') }),
    ).resolves.toBeUndefined();
  });

  it('a request signed by header may be up to 15 minutes off the clock, either way', async () => {
    const request = await sdkSigned(
      {
        method: 'GET',
        path: '/clipbay-videos/clips/x.mp4',
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      's3',
    );
    const auth = parseAuthorization(request);
    const at = (nowMs: number) => verifySignature(request, auth, KEYS.secretAccessKey, { nowMs });
    await expect(at(NOW + 15 * 60_000)).resolves.toBeUndefined();
    await expect(at(NOW - 15 * 60_000)).resolves.toBeUndefined();
    const skewed = refusal('SignatureDoesNotMatch', 'Signature expired: the request time is too skewed.');
    await expect(at(NOW + 15 * 60_000 + 1000)).rejects.toThrow(skewed);
    await expect(at(NOW - 15 * 60_000 - 1000)).rejects.toThrow(skewed);
  });

  it('checks a JSON request that sends x-amz-content-sha256 unsigned with that hash', async () => {
    const body = '{"SecretId":"Slack"}';
    // Signed without the header (as a signer that does not add it would), then sent with it.
    const signer = new SignatureV4({
      credentials: KEYS,
      region: 'us-east-1',
      service: 'secretsmanager',
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4567,
        path: '/',
        query: {},
        headers: { host: '127.0.0.1:4567', 'x-amz-target': 'secretsmanager.GetSecretValue' },
        body,
      }),
      { signingDate: new Date(NOW) },
    );
    const request = toSignable('POST', '/', {}, { ...signed.headers, 'x-amz-content-sha256': sha256(body) });
    const auth = parseAuthorization(request);
    expect(auth.signedHeaders).not.toContain('x-amz-content-sha256');
    await expect(
      verifySignature(request, auth, KEYS.secretAccessKey, { nowMs: NOW }),
    ).resolves.toBeUndefined();
  });

  it('refuses a signing date that is not exactly yyyyMMddTHHmmssZ, naming its first 20 characters', async () => {
    const request = await sdkSigned(
      { method: 'GET', path: '/clipbay-videos/x', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      's3',
    );
    const auth = parseAuthorization(request);
    const dated = (amzDate: string) =>
      verifySignature(request, { ...auth, amzDate }, KEYS.secretAccessKey, { nowMs: NOW });
    await expect(dated('20261126T120000Zjunk')).rejects.toThrow(
      refusal('IncompleteSignature', 'Bad signing date 20261126T120000Zjunk.'),
    );
    await expect(dated('X20261126T120000Z')).rejects.toThrow(
      refusal('IncompleteSignature', 'Bad signing date X20261126T120000Z.'),
    );
    await expect(dated(`20261126T120000Z${'9'.repeat(30)}`)).rejects.toThrow(
      refusal('IncompleteSignature', 'Bad signing date 20261126T120000Z9999.'),
    );
  });

  it('checks a query parameter sent more than once with all its values', async () => {
    const signer = new SignatureV4({
      credentials: KEYS,
      region: 'us-east-1',
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
    });
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: '/clipbay-videos',
        query: { tag: ['b', 'a'], 'list-type': '2' },
        headers: { host: '127.0.0.1:4567', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      { signingDate: new Date(NOW) },
    );
    const request: SignableRequest = {
      method: 'GET',
      path: '/clipbay-videos',
      query: [
        ['tag', 'b'],
        ['list-type', '2'],
        ['tag', 'a'],
      ],
      headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
    };
    await expect(
      verifySignature(request, parseAuthorization(request), KEYS.secretAccessKey, { nowMs: NOW }),
    ).resolves.toBeUndefined();
  });

  it('signs only host, x-amz-* and content-type, and encodes the path again for every service but S3', async () => {
    const signedBy = async (service: string, path: string, headers: Record<string, string>) => {
      const added = await signRequest(
        { method: 'GET', path, query: [], headers: { host: '127.0.0.1:4567', ...headers } },
        KEYS,
        { region: 'us-east-1', service },
        'UNSIGNED-PAYLOAD',
        NOW,
      );
      return added.authorization!;
    };
    const withRange = await signedBy('s3', '/bucket/k.mp4', {
      'content-type': 'video/mp4',
      range: 'bytes=0-9',
      'content-length': '10',
      'x-amz-meta-tag': 'a',
    });
    expect(withRange).toContain(
      'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-tag;x-amz-security-token,',
    );
    for (const [service, path] of [
      ['s3', '/bucket/a%20b%2Bc.mp4'],
      [
        'lambda',
        '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3AFn/invocations',
      ],
    ] as const) {
      const sdk = await sdkSigned(
        { method: 'GET', path, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
        service,
      );
      expect((await signedBy(service, path, {})).split('Signature=')[1], service).toBe(
        sdk.headers.authorization!.split('Signature=')[1],
      );
    }
  });
});
