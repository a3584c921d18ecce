import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback, readBody } from '../http/http-helpers.js';
import { hostCheck } from '../security/host-check.js';
import { queryErrorXml } from './services/cloudformation.js';
import { AwsServiceError } from './account-errors.js';
import type { Principal, Principals } from './principals.js';
import { sendError, type S3Service } from './services/s3.js';
import {
  canonicalHeaderValues,
  parseAuthorization,
  sha256,
  SignatureError,
  verifySignature,
  type SignableRequest,
} from './sigv4.js';

/** A JSON-protocol service (Secrets Manager, Step Functions, DynamoDB): operation + body → result. */
export type JsonService = (operation: string, body: Record<string, unknown>, principal: Principal) => unknown;

export interface AwsEndpointServices {
  s3: S3Service;
  /** By X-Amz-Target prefix: `secretsmanager`, `AWSStepFunctions`, `DynamoDB_20120810`. */
  json: Record<string, { handle: JsonService; contentType: string }>;
  /** Query-protocol services (form-encoded `Action=…`, XML answers), by the signature's service. */
  query?: Record<string, (params: URLSearchParams, principal: Principal) => Promise<string>>;
}

const MAX_JSON_BODY = 1024 * 1024;

/**
 * The account's one AWS endpoint (what `AWS_ENDPOINT_URL` points the SDKs at): every request must
 * carry a valid SigV4 signature (header or presigned query) from a key the account issued; the
 * caller is the role that key belongs to. S3 requests go to the S3 service; JSON ones to the service
 * their `X-Amz-Target` names.
 */
export class AwsEndpoint {
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly principals: Principals,
    private readonly services: AwsEndpointServices,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async listen(port: number, allowedHosts: readonly string[] = []): Promise<string> {
    let hostAllowed: ReturnType<typeof hostCheck> = () => true;
    this.server = createServer((req, res) => {
      if (!hostAllowed(req, res)) return;
      this.handle(req, res).catch((error: unknown) => {
        this.log(`AWS endpoint: ${req.method} ${req.url?.split('?')[0]} failed: ${(error as Error).message}`);
        if (!res.headersSent)
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"InternalFailure"}');
        else res.destroy();
      });
    });
    const bound = await listenOnLoopback(this.server, port);
    hostAllowed = hostCheck(bound, allowedHosts);
    this.url = `http://127.0.0.1:${bound}`;
    return this.url;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2) as [string, string?];
    const query = parseQuery(rawQuery);
    const headers = canonicalHeaderValues(req.rawHeaders);
    const request: SignableRequest = { method: req.method ?? 'GET', path: rawPath, query, headers };
    const target = headers['x-amz-target'];
    const service = target ? target.split('.')[0]! : 's3';
    const json = this.services.json[service];

    let principal: Principal;
    let body = '';
    let queryService: ((params: URLSearchParams, principal: Principal) => Promise<string>) | undefined;
    try {
      const auth = parseAuthorization(request);
      queryService = json ? undefined : this.services.query?.[auth.service];
      const found = this.principals.find(auth.accessKeyId);
      if (!found)
        throw new AwsServiceError(
          json ? 'UnrecognizedClientException' : 'InvalidAccessKeyId',
          'The security token included in the request is invalid.',
          403,
        );
      if ((found.sessionToken ?? undefined) !== (auth.sessionToken ?? undefined))
        throw new AwsServiceError(
          json ? 'UnrecognizedClientException' : 'InvalidToken',
          'The provided token is malformed or otherwise invalid.',
          403,
        );
      if (json || queryService) {
        const text = await readBody(req, MAX_JSON_BODY);
        if (text === undefined)
          throw new AwsServiceError('SerializationException', 'Request body too large.', 413);
        body = text;
      }
      await verifySignature(
        request,
        auth,
        found.secretAccessKey,
        json || queryService ? { payloadHash: sha256(body) } : {},
      );
      principal = found;
    } catch (error) {
      req.resume();
      const code =
        error instanceof SignatureError || error instanceof AwsServiceError ? error.name : 'InternalFailure';
      const status = error instanceof AwsServiceError ? error.status : 403;
      if (!json)
        return sendError(
          res,
          status,
          code === 'MissingAuthenticationToken' ? 'AccessDenied' : code,
          (error as Error).message,
        );
      return sendJsonError(res, status, code, (error as Error).message, json.contentType);
    }

    if (queryService) {
      try {
        const answer = await queryService(new URLSearchParams(body), principal);
        res.writeHead(200, { 'content-type': 'text/xml' }).end(answer);
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        res
          .writeHead(error.status, { 'content-type': 'text/xml' })
          .end(queryErrorXml(error.code, error.message));
      }
      return;
    }
    if (!json) return this.services.s3.handle(req, res, rawPath, query, principal);
    try {
      const operation = target!.split('.').slice(1).join('.');
      const result: unknown = await json.handle(
        operation,
        JSON.parse(body || '{}') as Record<string, unknown>,
        principal,
      );
      res.writeHead(200, { 'content-type': json.contentType }).end(JSON.stringify(result));
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      sendJsonError(res, error.status, error.code, error.message, json.contentType);
    }
  }
}

function sendJsonError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  contentType: string,
): void {
  res
    .writeHead(status, { 'content-type': contentType, 'x-amzn-errortype': code })
    .end(JSON.stringify({ __type: code, message }));
}

function parseQuery(raw: string): [string, string][] {
  if (!raw) return [];
  return raw
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      const [k, v] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      return [decodeURIComponent(k), decodeURIComponent(v)];
    });
}
