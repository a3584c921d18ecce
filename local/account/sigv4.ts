import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4, both ways: the local account verifies every request the SDKs send it
 * (Authorization header or presigned query), and signs what it forwards to an S3-compatible server.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export interface SignableRequest {
  method: string;
  /** The path as sent on the wire (already URI-encoded), without the query string. */
  path: string;
  /** The query parameters, decoded, in the order received. */
  query: [string, string][];
  /** Lowercase header names. */
  headers: Record<string, string | undefined>;
}

export interface SigningKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** `x-amz-date` / `X-Amz-Date`: the signing time, yyyyMMddTHHmmssZ. */
  amzDate: string;
  sessionToken: string | undefined;
  /** Presigned URLs only: seconds the URL is valid for. */
  expiresSeconds: number | undefined;
  presigned: boolean;
}

export class SignatureError extends Error {
  constructor(
    readonly code:
      | 'MissingAuthenticationToken'
      | 'IncompleteSignature'
      | 'SignatureDoesNotMatch'
      | 'ExpiredToken'
      | 'AccessDenied',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * A request's headers as SigV4 canonicalises them, from Node's `rawHeaders` (name, value, name,
 * value…): names lowercased; a header sent more than once becomes one, its values trimmed, inner
 * runs of spaces collapsed, and joined with `,`. (Node's `headers` joins repeats with `, `, which
 * would refuse a correctly signed request.)
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
 */
export function canonicalHeaderValues(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ');
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

/** Reads who signed a request and how, from its Authorization header or its presigned query. */
export function parseAuthorization(request: SignableRequest): ParsedAuthorization {
  const header = request.headers.authorization;
  const query = new Map(request.query);
  if (header) {
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
        header.trim(),
      );
    if (!match) throw new SignatureError('IncompleteSignature', 'Authorization header is not SigV4.');
    const amzDate = request.headers['x-amz-date'];
    if (!amzDate) throw new SignatureError('IncompleteSignature', 'x-amz-date is missing.');
    return {
      accessKeyId: match[1]!,
      date: match[2]!,
      region: match[3]!,
      service: match[4]!,
      signedHeaders: match[5]!.split(';'),
      signature: match[6]!,
      amzDate,
      sessionToken: request.headers['x-amz-security-token'],
      expiresSeconds: undefined,
      presigned: false,
    };
  }
  if (query.get('X-Amz-Algorithm') === ALGORITHM) {
    const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(
      query.get('X-Amz-Credential') ?? '',
    );
    const signature = query.get('X-Amz-Signature') ?? '';
    const amzDate = query.get('X-Amz-Date') ?? '';
    if (!credential || !/^[0-9a-f]{64}$/.test(signature) || !amzDate)
      throw new SignatureError('IncompleteSignature', 'The presigned URL is incomplete.');
    return {
      accessKeyId: credential[1]!,
      date: credential[2]!,
      region: credential[3]!,
      service: credential[4]!,
      signedHeaders: (query.get('X-Amz-SignedHeaders') ?? 'host').split(';'),
      signature,
      amzDate,
      sessionToken: query.get('X-Amz-Security-Token'),
      expiresSeconds: Number(query.get('X-Amz-Expires') ?? NaN),
      presigned: true,
    };
  }
  throw new SignatureError('MissingAuthenticationToken', 'The request is not signed.');
}

/**
 * Checks a request's signature with the caller's secret key, and for presigned URLs that they have
 * not expired. `payloadHash` is the body's SHA-256 for services that sign the body (JSON APIs);
 * S3 signs the value of `x-amz-content-sha256` (or UNSIGNED-PAYLOAD for presigned URLs).
 */
export function verifySignature(
  request: SignableRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
  options: { payloadHash?: string; nowMs?: number } = {},
): void {
  const signingTime = parseAmzDate(auth.amzDate);
  const now = options.nowMs ?? Date.now();
  // The credential scope's date is part of the signing key: it must be the signing time's day.
  if (auth.date !== auth.amzDate.slice(0, 8))
    throw new SignatureError(
      'SignatureDoesNotMatch',
      `Date in the credential scope (${auth.date}) does not match the signing date (${auth.amzDate.slice(0, 8)}).`,
    );
  // Signed chunks (each chunk's own signature) are not checked here: refuse rather than accept
  // them unchecked. The AWS SDK v3 streams with STREAMING-UNSIGNED-PAYLOAD-TRAILER instead.
  if (request.headers['x-amz-content-sha256']?.startsWith('STREAMING-AWS4-HMAC-SHA256'))
    throw new SignatureError(
      'AccessDenied',
      'Signed aws-chunked payloads (STREAMING-AWS4-HMAC-SHA256-…) are not verified by the local account.',
    );
  if (auth.presigned) {
    if (!Number.isInteger(auth.expiresSeconds) || auth.expiresSeconds! < 1 || auth.expiresSeconds! > 604_800)
      throw new SignatureError('AccessDenied', 'X-Amz-Expires must be between 1 and 604800 seconds.');
    if (now > signingTime + auth.expiresSeconds! * 1000)
      throw new SignatureError('AccessDenied', 'Request has expired');
    if (signingTime > now + 15 * 60_000)
      throw new SignatureError('AccessDenied', 'Request is not valid yet (signed in the future).');
  } else if (Math.abs(now - signingTime) > 15 * 60_000) {
    throw new SignatureError('SignatureDoesNotMatch', 'Signature expired: the request time is too skewed.');
  }
  const declared = request.headers['x-amz-content-sha256'];
  // Where the body was read (JSON APIs), its hash must be what was signed.
  if (!auth.presigned && declared && options.payloadHash && declared !== options.payloadHash)
    throw new SignatureError('SignatureDoesNotMatch', 'The body does not match its x-amz-content-sha256.');
  const payloadHash = auth.presigned ? 'UNSIGNED-PAYLOAD' : (declared ?? options.payloadHash ?? sha256(''));
  const query = auth.presigned ? request.query.filter(([k]) => k !== 'X-Amz-Signature') : request.query;
  const expected = signature(
    { ...request, query },
    auth.signedHeaders,
    payloadHash,
    { date: auth.date, amzDate: auth.amzDate, region: auth.region, service: auth.service },
    secretAccessKey,
  );
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(auth.signature, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new SignatureError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
}

/** Signs a request (header auth), returning the headers to add. */
export function signRequest(
  request: SignableRequest,
  keys: SigningKeys,
  scope: { region: string; service: string },
  payloadHash: string,
  nowMs = Date.now(),
): Record<string, string> {
  const amzDate = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const added: Record<string, string> = {
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
    ...(keys.sessionToken ? { 'x-amz-security-token': keys.sessionToken } : {}),
  };
  const headers = { ...request.headers, ...added };
  const signedHeaders = Object.keys(headers)
    .filter(
      (h) => headers[h] !== undefined && (h === 'host' || h.startsWith('x-amz-') || h === 'content-type'),
    )
    .sort();
  const sig = signature(
    { ...request, headers },
    signedHeaders,
    payloadHash,
    { date, amzDate, ...scope },
    keys.secretAccessKey,
  );
  return {
    ...added,
    authorization: `${ALGORITHM} Credential=${keys.accessKeyId}/${date}/${scope.region}/${scope.service}/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`,
  };
}

function signature(
  request: SignableRequest,
  signedHeaders: string[],
  payloadHash: string,
  scope: { date: string; amzDate: string; region: string; service: string },
  secretAccessKey: string,
): string {
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path, scope.service),
    canonicalQuery(request.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, scope.amzDate, credentialScope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, scope.date);
  for (const part of [scope.region, scope.service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** S3 signs the path as sent; other services normalise it and encode each segment again. */
function canonicalPath(path: string, service: string): string {
  if (service === 's3') return path || '/';
  const normalized = (path || '/').replace(/\/+/g, '/');
  return normalized
    .split('/')
    .map((segment) => encodeRfc3986(segment))
    .join('/');
}

function canonicalQuery(query: [string, string][]): string {
  return query
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) throw new SignatureError('IncompleteSignature', `Bad signing date ${amzDate.slice(0, 20)}.`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
