import { Sha256 } from '@smithy/core/checksum';
import { AMZ_DATE_HEADER, SHA256_HEADER, SignatureV4, UNSIGNED_PAYLOAD } from '@smithy/signature-v4';
import type { HeaderBag, HttpRequest, QueryParameterBag } from '@smithy/types';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4, both ways: the local account verifies every request the SDKs send it
 * (Authorization header or presigned query), and signs what it forwards to an S3-compatible server.
 * The canonical request, string to sign and signing key are all made by `@smithy/signature-v4`,
 * the signer the AWS SDK itself uses, so the account cannot drift from what the SDKs send; this
 * module only reads who signed, checks the clock and the scope, and tells the signer exactly what
 * the request signed (its signed headers, its payload hash, its time).
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

export interface VerifyOptions {
  /** The body's SHA-256, for services whose body the endpoint reads (the JSON APIs). */
  payloadHash?: string;
  nowMs?: number;
  /**
   * S3's rule for the canonical path: the path exactly as sent, neither normalised (`.`, `..`,
   * `//`) nor URI-encoded again. By default it applies when the credential scope names `s3`, as
   * the SDK's S3 client signs (`uriEscapePath: false`); every other service's path is normalised
   * and encoded a second time.
   */
  signsPathAsSent?: boolean;
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
 * would refuse a correctly signed request.) The signer takes one value a name, so the join of
 * repeated headers has to happen here; it trims and collapses the joined value the same way again.
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
    const amzDate = request.headers[AMZ_DATE_HEADER];
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
 * not expired. The payload hash signed is `x-amz-content-sha256` where the request sends it (S3
 * always does), else the body's SHA-256 (`options.payloadHash`); a presigned S3 URL signs
 * UNSIGNED-PAYLOAD.
 */
export async function verifySignature(
  request: SignableRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
  options: VerifyOptions = {},
): Promise<void> {
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
  if (request.headers[SHA256_HEADER]?.startsWith('STREAMING-AWS4-HMAC-SHA256'))
    throw new SignatureError(
      'AccessDenied',
      'Signed aws-chunked payloads (STREAMING-AWS4-HMAC-SHA256-…) are not verified by the local account.',
    );
  // The signer always drops a `date` header before signing (it signs x-amz-date), so it cannot
  // recompute a signature that covers one; no AWS SDK signs it. Refused rather than misjudged.
  if (auth.signedHeaders.includes('date'))
    throw new SignatureError(
      'AccessDenied',
      'A signed Date header is not verified by the local account: sign x-amz-date, as the AWS SDKs do.',
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
  const declared = request.headers[SHA256_HEADER];
  // Where the body was read (JSON APIs), its hash must be what was signed.
  if (!auth.presigned && declared && options.payloadHash && declared !== options.payloadHash)
    throw new SignatureError('SignatureDoesNotMatch', 'The body does not match its x-amz-content-sha256.');
  const expected = await expectedSignature(
    request,
    auth,
    secretAccessKey,
    signedPayloadHash(request, auth, options.payloadHash),
    options.signsPathAsSent ?? auth.service === 's3',
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
export async function signRequest(
  request: SignableRequest,
  keys: SigningKeys,
  scope: { region: string; service: string },
  payloadHash: string,
  nowMs = Date.now(),
): Promise<Record<string, string>> {
  const headers = definedHeaders({ ...request.headers, [SHA256_HEADER]: payloadHash });
  // Only what SigV4 requires (host, x-amz-*) and content-type are signed: the rest (content-length,
  // range, …) may be rewritten on the way without the backend refusing the signature.
  const unsignable = new Set(
    Object.keys(headers).filter((h) => !(h === 'host' || h.startsWith('x-amz-') || h === 'content-type')),
  );
  const signer = new SignatureV4({
    credentials: keys,
    region: scope.region,
    service: scope.service,
    sha256: Sha256,
    uriEscapePath: scope.service !== 's3',
    applyChecksum: false,
  });
  const signed = await signer.sign(smithyRequest(request.method, request.path, request.query, headers), {
    signingDate: new Date(nowMs),
    unsignableHeaders: unsignable,
  });
  const added = [AMZ_DATE_HEADER, SHA256_HEADER, 'x-amz-security-token', 'authorization'].flatMap((name) => {
    const value = signed.headers[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return Object.fromEntries(added);
}

/**
 * The payload hash a request signed. Where the request signs `x-amz-content-sha256`, the signer
 * reads the hash from that header whatever else applies, so a presigned request that signs it is
 * checked with its value too.
 */
function signedPayloadHash(
  request: SignableRequest,
  auth: ParsedAuthorization,
  bodyHash: string | undefined,
): string {
  const declared = request.headers[SHA256_HEADER];
  if (declared !== undefined && (!auth.presigned || auth.signedHeaders.includes(SHA256_HEADER)))
    return declared;
  if (auth.presigned && auth.service === 's3') return UNSIGNED_PAYLOAD;
  return bodyHash ?? sha256('');
}

/**
 * The signature the caller's secret key gives this request, from the SDK's signer told exactly
 * what the request signed: its signed headers only (those the signer would skip by default, such
 * as user-agent, included when signed), its time, its scope's region and service, its payload
 * hash. A presigned request goes through the same header signing: its X-Amz-* query parameters
 * are in the canonical query as sent, and the x-amz-date header the signer always writes is left
 * unsigned. The session token is not given to the signer: where signed it is already among the
 * signed headers or in the query, and the signer would add it once more as a header.
 */
async function expectedSignature(
  request: SignableRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
  payloadHash: string,
  signsPathAsSent: boolean,
): Promise<string> {
  const signed = new Set(auth.signedHeaders);
  const headers: HeaderBag = Object.fromEntries(auth.signedHeaders.map((h) => [h, request.headers[h] ?? '']));
  // The signer reads the payload hash from x-amz-content-sha256 (there is no other way to give it
  // one); where the request did not sign that header, it is there to be read, not signed.
  if (!signed.has(SHA256_HEADER)) headers[SHA256_HEADER] = payloadHash;
  const unsignable = new Set([SHA256_HEADER, AMZ_DATE_HEADER].filter((h) => !signed.has(h)));
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    uriEscapePath: !signsPathAsSent,
    applyChecksum: false,
  });
  const result = await signer.sign(smithyRequest(request.method, request.path, request.query, headers), {
    signingDate: new Date(parseAmzDate(auth.amzDate)),
    signableHeaders: signed,
    unsignableHeaders: unsignable,
  });
  return /Signature=([0-9a-f]{64})$/.exec(result.headers.authorization ?? '')?.[1] ?? '';
}

/** The request as the signer takes it; a query parameter sent more than once becomes a list. */
function smithyRequest(
  method: string,
  path: string,
  query: readonly [string, string][],
  headers: HeaderBag,
): HttpRequest {
  const values = new Map<string, string[]>();
  for (const [key, value] of query) values.set(key, [...(values.get(key) ?? []), value]);
  const bag: QueryParameterBag = Object.fromEntries(
    [...values].map(([key, list]) => [key, list.length === 1 ? list[0]! : list]),
  );
  return {
    method: method.toUpperCase(),
    protocol: 'http:',
    hostname: headers.host ?? '',
    path,
    query: bag,
    headers,
  };
}

function definedHeaders(headers: Record<string, string | undefined>): HeaderBag {
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
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
