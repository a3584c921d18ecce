import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { shareRedirect } from '../../functions/core/storage/share-redirect.js';
import { presignClip, shareLink } from '../../functions/core/storage/video-links.js';
import { downloadFilename, videoObjectHeaders } from '../../functions/core/storage/video-object.js';
import { TokenBayMaybeSentError, TokenBayRateLimitError } from '../../functions/core/errors.js';
import type { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { newClipId, submitStep } from '../../functions/core/workflow/submit-step.js';
import { manualClock } from '../helpers/clock.js';
import { request } from '../helpers/message-fixtures.js';

const CLIP = 'AbCdEfGhIjKlMnOpQrStUv';
const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const s3With = (credentials: AwsCredentialIdentity) =>
  new S3Client({ region: 'eu-west-1', endpoint: 'https://s3.test', forcePathStyle: true, credentials });

describe('presigned links', () => {
  const clock = manualClock();

  it('caps a long-term key at 7 days, and gives what is asked below that', async () => {
    const s3 = s3With(keys);
    const week = await presignClip(s3, 'b', CLIP, 10 * 24 * 3600, clock);
    expect(week.expiresInSeconds).toBe(604_800);
    expect(week.expiresAt).toBe(clock.now() + 604_800_000);
    expect(new URL(week.url).pathname).toBe(`/b/clips/${CLIP}.mp4`);
    expect((await presignClip(s3, 'b', CLIP, 120, clock)).expiresInSeconds).toBe(120);
  });

  it('stops a minute before dated credentials expire, but never promises less than a minute', async () => {
    const at = (seconds: number) => new Date(clock.now() + seconds * 1000);
    const in2h = s3With({ ...keys, sessionToken: 't', expiration: at(7200) });
    expect((await presignClip(in2h, 'b', CLIP, 604_800, clock)).expiresInSeconds).toBe(7140);
    expect((await presignClip(in2h, 'b', CLIP, 600, clock)).expiresInSeconds).toBe(600);
    const almostGone = s3With({ ...keys, sessionToken: 't', expiration: at(90) });
    expect((await presignClip(almostGone, 'b', CLIP, 604_800, clock)).expiresInSeconds).toBe(60);
    const dated = s3With({ ...keys, expiration: at(7200) });
    expect((await presignClip(dated, 'b', CLIP, 604_800, clock)).expiresInSeconds).toBe(7140);
  });

  it('names share links under /v/ whatever the base ends with', () => {
    expect(shareLink('https://x.test/prod', CLIP)).toBe(`https://x.test/prod/v/${CLIP}`);
    expect(shareLink('https://x.test/prod/', CLIP)).toBe(`https://x.test/prod/v/${CLIP}`);
  });
});

describe('share redirect', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());

  it('redirects to a fresh one-hour link, never cached, never leaking the referrer', async () => {
    s3.on(HeadObjectCommand).resolves({});
    const answer = await shareRedirect(s3With(keys), 'videos', CLIP);
    expect(answer.statusCode).toBe(302);
    expect(answer.body).toBe('');
    expect(answer.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    expect(new URL(answer.headers.location!).searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'videos',
      Key: `clips/${CLIP}.mp4`,
    });
  });

  it('answers 404 in plain text for a missing clip, by status or by name', async () => {
    s3.on(HeadObjectCommand)
      .rejectsOnce(Object.assign(new Error('x'), { name: 'Unknown', $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(Object.assign(new Error('x'), { name: 'NotFound', $metadata: {} }));
    for (let i = 0; i < 2; i++)
      expect(await shareRedirect(s3With(keys), 'videos', CLIP)).toEqual({
        statusCode: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: 'This clip has expired or never existed.',
      });
  });

  it('tells a 403 for a missing clip from a broken permission by listing the key (a broken one is not "expired")', async () => {
    const forbidden = Object.assign(new Error('denied'), {
      name: 'Forbidden',
      $metadata: { httpStatusCode: 403 },
    });
    s3.on(HeadObjectCommand).rejects(forbidden);
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [] })
      .resolvesOnce({ Contents: [{ Key: `clips/${CLIP}.mp4` }] })
      .resolvesOnce({ Contents: [{ Key: `clips/${CLIP}.mp4.part` }] });
    expect(await shareRedirect(s3With(keys), 'videos', CLIP)).toMatchObject({
      statusCode: 404,
      body: 'This clip has expired or never existed.',
    });
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toEqual({
      Bucket: 'videos',
      Prefix: `clips/${CLIP}.mp4`,
      MaxKeys: 1,
    });
    // The key is there: the 403 was a real refusal, and it goes through.
    await expect(shareRedirect(s3With(keys), 'videos', CLIP)).rejects.toThrow('denied');
    // A longer key with the same start is not the clip.
    expect(await shareRedirect(s3With(keys), 'videos', CLIP)).toMatchObject({ statusCode: 404 });
  });

  it('lets any other S3 error through', async () => {
    s3.on(HeadObjectCommand).rejects(
      Object.assign(new Error('slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }),
    );
    await expect(shareRedirect(s3With(keys), 'videos', CLIP)).rejects.toThrow('slow down');
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  it('never asks S3 about an id that is not a clip id', async () => {
    for (const id of ['', `${CLIP}x`, `../${CLIP}`])
      expect(await shareRedirect(s3With(keys), 'videos', id)).toMatchObject({
        statusCode: 404,
        body: 'No such clip.',
      });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });
});

describe('object headers and names', () => {
  it('keeps metadata ASCII and short, and the prompt out of it', () => {
    const headers = videoObjectHeaders(request('a fox'), 'task_1', { id: 'Ü\u0001'.repeat(60), name: 'ana' });
    expect(headers.ContentType).toBe('video/mp4');
    expect(headers.ContentDisposition).toBe('inline; filename="a-fox.mp4"');
    expect(headers.Metadata).toEqual({
      'task-id': 'task_1',
      model: 'veo-3.1-generate-preview',
      'requester-id': '_'.repeat(100),
    });
    expect(JSON.stringify(headers.Metadata)).not.toContain('fox');
  });

  it('slugs filenames to at most 60 characters with no dash at either end', () => {
    expect(downloadFilename('--Hello,   World!--')).toBe('hello-world.mp4');
    const long = downloadFilename(`${'a'.repeat(59)} b c`);
    expect(long).toBe(`${'a'.repeat(59)}.mp4`);
    expect(downloadFilename('x'.repeat(80))).toBe(`${'x'.repeat(60)}.mp4`);
    expect(downloadFilename('Ça')).toBe('ca.mp4');
  });
});

describe('Submit', () => {
  it('submits the built body once and returns the task with a new clip id and the time', async () => {
    const bodies: unknown[] = [];
    const tokenBay = {
      submit: async (body: unknown) => {
        bodies.push(body);
        return { id: 'task_9', status: 'QUEUED', model: undefined, createdAt: undefined };
      },
    } as unknown as TokenBayClient;
    const clock = manualClock();
    const event = {
      id: 'exec-1',
      request: request('a fox'),
      replyTo: { platform: 'slack', responseUrl: 'https://hooks.slack.test/r', channelId: 'C1' },
      requestedBy: { id: 'U1', name: 'ana' },
      requestedAt: clock.now(),
    };
    expect(
      await submitStep({ tokenBay, clock, newClipId: () => CLIP, generationTimeoutSeconds: 300 }, event),
    ).toEqual({
      taskId: 'task_9',
      clipId: CLIP,
      submittedAt: clock.now(),
    });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ model: 'veo-3.1-generate-preview', prompt: 'a fox' });
    const fresh = await submitStep(
      { tokenBay, generationTimeoutSeconds: 300 },
      { ...event, requestedAt: Date.now() },
    );
    expect(fresh).toMatchObject({ clipId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(Math.abs((fresh as { submittedAt: number }).submittedAt - Date.now())).toBeLessThan(5000);
    await expect(
      submitStep({ tokenBay, generationTimeoutSeconds: 300 }, { ...event, request: undefined }),
    ).rejects.toThrow();
    expect(bodies).toHaveLength(2);
  });

  /** One Submit invocation per call, as the state machine makes them; `task` carries the last wait. */
  function throttled(answers: (Error | undefined)[]) {
    const clock = manualClock();
    let calls = 0;
    const tokenBay = {
      submit: async () => {
        const answer = answers[calls++];
        if (answer) throw answer;
        return { id: 'task_1', status: 'QUEUED', model: undefined, createdAt: undefined };
      },
    } as unknown as TokenBayClient;
    const requestedAt = clock.now();
    const run = (previous?: { throttled: true; retryAfterSeconds: number }, generationTimeoutSeconds = 300) =>
      submitStep(
        { tokenBay, clock, generationTimeoutSeconds, newClipId: () => CLIP },
        {
          id: 'exec-1',
          request: request('a fox'),
          replyTo: { platform: 'slack', responseUrl: 'https://hooks.slack.test/r', channelId: 'C1' },
          requestedBy: { id: 'U1', name: 'ana' },
          requestedAt,
          ...(previous ? { task: previous } : {}),
        },
      );
    return { run, clock, calls: () => calls };
  }
  const limited = (retryAfterSeconds?: number) =>
    new TokenBayRateLimitError('429', { status: 429, retryAfterSeconds });

  it('answers a 429 with the wait TokenBay asked for (whole seconds), and holds no invocation', async () => {
    const t = throttled([limited(2), limited(1.5), undefined]);
    expect(await t.run()).toEqual({ throttled: true, retryAfterSeconds: 2 });
    expect(await t.run({ throttled: true, retryAfterSeconds: 2 })).toEqual({
      throttled: true,
      retryAfterSeconds: 2,
    });
    expect(await t.run({ throttled: true, retryAfterSeconds: 2 })).toMatchObject({
      taskId: 'task_1',
      clipId: CLIP,
    });
    expect(t.calls()).toBe(3);
  });

  it('backs off with jitter when a 429 names no wait: about 2 s first, doubling, at most 60 s', async () => {
    const t = throttled([limited(), limited(), limited()]);
    const first = (await t.run()) as { retryAfterSeconds: number };
    expect(first.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(first.retryAfterSeconds).toBeLessThanOrEqual(2);
    const second = (await t.run({ throttled: true, retryAfterSeconds: 8 })) as { retryAfterSeconds: number };
    expect(second.retryAfterSeconds).toBeGreaterThanOrEqual(8);
    expect(second.retryAfterSeconds).toBeLessThanOrEqual(16);
    const capped = (await t.run({ throttled: true, retryAfterSeconds: 50 })) as { retryAfterSeconds: number };
    expect(capped.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('never sends again a submit that may have reached TokenBay', async () => {
    const t = throttled([new TokenBayMaybeSentError('maybe'), undefined]);
    await expect(t.run()).rejects.toBeInstanceOf(TokenBayMaybeSentError);
    expect(t.calls()).toBe(1);
  });

  it('stops at the generation deadline, saying nothing was made or charged', async () => {
    const t = throttled([limited(10), limited(10)]);
    expect(await t.run(undefined, 15)).toEqual({ throttled: true, retryAfterSeconds: 10 });
    t.clock.advance(10);
    const error = (await t
      .run({ throttled: true, retryAfterSeconds: 10 }, 15)
      .catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('DeadlineExceededError');
    expect(error.message).toBe(
      'TokenBay was still too busy to take the video after 10 s, so clipbay stopped trying. Nothing was made or charged; run the command again later.',
    );
  });

  it('does not wait for a resubmit that would land exactly on the deadline, but takes one a second before', async () => {
    const t = throttled([limited(14), limited(15)]);
    expect(await t.run(undefined, 15)).toEqual({ throttled: true, retryAfterSeconds: 14 });
    await expect(t.run(undefined, 15)).rejects.toThrow(/still too busy/);
  });

  it('makes clip ids of 22 url-safe characters, never twice the same', () => {
    const ids = new Set(Array.from({ length: 50 }, newClipId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
