import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../local/stack/local-config.js';
import { PLAYGROUND_SLACK_BOT_TOKEN } from '../../local/playground/playground-chat-api.js';
import { playgroundRoutes } from '../../local/playground/playground-routes.js';
import { PlaygroundStore } from '../../local/playground/playground-store.js';
import { PlaygroundGuard } from '../../local/security/playground-guard.js';
import { startLocalStack, type LocalStack } from '../../local/stack/local-stack.js';

/** A raw HTTP request, so the test can send any Host header (fetch would not). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * What another web page could do to the local stack, tried with a real HTTP client: forge
 * playground commands (CSRF), read it through DNS rebinding, or use a tampered or expired
 * presigned link. Each is refused and starts nothing.
 */
describe('local stack security', () => {
  let stack: LocalStack;
  let dataDir: string;
  const guard = new PlaygroundGuard();
  const submitted = () => stack.simulator!.submits().length;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clipbay-security-'));
    stack = await startLocalStack({
      config: loadLocalConfig({ PORT: '0', POLL_INTERVAL_SECONDS: '5' }),
      dataDir,
      waitMs: 25,
      retryIntervalMs: 25,
      simulator: { generationSeconds: 1 },
      extraRoutes: (running) => playgroundRoutes(running, new PlaygroundStore(dataDir), guard),
    });
  });
  afterAll(async () => {
    await stack.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const command = JSON.stringify({ platform: 'slack', text: 'a paid video' });
  const host = () => new URL(stack.url).host;

  it.each([
    ['text/plain', command],
    ['application/x-www-form-urlencoded', 'platform=slack&text=a+paid+video'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="text"\r\n\r\na paid video\r\n--x--\r\n',
    ],
  ])('refuses a cross-site POST sent as %s, and starts nothing', async (contentType, body) => {
    const before = { executions: stack.workflow.list().length, submits: submitted() };
    const answer = await raw(`${stack.url}/playground/command`, {
      method: 'POST',
      headers: { host: host(), origin: 'http://evil.example', 'content-type': contentType },
      body,
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/^Forbidden: the playground accepts commands only from its own page/);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect({ executions: stack.workflow.list().length, submits: submitted() }).toEqual(before);
  });

  it('refuses same-origin requests that are not JSON or lack the page token', async () => {
    const headers = { host: host(), origin: stack.url, 'content-type': 'application/json' };
    const noToken = await raw(`${stack.url}/playground/command`, { method: 'POST', headers, body: command });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toMatch(/token/);
    const plain = await raw(`${stack.url}/playground/command`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain', 'x-clipbay-token': guard.token },
      body: command,
    });
    expect(plain.status).toBe(403);
    const noOrigin = await raw(`${stack.url}/playground/command`, {
      method: 'POST',
      headers: { host: host(), 'content-type': 'application/json', 'x-clipbay-token': guard.token },
      body: command,
    });
    expect(noOrigin.status).toBe(403);
  });

  it('accepts the playground page itself: its token, its origin, JSON', async () => {
    const page = await raw(`${stack.url}/`, { headers: { host: host() } });
    const token = /name="clipbay-token" content="([0-9a-f]{64})"/.exec(page.body)![1]!;
    expect(page.headers['x-frame-options']).toBe('DENY');
    const answer = await raw(`${stack.url}/playground/command`, {
      method: 'POST',
      headers: {
        host: host(),
        origin: stack.url,
        referer: `${stack.url}/`,
        'content-type': 'application/json',
        'x-clipbay-token': token,
      },
      body: command,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ id: expect.stringMatching(/^pg\./) });
  });

  it.each(['/playground/action', '/playground/dialog', '/playground/file', '/playground/shortcut'])(
    'guards %s as it guards commands: a cross-site JSON POST is refused and changes nothing',
    async (path) => {
      const before = { executions: stack.workflow.list().length, submits: submitted() };
      const answer = await raw(`${stack.url}${path}`, {
        method: 'POST',
        headers: { host: host(), origin: 'http://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({
          platform: 'slack',
          conversationId: 'pg.0',
          name: 'a.png',
          contentType: 'image/png',
          data: '',
        }),
      });
      expect(answer.status).toBe(403);
      expect({ executions: stack.workflow.list().length, submits: submitted() }).toEqual(before);
    },
  );

  it('the Slack Web API stand-in answers only the bot token, as Slack does (not_authed)', async () => {
    const post = (headers: Record<string, string>) =>
      raw(`${stack.url}/playground/slack/api/chat.postMessage`, {
        method: 'POST',
        headers: { host: host(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: 'channel=CPG00&text=forged',
      });
    expect(JSON.parse((await post({ origin: 'http://evil.example' })).body)).toEqual({
      ok: false,
      error: 'not_authed',
    });
    expect(
      JSON.parse((await post({ authorization: `Bearer ${PLAYGROUND_SLACK_BOT_TOKEN}` })).body),
    ).toMatchObject({
      ok: true,
    });
  });

  it('serves a file shared on the Slack view to the bot token only, as Slack serves url_private', async () => {
    const page = await raw(`${stack.url}/`, { headers: { host: host() } });
    const token = /name="clipbay-token" content="([0-9a-f]{64})"/.exec(page.body)![1]!;
    const shared = await raw(`${stack.url}/playground/file`, {
      method: 'POST',
      headers: {
        host: host(),
        origin: stack.url,
        'content-type': 'application/json',
        'x-clipbay-token': token,
      },
      body: JSON.stringify({
        platform: 'slack',
        name: 'a.png',
        contentType: 'image/png',
        data: Buffer.from('the bytes of a.png').toString('base64'),
      }),
    });
    expect(shared.status).toBe(200);
    const { id } = JSON.parse(shared.body) as { id: string };
    const conversation = JSON.parse(
      (await raw(`${stack.url}/playground/conversations/${id}`, { headers: { host: host() } })).body,
    ) as {
      file: { platformUrl: string };
    };
    const anonymous = await raw(conversation.file.platformUrl, { headers: { host: host() } });
    expect(anonymous.headers['content-type']).toBe('text/html; charset=utf-8'); // Slack's sign-in page
    const bot = await raw(conversation.file.platformUrl, {
      headers: { host: host(), authorization: `Bearer ${PLAYGROUND_SLACK_BOT_TOKEN}` },
    });
    expect({ status: bot.status, type: bot.headers['content-type'], body: bot.body }).toEqual({
      status: 200,
      type: 'image/png',
      body: 'the bytes of a.png',
    });
  });

  it('answers no CORS preflight', async () => {
    const answer = await raw(`${stack.url}/playground/command`, {
      method: 'OPTIONS',
      headers: { host: host(), origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-methods']).toBeUndefined();
  });

  it.each(['/playground/history', '/healthz', '/', '/v/AAAAAAAAAAAAAAAAAAAAAA'])(
    'refuses %s for a foreign Host (DNS rebinding)',
    async (path) => {
      const port = new URL(stack.url).port;
      const answer = await raw(`${stack.url}${path}`, { headers: { host: `evil.example:${port}` } });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatch(/^Forbidden: Host "evil\.example:\d+" is not this server/);
    },
  );

  it('refuses a foreign Host on signed ingress routes and on the AWS endpoint too', async () => {
    const port = new URL(stack.url).port;
    const slack = await raw(`${stack.url}/slack/events`, {
      method: 'POST',
      headers: { host: `rebound.example:${port}` },
      body: 'x',
    });
    expect(slack.status).toBe(403);
    const aws = await raw(`${stack.account.endpoint.url}/clipbay-videos/clips/x.mp4`, {
      headers: { host: 'rebound.example' },
    });
    expect(aws.status).toBe(403);
  });

  describe('presigned links', () => {
    const key = 'clips/AAAAAAAAAAAAAAAAAAAAAA.mp4';
    const bytes = Buffer.from('not really a video, but bytes to fetch');
    let postLink: S3Client;

    beforeAll(async () => {
      await new S3Client({ ...stack.account.operatorClientConfig(), forcePathStyle: true }).send(
        new PutObjectCommand({ Bucket: 'clipbay-videos', Key: key, Body: bytes, ContentType: 'video/mp4' }),
      );
      // Signed as PostLink signs them: with its role's session credentials.
      const env = stack.account.fn('PostLinkFn').spec.env;
      postLink = new S3Client({
        endpoint: stack.account.endpoint.url,
        region: 'us-east-1',
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID!,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
          sessionToken: env.AWS_SESSION_TOKEN!,
        },
      });
    });

    it('serves a valid one, real-sized with a session token', async () => {
      const url = await getSignedUrl(postLink, new GetObjectCommand({ Bucket: 'clipbay-videos', Key: key }), {
        expiresIn: 600,
      });
      expect(url.length).toBeGreaterThan(1500);
      const answer = await fetch(url);
      expect(answer.status).toBe(200);
      expect(Buffer.from(await answer.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('refuses one with a changed byte', async () => {
      const url = await getSignedUrl(postLink, new GetObjectCommand({ Bucket: 'clipbay-videos', Key: key }), {
        expiresIn: 600,
      });
      const signature = /X-Amz-Signature=([0-9a-f]{64})/.exec(url)![1]!;
      const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
      for (const tampered of [
        url.replace(signature, flipped),
        url.replace('X-Amz-Expires=600', 'X-Amz-Expires=601'),
      ]) {
        const answer = await fetch(tampered);
        expect(answer.status).toBe(403);
        expect(await answer.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
      }
    });

    it('refuses an expired one', async () => {
      const url = await getSignedUrl(postLink, new GetObjectCommand({ Bucket: 'clipbay-videos', Key: key }), {
        expiresIn: 60,
        signingDate: new Date(Date.now() - 120_000),
      });
      const answer = await fetch(url);
      expect(answer.status).toBe(403);
      expect(await answer.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired/);
    });
  });
});
