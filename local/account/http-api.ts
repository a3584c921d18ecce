import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readBodyBytes } from '../http/http-helpers.js';
import { wildcard } from './iam-policy.js';
import type { LambdaFunction } from './lambda/lambda-function.js';
import { ACCOUNT_THROTTLE, StageThrottle } from './stage-throttle.js';
import { LOCAL_ACCOUNT, type TemplateResolver } from './template.js';

interface ApiRoute {
  method: string;
  /** `/v/{id}` → /^\/v\/([^/]+)$/ with names ['id']. */
  pattern: RegExp;
  params: string[];
  routeKey: string;
  functionArn: string;
  payloadVersion: string;
}

/** HTTP APIs accept bodies up to 10 MB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** HTTP APIs wait at most 30 s for an integration. */
const INTEGRATION_TIMEOUT_MS = 30_000;

/**
 * The template's HTTP API: its `AWS::ApiGatewayV2::Route`s, each to its Lambda integration, with
 * requests turned into payload 2.0 events as API Gateway does (lowercase headers, base64 bodies for
 * non-text content, `requestContext.http`, `pathParameters`) and results mapped back. An
 * integration runs only if the function's resource policy lets API Gateway invoke it.
 */
export class HttpApi {
  readonly routes: ApiRoute[] = [];
  private readonly apiId: string;
  private readonly permissions: { functionArn: string; sourceArn: string }[] = [];
  /** The `$default` stage's throttle (its DefaultRouteSettings); tests may swap in a smaller one. */
  throttle: StageThrottle;

  constructor(
    resolver: TemplateResolver,
    private readonly functions: Map<string, LambdaFunction>,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    const [apiEntry] = resolver.resourcesOfType('AWS::ApiGatewayV2::Api');
    if (!apiEntry) throw new Error('The template has no HTTP API.');
    this.apiId = resolver.ref(apiEntry[0]);
    const integrations = new Map(resolver.resourcesOfType('AWS::ApiGatewayV2::Integration'));
    for (const [, route] of resolver.resourcesOfType('AWS::ApiGatewayV2::Route')) {
      const routeKey = String(route.Properties!.RouteKey);
      const integrationId = resolver.string(route.Properties!.Target).replace(/^integrations\//, '');
      const integration = integrations.get(integrationId);
      if (!integration) throw new Error(`Route ${routeKey} has no integration ${integrationId}.`);
      const [method, path] = routeKey.split(' ') as [string, string];
      const params: string[] = [];
      const pattern = new RegExp(
        `^${path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => {
          params.push(name);
          return '([^/]+)';
        })}$`,
      );
      this.routes.push({
        method,
        pattern,
        params,
        routeKey,
        functionArn: resolver.string(integration.Properties!.IntegrationUri),
        payloadVersion: String(integration.Properties!.PayloadFormatVersion ?? '1.0'),
      });
    }
    const [, stage] = resolver.resourcesOfType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    if (stage?.Properties?.RouteSettings)
      throw new Error(
        'The stage sets per-route throttles (RouteSettings), which the local account does not run.',
      );
    const settings = (stage?.Properties?.DefaultRouteSettings ?? {}) as {
      ThrottlingBurstLimit?: number;
      ThrottlingRateLimit?: number;
    };
    this.throttle = new StageThrottle(
      settings.ThrottlingBurstLimit ?? ACCOUNT_THROTTLE.burst,
      settings.ThrottlingRateLimit ?? ACCOUNT_THROTTLE.rate,
    );
    for (const [, permission] of resolver.resourcesOfType('AWS::Lambda::Permission')) {
      const props = resolver.resolve(permission.Properties) as Record<string, string>;
      if (props.Principal === 'apigateway.amazonaws.com' && props.Action === 'lambda:InvokeFunction')
        this.permissions.push({ functionArn: props.FunctionName!, sourceArn: props.SourceArn ?? '*' });
    }
  }

  /** Answers a request if a route matches it; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (!route) return false;
    if (!this.throttle.take()) {
      req.resume();
      send(res, 429, { message: 'Too Many Requests' });
      return true;
    }
    const fn = [...this.functions.values()].find((f) => f.functionArn === route.functionArn);
    // API Gateway invokes with the route's own path (templates like {id} included) in the source ARN.
    const sourceArn = `arn:aws:execute-api:${LOCAL_ACCOUNT.region}:${LOCAL_ACCOUNT.accountId}:${this.apiId}/$default/${route.routeKey.replace(' ', '')}`;
    if (
      !fn ||
      !this.permissions.some(
        (p) => p.functionArn === route.functionArn && wildcard(p.sourceArn, sourceArn, false),
      )
    ) {
      this.log(
        `${route.routeKey}: API Gateway may not invoke ${route.functionArn} (no permission for ${sourceArn})`,
      );
      send(res, 500, { message: 'Internal Server Error' });
      return true;
    }
    const body = await readBodyBytes(req, MAX_BODY_BYTES);
    if (body === undefined) {
      send(res, 413, { message: 'Request Entity Too Large' });
      return true;
    }
    const event = this.event(req, url, route, body);
    let result: unknown;
    try {
      result = await Promise.race([
        fn.invoke(event),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('integration timeout')), INTEGRATION_TIMEOUT_MS).unref(),
        ),
      ]);
    } catch (error) {
      const timedOut = (error as Error).message === 'integration timeout';
      this.log(
        `${route.routeKey}: ${fn.logicalId} failed: ${(error as Error).name}: ${(error as Error).message}`,
      );
      send(res, timedOut ? 503 : 500, {
        message: timedOut ? 'Service Unavailable' : 'Internal Server Error',
      });
      return true;
    }
    respond(res, result);
    return true;
  }

  private event(req: IncomingMessage, url: URL, route: ApiRoute, body: Buffer): APIGatewayProxyEventV2 {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined && name !== 'cookie')
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    const match = route.pattern.exec(url.pathname)!;
    const pathParameters = Object.fromEntries(
      route.params.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]),
    );
    const query = [...url.searchParams.entries()];
    const textual = /^(text\/|application\/(json|xml|javascript)|[^;]*\+json)/i.test(
      headers['content-type'] ?? '',
    );
    const now = new Date();
    return {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
      headers,
      ...(query.length ? { queryStringParameters: Object.fromEntries(query) } : {}),
      ...(route.params.length ? { pathParameters } : {}),
      requestContext: {
        accountId: LOCAL_ACCOUNT.accountId,
        apiId: this.apiId,
        domainName: headers.host ?? 'localhost',
        domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
        http: {
          method: req.method ?? 'GET',
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !textual,
    };
  }
}

/** Payload 2.0 response mapping: a `{ statusCode }` object as given, anything else as a JSON 200. */
function respond(res: ServerResponse, result: unknown): void {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
      cookies?: string[];
    };
    const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    res
      .writeHead(r.statusCode, headers)
      .end(r.body === undefined ? '' : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8'));
    return;
  }
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(typeof result === 'string' ? result : JSON.stringify(result));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
