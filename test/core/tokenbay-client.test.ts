import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  TokenBayAuthError,
  TokenBayMaybeSentError,
  TokenBayNotSentError,
  TokenBayProtocolError,
  TokenBayRateLimitError,
  TokenBayRejectedError,
  TokenBayServerError,
} from '../../functions/core/errors.js';
import { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { TASK_STATUS } from '../../functions/core/tokenbay/task.js';
import { QUOTA_PER_SECOND, TokenBaySimulator } from '../../local/simulator/tokenbay-simulator.js';
import { manualClock } from '../helpers/clock.js';
import { collect } from '../helpers/streams.js';

const KEY = 'sk-test-0123456789';

describe('TokenBayClient against the simulator', () => {
  let clock: ReturnType<typeof manualClock>;
  let sim: TokenBaySimulator;
  let client: TokenBayClient;

  beforeEach(async () => {
    clock = manualClock();
    sim = new TokenBaySimulator({ apiKey: KEY, generationSeconds: 60, clock, videoSize: 300_000 });
    const baseUrl = await sim.start();
    client = new TokenBayClient({ baseUrl, apiKey: KEY, timeoutMs: 2000 });
  });
  afterEach(() => sim.stop());

  it('follows a task from submit to SUCCESS, with progress parsed from "50%" strings', async () => {
    const submitted = await client.submit({
      model: 'veo-3.1-generate-preview',
      prompt: 'a corgi surfing',
      seconds: 8,
    });
    expect(submitted.id).toMatch(/^task_/);
    expect(submitted.status).toBe('QUEUED');

    const seen: { status: string; progress: number }[] = [];
    let elapsed = 0;
    for (const seconds of [0, 1, 30, 45, 60]) {
      clock.advance(seconds - elapsed);
      elapsed = seconds;
      const task = await client.get(submitted.id);
      seen.push({ status: task.status, progress: task.progress });
    }
    expect(seen).toEqual([
      { status: TASK_STATUS.queued, progress: 0 },
      { status: TASK_STATUS.queued, progress: 0 },
      { status: TASK_STATUS.inProgress, progress: 50 },
      { status: TASK_STATUS.inProgress, progress: 75 },
      { status: TASK_STATUS.success, progress: 100 },
    ]);
    const done = await client.get(submitted.id);
    expect(done.action).toBe('generate');
    expect(done.resultUrl).toBe(`${sim.url}/v1/videos/${submitted.id}/content`);
    expect(done.quota).toBe(8 * QUOTA_PER_SECOND); // what the simulator charges for 8 s
    expect(done.times.finishedAt).toBeTypeOf('number');
  });

  it('sends the key only as a Bearer header, never in the body', async () => {
    await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
    const [request] = sim.submits();
    expect(request!.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.stringify(request!.body)).not.toContain(KEY);
  });

  it('turns a 200 whose body has error into TokenBayRejectedError with message, type and code', async () => {
    const error = await client
      .submit({ model: 'veo-3.1-generate-preview', prompt: 'a [reject] cat' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TokenBayRejectedError);
    expect(error).toMatchObject({
      name: 'TokenBayRejectedError',
      status: 200,
      type: 'invalid_request_error',
      code: 'content_policy_violation',
      message: 'Your prompt was rejected by the safety system (simulated [reject]).',
    });
  });

  it('lets a value TokenBay rejects reach the caller as its own message', async () => {
    const error = await client
      .submit({ model: 'veo-3.1-generate-preview', prompt: 'x', seconds: 7 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TokenBayRejectedError);
    expect(error.message).toBe('seconds must be 4, 6, 8 for veo-3.1-generate-preview.');
  });

  it('maps 401 to TokenBayAuthError that tells the admin what to do', async () => {
    const wrongKey = new TokenBayClient({ baseUrl: sim.url, apiKey: 'sk-wrong' });
    const error = await wrongKey.get('task_x').catch((e) => e);
    expect(error).toBeInstanceOf(TokenBayAuthError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/admin needs to set a valid TokenBay key/);
  });

  it('maps 429 (with Retry-After) and 5xx to their own errors', async () => {
    const { id } = await client.submit({ model: 'seedance-1-0-pro', prompt: 'x' });
    sim.inject('poll', 'rate-limit', 'server-error');
    const limited = await client.get(id).catch((e) => e);
    expect(limited).toBeInstanceOf(TokenBayRateLimitError);
    expect(limited.retryAfterSeconds).toBe(1);
    const broken = await client.get(id).catch((e) => e);
    expect(broken).toBeInstanceOf(TokenBayServerError);
    expect(broken.status).toBe(502);
    await expect(client.get(id)).resolves.toMatchObject({ status: 'QUEUED' });
  });

  it('does not retry a submit that failed with 5xx', async () => {
    sim.inject('submit', 'server-error');
    await expect(client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' })).rejects.toBeInstanceOf(
      TokenBayServerError,
    );
    expect(sim.submits()).toHaveLength(1);
  });

  it('resolves relative and absolute result_url against the base URL', async () => {
    const absolute = new TokenBaySimulator({
      apiKey: KEY,
      generationSeconds: 0,
      resultUrl: 'absolute',
      clock,
    });
    const absoluteUrl = await absolute.start();
    try {
      const relClient = client;
      const absClient = new TokenBayClient({ baseUrl: absoluteUrl, apiKey: KEY });
      const rel = await relClient.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
      const abs = await absClient.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
      clock.advance(60);
      expect((await relClient.get(rel.id)).resultUrl).toBe(`${sim.url}/v1/videos/${rel.id}/content`);
      expect((await absClient.get(abs.id)).resultUrl).toBe(`${absoluteUrl}/v1/videos/${abs.id}/content`);
    } finally {
      await absolute.stop();
    }
  });

  it('downloads the whole video, and resumes with Range into byte-identical output', async () => {
    const { id } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
    clock.advance(60);
    const { resultUrl } = await client.get(id);
    const expected = sim.video.bytes();

    const whole = await client.content(resultUrl!);
    expect(whole).toMatchObject({ offset: 0, contentLength: expected.length, totalLength: expected.length });
    expect((await collect(whole.stream)).equals(expected)).toBe(true);

    const offset = 123_457;
    const rest = await client.content(id, { offset });
    expect(rest).toMatchObject({
      offset,
      contentLength: expected.length - offset,
      totalLength: expected.length,
    });
    const joined = Buffer.concat([expected.subarray(0, offset), await collect(rest.stream)]);
    expect(joined.equals(expected)).toBe(true);
    expect(sim.requests.at(-1)!.range).toBe(`bytes=${offset}-`);
  });

  it('reports a download cut mid-stream as a stream error, and 416 past the end', async () => {
    const { id } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
    clock.advance(60);
    sim.inject('content', { resetAtFraction: 0.4 });
    const cut = await client.content(id);
    await expect(collect(cut.stream)).rejects.toThrow();
    await expect(client.content(id, { offset: sim.video.size })).rejects.toBeInstanceOf(
      TokenBayProtocolError,
    );
  });

  it('classifies a refused connection as certainly not sent', async () => {
    const port = await closedPort();
    const offline = new TokenBayClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    const error = await offline.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(TokenBayNotSentError);
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('classifies a timeout after the body went out as maybe sent (and the task exists)', async () => {
    sim.inject('submit', 'hang');
    const impatient = new TokenBayClient({ baseUrl: sim.url, apiKey: KEY, timeoutMs: 200 });
    const error = await impatient.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(TokenBayMaybeSentError);
    expect(error.message).toMatch(/timed out/);
    expect(sim.taskIds()).toHaveLength(1);
  });

  it('classifies a connection reset after the body went out as maybe sent', async () => {
    sim.inject('submit', 'reset-after-body');
    const error = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' }).catch((e) => e);
    expect(error).toBeInstanceOf(TokenBayMaybeSentError);
    expect(sim.submits()).toHaveLength(1);
  });

  it('answers the documented aliases', async () => {
    const response = await fetch(`${sim.url}/v1/video/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'happyhorse-1.0-t2v', prompt: 'x' }),
    });
    const { task_id: id } = (await response.json()) as { task_id: string };
    const query = await fetch(`${sim.url}/v1/video/generations/${id}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(await query.json()).toMatchObject({ task_id: id, status: 'QUEUED', progress: '0%' });
  });
});

/**
 * A real HTTP server whose content answers each test writes by hand: statuses and Content-Range
 * headers the simulator never sends (a resume at the wrong byte, a 200 to a Range request).
 */
describe('TokenBayClient.content against a server that answers ranges wrongly', () => {
  const FILE = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  let answer: (req: IncomingMessage, res: ServerResponse) => void;
  let seen: IncomingMessage[];
  let server: ReturnType<typeof createHttpServer>;
  let client: TokenBayClient;
  let baseUrl: string;

  beforeEach(async () => {
    seen = [];
    server = createHttpServer((req, res) => {
      seen.push(req);
      answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new TokenBayClient({ baseUrl, apiKey: KEY, timeoutMs: 2000 });
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function serve(status: number, start: number, headers: Record<string, string> = {}) {
    answer = (_req, res) => {
      res.writeHead(status, {
        'content-type': 'video/mp4',
        'content-length': String(FILE.length - start),
        ...headers,
      });
      res.end(FILE.subarray(start));
    };
  }

  it('accepts a 206 that starts at the offset asked for, with the total from Content-Range', async () => {
    serve(206, 400, { 'content-range': 'bytes 400-999/1000' });
    const rest = await client.content('task_1', { offset: 400 });
    expect(seen[0]!.headers.range).toBe('bytes=400-');
    expect(seen[0]!.url).toBe('/v1/videos/task_1/content');
    expect(rest).toMatchObject({
      offset: 400,
      contentLength: 600,
      totalLength: 1000,
      contentType: 'video/mp4',
    });
    expect((await collect(rest.stream)).equals(FILE.subarray(400))).toBe(true);
  });

  it('reads an unknown total (bytes a-b/*) as undefined', async () => {
    serve(206, 400, { 'content-range': 'bytes 400-999/*' });
    const rest = await client.content('task_1', { offset: 400 });
    expect(rest.totalLength).toBeUndefined();
    await collect(rest.stream);
  });

  it.each([
    ['a 206 that starts before the offset', 206, 0, 'bytes 0-999/1000'],
    ['a 206 that starts after the offset', 206, 401, 'bytes 401-999/1000'],
    ['a 206 without Content-Range', 206, 400, undefined],
    ['a 206 with a malformed Content-Range', 206, 400, 'bytes 400-999'],
    ['a 200 (the whole file) in answer to the Range request', 200, 0, undefined],
    ['a 200 that claims the right Content-Range', 200, 400, 'bytes 400-999/1000'],
  ])('refuses %s: the bytes would be appended at the wrong place', async (_name, status, start, range) => {
    serve(status, start, range ? { 'content-range': range } : {});
    const error = await client.content('task_1', { offset: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenBayProtocolError);
    expect((error as Error).message).toBe(
      `TokenBay did not resume the download at byte 400 (status ${status}, Content-Range ${range ?? 'missing'}).`,
    );
  });

  it('takes a whole 200 download without asking for a range, its length as the total', async () => {
    serve(200, 0);
    const whole = await client.content('task_1');
    expect(seen[0]!.headers.range).toBeUndefined();
    expect(whole).toMatchObject({ offset: 0, contentLength: 1000, totalLength: 1000 });
    expect((await collect(whole.stream)).equals(FILE)).toBe(true);
  });

  it('ignores a Content-Range on a download from the start, and a 206 has no total of its own', async () => {
    serve(206, 0, { 'content-range': 'bytes 0-999/1000' });
    const whole = await client.content('task_1');
    expect(whole).toMatchObject({ offset: 0, contentLength: 1000, totalLength: undefined });
    await collect(whole.stream);
  });

  it('sends the key to TokenBay only, never to another host named by an absolute result_url', async () => {
    serve(200, 0);
    await collect((await client.content(`${baseUrl}/cdn/video.mp4`)).stream);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    const elsewhere = new TokenBayClient({ baseUrl: 'http://localhost:1/', apiKey: KEY });
    await collect((await elsewhere.content(`${baseUrl}/cdn/video.mp4`)).stream);
    expect(seen[1]!.headers.authorization).toBeUndefined();
    expect(seen[1]!.url).toBe('/cdn/video.mp4');
    expect(seen[1]!.headers['user-agent']).toMatch(/^clipbay\//);
  });

  it('asks for an MP4 (or anything) on a download, with the key and its user agent', async () => {
    serve(200, 0);
    await collect((await client.content('task_1')).stream);
    expect(seen[0]!.headers).toMatchObject({
      accept: 'video/mp4, */*',
      authorization: `Bearer ${KEY}`,
      'user-agent': 'clipbay/0.1 (+https://github.com/clipbay)',
    });
  });

  it('downloads a result_url given as a path from the host root', async () => {
    serve(200, 0);
    await collect((await client.content('/files/task_1.mp4')).stream);
    expect(seen[0]!.url).toBe('/files/task_1.mp4');
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('says which byte TokenBay could not serve on a 416, with the status', async () => {
    serve(416, 1000, { 'content-range': 'bytes */1000' });
    const error = await client.content('task_1', { offset: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenBayProtocolError);
    expect(error).toMatchObject({
      message: 'TokenBay could not serve bytes from 1000 (416 Range Not Satisfiable).',
      status: 416,
    });
  });

  it('maps an error answer to a download to its own error, with TokenBay’s message', async () => {
    answer = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'busy', code: 'overloaded' } }));
    };
    const error = await client.content('task_1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenBayServerError);
    expect(error).toMatchObject({ message: 'busy', status: 503, code: 'overloaded' });
  });

  it('calls a 2xx without a body a protocol error, not a crash', async () => {
    answer = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    const error = await client.content('task_1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenBayProtocolError);
    expect((error as Error).message).toBe('TokenBay sent no video bytes.');
  });

  it('times out a download whose headers never come, as maybe sent', async () => {
    answer = () => undefined; // never answers
    const quick = new TokenBayClient({ baseUrl, apiKey: KEY, timeoutMs: 150 });
    const error = (await quick.content('task_1').catch((e: unknown) => e)) as TokenBayMaybeSentError;
    expect(error).toBeInstanceOf(TokenBayMaybeSentError);
    expect(error.message).toBe(
      'TokenBay GET /v1/videos/task_1/content timed out after the request may have been sent.',
    );
    expect(error.cause).toMatchObject({ name: 'TimeoutError', message: 'timed out' });
  });

  it('lets a slow download that keeps sending take longer than the timeout', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': String(FILE.length) });
      let sent = 0;
      const tick = setInterval(() => {
        res.write(FILE.subarray(sent, sent + 50));
        sent += 50;
        if (sent >= FILE.length) {
          clearInterval(tick);
          res.end();
        }
      }, 50);
      res.on('close', () => clearInterval(tick));
    };
    const quick = new TokenBayClient({ baseUrl, apiKey: KEY, timeoutMs: 300 });
    const started = Date.now();
    const slow = await quick.content('task_1');
    expect((await collect(slow.stream)).equals(FILE)).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(600); // 20 chunks, 50 ms apart: over 3 timeouts
  });

  it('calls a download whose connection is refused certainly not sent', async () => {
    const port = await closedPort();
    const offline = new TokenBayClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    const error = (await offline.content('task_1').catch((e: unknown) => e)) as TokenBayNotSentError;
    expect(error).toBeInstanceOf(TokenBayNotSentError);
    expect(error.message).toBe(
      'Could not reach TokenBay for GET /v1/videos/task_1/content (ECONNREFUSED); the request was not sent.',
    );
  });

  it('takes a task id that merely contains http:// as an id, not as a URL', async () => {
    serve(200, 0);
    await collect((await client.content('task_http://1')).stream);
    expect(seen[0]!.url).toBe('/v1/videos/task_http%3A%2F%2F1/content');
  });

  it('clears its timer once a download has ended, or failed for want of a body', async () => {
    // A timer left behind keeps a CLI process alive for the whole timeout after the download.
    const ours = 4321; // a delay nothing else in the process uses
    const timed = new TokenBayClient({ baseUrl, apiKey: KEY, timeoutMs: ours });
    const set = vi.spyOn(globalThis, 'setTimeout');
    const cleared = vi.spyOn(globalThis, 'clearTimeout');
    try {
      serve(200, 0);
      await collect((await timed.content('task_1')).stream);
      await new Promise((resolve) => setImmediate(resolve)); // the stream's 'close'
      answer = (_req, res) => {
        res.writeHead(204);
        res.end();
      };
      await expect(timed.content('task_1')).rejects.toThrow('TokenBay sent no video bytes.');
      const timers = set.mock.calls.flatMap(([, ms], i) => (ms === ours ? [set.mock.results[i]!.value] : []));
      expect(timers.length).toBeGreaterThanOrEqual(3); // the download's, re-armed at its body, the 204's
      const gone = new Set(cleared.mock.calls.map(([timer]) => timer));
      expect(timers.filter((timer) => !gone.has(timer))).toEqual([]);
    } finally {
      set.mockRestore();
      cleared.mockRestore();
    }
  });

  it('fails a download that stalls between chunks instead of hanging', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(FILE.subarray(0, 100));
    };
    const quick = new TokenBayClient({ baseUrl, apiKey: KEY, timeoutMs: 150 });
    const stalled = await quick.content('task_1');
    const error = await collect(stalled.stream).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError', message: 'stalled' });
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
