import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AccountIam } from '../account-iam.js';
import type { Principal } from '../principals.js';
import { signRequest, type SigningKeys } from '../sigv4.js';
import { decodeAwsChunked } from './aws-chunked.js';

/** Where the bytes live: the embedded S3-compatible server, or the user's S3_ENDPOINT. */
export interface S3Backend {
  endpoint: string;
  keys: SigningKeys;
  region: string;
}

interface S3Operation {
  action: string;
  resource: string;
  context: Record<string, string>;
  bucket: string;
  key: string | undefined;
  kind:
    | 'object-read'
    | 'create-multipart'
    | 'complete-multipart'
    | 'abort-multipart'
    | 'list-multipart'
    | 'other';
}

/** Headers that belong to the caller's signature or connection, never forwarded. */
const HOP_HEADERS = new Set([
  'host',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-decoded-content-length',
  'x-amz-trailer',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'expect',
  'content-length',
]);

/**
 * S3 as the account serves it: each request (already authenticated by its SigV4 signature) is
 * checked against the caller's role and the bucket policy, then forwarded, signed anew, to the
 * backend server. What the backend does not do itself, this does as S3 does: a missing key is 403
 * (not 404) for a caller without s3:ListBucket; `aws-chunked` bodies are decoded; multipart uploads
 * are tracked so ListMultipartUploads and AbortMultipartUpload answer as S3 would.
 */
export class S3Service {
  private readonly uploads = new Map<string, { bucket: string; key: string; initiated: Date }>();
  /** Fault injection: the next N UploadPart requests answer 503 SlowDown. */
  slowDownNextParts = 0;
  /**
   * Whether the implicit s3:ListBucket check on a missing key carries `s3:prefix`, so that a grant
   * conditioned on a prefix counts. AWS does not document it either way; the default is the
   * harsher answer (it does not: 403 where a prefix-conditioned grant would give 404), and tests
   * run code under both.
   */
  implicitListCarriesPrefix = false;

