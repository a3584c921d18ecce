import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TokenBayAuthError,
  TokenBayMaybeSentError,
  TokenBayNotSentError,
  TokenBayProtocolError,
  TokenBayRateLimitError,
  TokenBayRejectedError,
  TokenBayServerError,
} from '../../functions/core/errors.js';
import { isTransient } from '../../functions/core/retry-policy.js';
import {
  classifyNetworkError,
  parseContentRange,
  TokenBayClient,
} from '../../functions/core/tokenbay/client.js';
import { deadlineFor } from '../../functions/core/tokenbay/deadline.js';
import {
  isTerminal,
  normalizeTask,
  parseProgress,
  TASK_STATUS,
  taskBodySchema,
  withTrailingSlash,
} from '../../functions/core/tokenbay/task.js';

const KEY = 'sk-answers-0123456789';

/**
 * Every shape of answer TokenBay may give, served by a real HTTP server one test at a time: what
 * clipbay does with each decides whether a video is paid for twice, fails for nothing, or waits.
 */
describe('TokenBayClient and the answers it gets', () => {
  let answer: (req: IncomingMessage, res: ServerResponse) => void;
  let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  let server: ReturnType<typeof createServer>;
  let client: TokenBayClient;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        answer(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
    client = new TokenBayClient({ baseUrl, apiKey: KEY, timeoutMs: 1000 });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const reply =
    (status: number, body: unknown, headers: Record<string, string> = {}) =>
    (_req: IncomingMessage, res: ServerResponse) => {
      seen = seen ?? [];
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
  const serve = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    seen = [];
    answer = reply(status, body, headers);
  };
  const submit = () => client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });

  it('submits once as JSON with the key as a Bearer header, under the base URL path', async () => {
    serve(200, { id: 'task_1', status: 'SUBMITTED', model: 'veo', created_at: 1700000000 });
    expect(await submit()).toEqual({
      id: 'task_1',
      status: 'SUBMITTED',
      model: 'veo',
      createdAt: 1700000000,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/videos' });
    expect(seen[0]!.headers).toMatchObject({
      authorization: `Bearer ${KEY}`,
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(seen[0]!.headers['user-agent']).toMatch(/^clipbay\/0\.1/);
    expect(JSON.parse(seen[0]!.body)).toEqual({ model: 'veo-3.1-generate-preview', prompt: 'x' });
  });

  it('reads task_id when there is no id, and defaults what is missing or of the wrong type', async () => {
    serve(200, { task_id: 'task_2', status: 7, model: 3, created_at: '1700000000' });
    expect(await submit()).toEqual({
      id: 'task_2',
      status: 'QUEUED',
      model: undefined,
      createdAt: undefined,
    });
    serve(200, { id: 5, task_id: 'task_3' });
    expect((await submit()).id).toBe('task_3');
  });

  it.each([
    ['no task id', { status: 'QUEUED' }, 'TokenBay accepted the request but returned no task id.'],
    ['an empty id', { id: '' }, 'TokenBay accepted the request but returned no task id.'],
    ['a task_id that is not text', { task_id: 42 }, 'TokenBay accepted the request but returned no task id.'],
    ['an array', [1, 2], 'TokenBay answered POST v1/videos with unexpected JSON.'],
    ['null', 'null', 'TokenBay answered POST v1/videos with unexpected JSON.'],
    ['a number', '42', 'TokenBay answered POST v1/videos with unexpected JSON.'],
    ['HTML', '<html>oops</html>', 'TokenBay answered POST v1/videos with something that is not JSON.'],
  ])('calls %s a protocol error', async (_name, body, message) => {
    serve(200, body);
    const error = await submit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenBayProtocolError);
    expect((error as Error).message).toBe(message);
  });

  it('keeps the status of a body that is not JSON', async () => {
    serve(200, 'not json');
    expect(await submit().catch((e: unknown) => e)).toMatchObject({ status: 200 });
  });

  it('turns a 200 with error into a rejection, defaulting what TokenBay left out', async () => {
    serve(200, { error: { message: '', code: 1234 } });
    expect(await submit().catch((e: unknown) => e)).toMatchObject({
      name: 'TokenBayRejectedError',
      message: 'TokenBay rejected the request without a reason.',
      code: '1234',
      type: undefined,
      status: 200,
    });
    serve(200, { error: { message: 'no', code: null, type: 5 } });
    const plain = (await submit().catch((e: unknown) => e)) as TokenBayRejectedError;
    expect(plain).toBeInstanceOf(TokenBayRejectedError);
    expect(plain).toMatchObject({ message: 'no', code: undefined, type: undefined });
    serve(200, { id: 'task_4', error: 'a string is not an error object' });
    expect((await submit()).id).toBe('task_4');
    serve(200, { id: 'task_5', error: null });
    expect((await submit()).id).toBe('task_5');
  });

  it('gives a rejection whose message is not text the default one, and one without a code no code', async () => {
    serve(200, { error: { message: 5 } });
    expect(await submit().catch((e: unknown) => e)).toMatchObject({
      name: 'TokenBayRejectedError',
      message: 'TokenBay rejected the request without a reason.',
    });
    serve(200, { error: { message: 'no such model' } });
    const uncoded = (await submit().catch((e: unknown) => e)) as TokenBayRejectedError;
    expect(uncoded).toMatchObject({ name: 'TokenBayRejectedError', message: 'no such model' });
    expect(uncoded.code).toBeUndefined();
  });

  it('reads a failed task (error beside a status) as task data, but error without status as a rejection', async () => {
    serve(200, { task_id: 't', status: 'FAILURE', error: { message: 'flagged', code: 'safety' } });
    expect(await client.get('t')).toMatchObject({ status: 'FAILURE', failReason: 'flagged' });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/v1/videos/t', body: '' });
    expect(seen[0]!.headers['content-type']).toBeUndefined();
    serve(200, { error: { message: 'no such task' } });
    expect(await client.get('t').catch((e: unknown) => e)).toBeInstanceOf(TokenBayRejectedError);
  });

  it('escapes the task id in the path', async () => {
    serve(200, { status: 'QUEUED' });
    expect((await client.get('a/b?c')).id).toBe('a/b?c');
    expect(seen[0]!.url).toBe('/api/v1/videos/a%2Fb%3Fc');
  });

  it('calls an answer of the wrong shape a protocol error naming the task', async () => {
    serve(200, { status: ['SUCCESS'] });
    await expect(client.get('t9')).rejects.toThrow(
      new TokenBayProtocolError("TokenBay's answer for task t9 has an unexpected shape."),
    );
  });

  it.each([
    [
      401,
      { error: { message: 'bad key', type: 'auth' } },
      TokenBayAuthError,
      "TokenBay refused clipbay's API key (401: bad key). An admin needs to set a valid TokenBay key.",
    ],
    [
      403,
      'forbidden',
      TokenBayAuthError,
      "TokenBay refused clipbay's API key (403). An admin needs to set a valid TokenBay key.",
    ],
    [429, {}, TokenBayRateLimitError, 'TokenBay is rate limiting requests (429).'],
    [429, { error: { message: 'slow down' } }, TokenBayRateLimitError, 'slow down'],
    [500, '', TokenBayServerError, 'TokenBay had a server error (500).'],
    [503, { error: { message: 'maintenance', code: 'down' } }, TokenBayServerError, 'maintenance'],
    [499, '', TokenBayRejectedError, 'TokenBay rejected the request (499).'],
    [
      400,
      { error: { message: 'seconds must be 4, 6, 8', type: 'invalid_request_error' } },
      TokenBayRejectedError,
      'seconds must be 4, 6, 8',
    ],
  ])('maps %i to its own error with TokenBay’s message', async (status, body, type, message) => {
    serve(status, body);
    const error = (await submit().catch((e: unknown) => e)) as Error & { status: number };
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(message);
    expect(error.status).toBe(status);
  });

  it('keeps the type and code of an error answer', async () => {
    serve(400, { error: { message: 'm', type: 'invalid_request_error', code: 'bad_seconds' } });
    expect(await submit().catch((e: unknown) => e)).toMatchObject({
      type: 'invalid_request_error',
      code: 'bad_seconds',
    });
  });

  it('reads how long a 429 asks to wait: retry-after-ms first, then Retry-After, digits only', async () => {
    serve(429, {}, { 'retry-after': '3' });
    expect(await submit().catch((e: unknown) => e)).toMatchObject({ retryAfterSeconds: 3 });
    serve(429, {}, { 'retry-after': '3', 'retry-after-ms': '1500' });
    expect(await submit().catch((e: unknown) => e)).toMatchObject({ retryAfterSeconds: 1.5 });
    serve(429, {}, { 'retry-after': ' 7 ' });
    expect(await submit().catch((e: unknown) => e)).toMatchObject({ retryAfterSeconds: 7 });
    for (const value of ['Wed, 21 Oct 2015 07:28:00 GMT', '1.5', '-1', '']) {
      serve(429, {}, { 'retry-after': value });
      expect(await submit().catch((e: unknown) => e), value).toMatchObject({ retryAfterSeconds: undefined });
    }
  });

  it('calls a request that timed out after it was sent "maybe sent", saying so', async () => {
    seen = [];
    answer = () => undefined; // never answers
    const error = (await client.get('slow').catch((e: unknown) => e)) as TokenBayMaybeSentError;
    expect(error).toBeInstanceOf(TokenBayMaybeSentError);
    expect(error.message).toBe(
      'TokenBay GET /api/v1/videos/slow timed out after the request may have been sent.',
    );
    expect(error.code).toBeUndefined();
    server.closeAllConnections();
  });

  it('calls a body cut after the headers "maybe sent", so a poll cut short is polled again', async () => {
    // The cut must be in the body itself, not a keep-alive socket the previous test closed (which
    // made this pass by accident before, and fail when run alone): let the client see that close.
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = [];
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"id":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const cutSubmit = (await submit().catch((e: unknown) => e)) as TokenBayMaybeSentError;
    expect(cutSubmit).toBeInstanceOf(TokenBayMaybeSentError);
    expect(cutSubmit.message).toBe(
      'TokenBay POST /api/v1/videos failed (UND_ERR_SOCKET) after the request may have been sent.',
    );
    const cutPoll = await client.get('t').catch((e: unknown) => e);
    expect(cutPoll).toBeInstanceOf(TokenBayMaybeSentError);
    expect(isTransient(cutPoll)).toBe(true);
    expect(seen.map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('calls a body that stops coming until the timeout "maybe sent" (timed out), not a protocol error', async () => {
    seen = [];
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"task_id":');
    };
    const error = (await client.get('slow').catch((e: unknown) => e)) as TokenBayMaybeSentError;
    expect(error).toBeInstanceOf(TokenBayMaybeSentError);
    expect(error.message).toBe(
      'TokenBay GET /api/v1/videos/slow timed out after the request may have been sent.',
    );
    server.closeAllConnections();
  });
});

describe('classifyNetworkError', () => {
  const coded = (code: string, extra: object = {}) =>
    Object.assign(new Error(`fail ${code}`), { code }, extra);

  it('calls a request certainly not sent only when every code says it never connected', () => {
    for (const code of [
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EAI_NONAME',
      'ENETUNREACH',
      'EHOSTUNREACH',
      'UND_ERR_CONNECT_TIMEOUT',
      'ERR_INVALID_URL',
    ]) {
      const error = classifyNetworkError(
        new TypeError('fetch failed', { cause: coded(code) }),
        'POST',
        'http://h/v1/videos',
      );
      expect(error, code).toBeInstanceOf(TokenBayNotSentError);
      expect(error.message).toBe(
        `Could not reach TokenBay for POST /v1/videos (${code}); the request was not sent.`,
      );
      expect(error.code).toBe(code);
    }
  });

  it('looks through AggregateError and causes, and a single unknown code makes it maybe sent', () => {
    const both = new AggregateError([coded('ECONNREFUSED'), coded('EHOSTUNREACH')], 'all failed');
    expect(classifyNetworkError(both, 'GET', 'http://h/x')).toBeInstanceOf(TokenBayNotSentError);
    const mixed = new AggregateError([coded('ECONNREFUSED'), coded('ECONNRESET')], 'x');
    const maybe = classifyNetworkError(mixed, 'POST', 'http://h/v1/videos');
    expect(maybe).toBeInstanceOf(TokenBayMaybeSentError);
    expect(maybe.message).toBe(
      'TokenBay POST /v1/videos failed (ECONNREFUSED) after the request may have been sent.',
    );
    const deep = new Error('a', { cause: new Error('b', { cause: coded('ECONNRESET') }) });
    expect(classifyNetworkError(deep, 'GET', 'http://h/y')).toMatchObject({
      name: 'TokenBayMaybeSentError',
      code: 'ECONNRESET',
    });
  });

  it('calls an error without codes, or a timeout even before connecting, maybe sent', () => {
    const plain = classifyNetworkError(new Error('socket hang up'), 'GET', 'http://h/z');
    expect(plain).toBeInstanceOf(TokenBayMaybeSentError);
    expect(plain.message).toBe(
      'TokenBay GET /z failed (socket hang up) after the request may have been sent.',
    );
    const timeout = Object.assign(new Error('t'), { name: 'TimeoutError', code: 'ECONNREFUSED' });
    expect(classifyNetworkError(timeout, 'POST', 'http://h/v1/videos')).toBeInstanceOf(
      TokenBayMaybeSentError,
    );
    const aborted = new DOMException('a', 'AbortError');
    expect(classifyNetworkError(aborted, 'GET', 'http://h/q').message).toMatch(/ timed out after/);
    expect(classifyNetworkError('weird', 'GET', 'http://h/q').message).toBe(
      'TokenBay GET /q failed (unknown) after the request may have been sent.',
    );
  });
  it('looks five causes deep and no further, so an error that is its own cause ends', () => {
    const chain = (depth: number, last: Error): Error =>
      depth === 0 ? last : new Error(`level ${depth}`, { cause: chain(depth - 1, last) });
    // ECONNREFUSED on top; ECONNRESET four causes down is still read, five down no longer.
    const fourDown = Object.assign(chain(4, coded('ECONNRESET')), { code: 'ECONNREFUSED' });
    expect(classifyNetworkError(fourDown, 'GET', 'http://h/a')).toBeInstanceOf(TokenBayMaybeSentError);
    const fiveDown = Object.assign(chain(5, coded('ECONNRESET')), { code: 'ECONNREFUSED' });
    expect(classifyNetworkError(fiveDown, 'GET', 'http://h/a')).toBeInstanceOf(TokenBayNotSentError);
    const loop = coded('ECONNREFUSED') as Error & { cause?: unknown };
    loop.cause = loop;
    expect(classifyNetworkError(loop, 'GET', 'http://h/a')).toMatchObject({
      name: 'TokenBayNotSentError',
      code: 'ECONNREFUSED',
    });
  });

  it('names no reason for a thrown null or undefined', () => {
    for (const thrown of [null, undefined]) {
      const error = classifyNetworkError(thrown, 'GET', 'http://h/n');
      expect(error).toBeInstanceOf(TokenBayMaybeSentError);
      expect(error.message).toBe('TokenBay GET /n failed (unknown) after the request may have been sent.');
      expect(error.code).toBeUndefined();
    }
  });

  it('reads codes from error objects only, not from a thrown function', () => {
    const thrown = Object.assign(() => undefined, { code: 'ECONNREFUSED' });
    expect(classifyNetworkError(thrown, 'GET', 'http://h/f')).toMatchObject({
      name: 'TokenBayMaybeSentError',
      code: undefined,
    });
  });
});

describe('TokenBay tasks, as clipbay reads them', () => {
  const base = 'https://api.tokenbay.test/api';

  it('normalizes every field, resolving a relative result_url against the base URL', () => {
    const body = taskBodySchema.parse({
      task_id: 'task_a',
      id: 'other',
      status: 'in_progress',
      progress: '42.4%',
      action: 'edit',
      model: 'veo',
      result_url: 'v1/videos/task_a/content',
      fail_reason: '',
      error: { message: 'odd', code: 7 },
      quota: '2',
      created_at: 1,
      submit_time: '2',
      start_time: 3,
      finish_time: 'soon',
      updated_at: 5,
    });
    expect(normalizeTask(body, base, 'fallback')).toEqual({
      id: 'task_a',
      status: 'IN_PROGRESS',
      rawStatus: 'in_progress',
      progress: 42,
      action: 'edit',
      model: 'veo',
      resultUrl: 'https://api.tokenbay.test/api/v1/videos/task_a/content',
      failReason: 'odd',
      error: { message: 'odd', code: '7' },
      quota: 2,
      times: { createdAt: 1, submittedAt: 2, startedAt: 3, finishedAt: undefined, updatedAt: 5 },
    });
  });

  it('fills in what is missing: fallback id, generate, no error, unknown status still running', () => {
    const task = normalizeTask(taskBodySchema.parse({ status: 'RENDERING' }), base, 'fallback');
    expect(task).toMatchObject({
      id: 'fallback',
      status: TASK_STATUS.unknown,
      rawStatus: 'RENDERING',
      progress: 0,
      action: 'generate',
      resultUrl: undefined,
      failReason: undefined,
      error: undefined,
      quota: undefined,
    });
    expect(normalizeTask(taskBodySchema.parse({ id: 'i' }), base, 'f')).toMatchObject({
      id: 'i',
      rawStatus: '',
      status: 'UNKNOWN',
    });
    expect(normalizeTask(taskBodySchema.parse({ quota: 'lots' }), base, 'f').quota).toBeUndefined();
  });

  it('says 100 % for SUCCESS whatever progress says, and prefers fail_reason to the error message', () => {
    expect(
      normalizeTask(taskBodySchema.parse({ status: 'SUCCESS', progress: '10%' }), base, 'f').progress,
    ).toBe(100);
    const failed = normalizeTask(
      taskBodySchema.parse({ status: 'FAILURE', fail_reason: 'flagged', error: { message: 'generic' } }),
      base,
      'f',
    );
    expect(failed).toMatchObject({ failReason: 'flagged', error: { message: 'generic', code: undefined } });
    expect(
      normalizeTask(taskBodySchema.parse({ result_url: 'https://cdn.test/v.mp4' }), base, 'f').resultUrl,
    ).toBe('https://cdn.test/v.mp4');
    expect(normalizeTask(taskBodySchema.parse({ result_url: '/v1/x' }), base, 'f').resultUrl).toBe(
      'https://api.tokenbay.test/v1/x',
    );
  });

  it.each([
    [undefined, 0],
    ['50%', 50],
    [' 75 % ', 75],
    ['\n 40%\t', 40],
    ['12.5', 13],
    [33.4, 33],
    [-5, 0],
    ['150%', 100],
    [100.4, 100],
    ['done', 0],
    [Number.NaN, 0],
    [Number.POSITIVE_INFINITY, 0],
  ])('parses progress %s as %i', (value, expected) => {
    expect(parseProgress(value)).toBe(expected);
  });

  it('knows which statuses end a task', () => {
    expect(Object.values(TASK_STATUS).filter(isTerminal)).toEqual(['SUCCESS', 'FAILURE']);
    expect(withTrailingSlash('http://h/a')).toBe('http://h/a/');
    expect(withTrailingSlash('http://h/a/')).toBe('http://h/a/');
  });

  it('gives generation and editing their own deadline, and the longer one before the first answer', () => {
    const deadlines = { generationTimeoutSeconds: 300, editTimeoutSeconds: 600 };
    expect(deadlineFor('generate', deadlines)).toBe(300);
    expect(deadlineFor('edit', deadlines)).toBe(600);
    expect(deadlineFor('', deadlines)).toBe(600);
    expect(deadlineFor(undefined, deadlines)).toBe(600);
    expect(deadlineFor(undefined, { generationTimeoutSeconds: 900, editTimeoutSeconds: 600 })).toBe(900);
  });

  it('parses Content-Range, and nothing else', () => {
    expect(parseContentRange(' bytes 10-19/100 ')).toEqual({ start: 10, end: 19, total: 100 });
    expect(parseContentRange('bytes 10-19/*')).toEqual({ start: 10, end: 19, total: undefined });
    for (const value of [
      null,
      '',
      'bytes */100',
      'bytes 10-19',
      'items 10-19/100',
      'xbytes 10-19/100',
      'bytes 10-19/100x',
    ])
      expect(parseContentRange(value), String(value)).toBeUndefined();
  });
});