  constructor(
    private readonly iam: AccountIam,
    private readonly backend: S3Backend,
  ) {}

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    query: [string, string][],
    principal: Principal,
  ): Promise<void> {
    const params = new Map(query);
    const operation = this.operation(req.method ?? 'GET', rawPath, params);
    const denied = (reason: string) =>
      sendError(res, 403, 'AccessDenied', `Access Denied (${operation.action}: ${reason})`);
    const decision = this.iam.decide(principal, operation, operation.bucket);
    if (!decision.allowed) return denied(decision.reason);

    if (operation.kind === 'abort-multipart') {
      this.uploads.delete(params.get('uploadId') ?? '');
      res.writeHead(204).end();
      return;
    }
    if (operation.kind === 'list-multipart')
      return this.listUploads(res, operation.bucket, params.get('prefix') ?? '');
    if (this.slowDownNextParts > 0 && req.method === 'PUT' && params.has('partNumber')) {
      this.slowDownNextParts--;
      req.resume();
      return sendError(res, 503, 'SlowDown', 'Please reduce your request rate.');
    }

    const forwardedQuery = query.filter(([k]) => !k.startsWith('X-Amz-') && k !== 'x-id');
    const upstream = await this.forward(req, rawPath, forwardedQuery);
    const status = upstream.statusCode ?? 502;

    if (operation.kind === 'object-read' && status === 404) {
      upstream.resume();
      const list = this.iam.decide(
        principal,
        {
          action: 's3:ListBucket',
          resource: `arn:aws:s3:::${operation.bucket}`,
          context: this.implicitListCarriesPrefix
            ? { ...operation.context, 's3:prefix': operation.key ?? '' }
            : operation.context,
        },
        operation.bucket,
      );
      if (!list.allowed) return denied('the key does not exist, and without s3:ListBucket S3 answers 403');
      if (req.method === 'HEAD') {
        res.writeHead(404).end();
        return;
      }
      return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    if (operation.kind === 'create-multipart' || operation.kind === 'complete-multipart') {
      const body = await text(upstream);
      if (status === 200 && operation.kind === 'create-multipart') {
        const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(body)?.[1];
        if (uploadId)
          this.uploads.set(uploadId, {
            bucket: operation.bucket,
            key: operation.key!,
            initiated: new Date(),
          });
      }
      if (status === 200 && operation.kind === 'complete-multipart')
        this.uploads.delete(params.get('uploadId') ?? '');
      res.writeHead(status, passHeaders(upstream)).end(body);
      return;
    }
    res.writeHead(status, passHeaders(upstream));
    upstream.pipe(res);
  }

  private operation(method: string, rawPath: string, params: Map<string, string>): S3Operation {
    const [, bucket = '', ...rest] = rawPath.split('/');
    // `/bucket` and `/bucket/` both name the bucket itself.
    const key = rest.join('/') ? decodeURIComponent(rest.join('/')) : undefined;
    const base = { bucket, key, context: { 'aws:SecureTransport': 'true' } };
    const object = `arn:aws:s3:::${bucket}/${key}`;
    const bucketArn = `arn:aws:s3:::${bucket}`;
    // ListBuckets (`GET /`) needs s3:ListAllMyBuckets, which takes no resource: a grant on `*` (or
    // `arn:aws:s3:::*`, as AWS's example policies write it) covers it.
    if (bucket === '' && (method === 'GET' || method === 'HEAD'))
      return { ...base, action: 's3:ListAllMyBuckets', resource: 'arn:aws:s3:::*', kind: 'other' };
    if (key === undefined) {
      if (method === 'GET' && params.has('uploads'))
        return {
          ...base,
          action: 's3:ListBucketMultipartUploads',
          resource: bucketArn,
          kind: 'list-multipart',
        };
      if (method === 'GET' || method === 'HEAD')
        return {
          ...base,
          action: 's3:ListBucket',
          resource: bucketArn,
          context: { ...base.context, 's3:prefix': params.get('prefix') ?? '' },
          kind: 'other',
        };
      if (method === 'PUT') return { ...base, action: 's3:CreateBucket', resource: bucketArn, kind: 'other' };
      if (method === 'DELETE')
        return { ...base, action: 's3:DeleteBucket', resource: bucketArn, kind: 'other' };
      return { ...base, action: 's3:ListBucket', resource: bucketArn, kind: 'other' };
    }
    if (method === 'GET' || method === 'HEAD')
      return params.has('uploadId')
        ? { ...base, action: 's3:ListMultipartUploadParts', resource: object, kind: 'other' }
        : { ...base, action: 's3:GetObject', resource: object, kind: 'object-read' };
    if (method === 'POST' && params.has('uploads'))
      return { ...base, action: 's3:PutObject', resource: object, kind: 'create-multipart' };
    if (method === 'POST' && params.has('uploadId'))
      return { ...base, action: 's3:PutObject', resource: object, kind: 'complete-multipart' };
    if (method === 'DELETE' && params.has('uploadId'))
      return { ...base, action: 's3:AbortMultipartUpload', resource: object, kind: 'abort-multipart' };
    if (method === 'DELETE') return { ...base, action: 's3:DeleteObject', resource: object, kind: 'other' };
    return { ...base, action: 's3:PutObject', resource: object, kind: 'other' };
  }

  private async forward(
    req: IncomingMessage,
    rawPath: string,
    query: [string, string][],
  ): Promise<IncomingMessage> {
    const target = new URL(this.backend.endpoint);
    const chunked = /aws-chunked/.test(String(req.headers['content-encoding'] ?? ''));
    const headers: Record<string, string> = { host: target.host };
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP_HEADERS.has(name) && value !== undefined)
        headers[name] = Array.isArray(value) ? value.join(',') : value;
    if (chunked) {
      const encodings = headers['content-encoding']!.split(',')
        .map((e) => e.trim())
        .filter((e) => e && e !== 'aws-chunked');
      if (encodings.length) headers['content-encoding'] = encodings.join(',');
      else delete headers['content-encoding'];
      for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum-')) delete headers[name];
    }
    const length = chunked ? req.headers['x-amz-decoded-content-length'] : req.headers['content-length'];
    if (length !== undefined) headers['content-length'] = String(length);
    const basePath = target.pathname.replace(/\/$/, '');
    const path = `${basePath}${rawPath}`;
    const signed = await signRequest(
      { method: req.method ?? 'GET', path, query, headers },
      this.backend.keys,
      { region: this.backend.region, service: 's3' },
      'UNSIGNED-PAYLOAD',
    );
    const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: search ? `${path}?${search}` : path,
          headers: { ...headers, ...signed },
        },
        resolve,
      );
      upstream.on('error', reject);
      const body = chunked ? Readable.from(decodeAwsChunked(req)) : req;
      body.on('error', (error) => upstream.destroy(error));
      body.pipe(upstream);
    });
  }

  private listUploads(res: ServerResponse, bucket: string, prefix: string): void {
    const uploads = [...this.uploads.entries()]
      .filter(([, u]) => u.bucket === bucket && u.key.startsWith(prefix))
      .map(
        ([id, u]) =>
          `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${escapeXml(id)}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
      )
      .join('');
    res
      .writeHead(200, { 'content-type': 'application/xml' })
      .end(
        `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>${escapeXml(bucket)}</Bucket><IsTruncated>false</IsTruncated>${uploads}</ListMultipartUploadsResult>`,
      );
  }

  /** Multipart uploads in progress (started, neither completed nor aborted). */
  openUploads(): { bucket: string; key: string }[] {
    return [...this.uploads.values()];
  }
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() })
    .end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`,
    );
}

function passHeaders(upstream: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers))
    // No CORS headers: nothing local grants another origin access.
    if (
      value !== undefined &&
      !['connection', 'keep-alive', 'transfer-encoding'].includes(name) &&
      !name.startsWith('access-control-')
    )
      headers[name] = value;
  return headers;
}

async function text(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
