import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isValidDiscordSignature, discordPublicKey } from '../../bots/discord/discord-request-check.js';
import {
  TokenBayProtocolError,
  TokenBayServerError,
  TransferInterruptedError,
} from '../../functions/core/errors.js';
import { videoKey } from '../../functions/core/storage/video-object.js';
import type { VideoContent } from '../../functions/core/tokenbay/client.js';
import { resumingDownload } from '../../functions/core/transfer/resuming-download.js';
import { generateKeyPairSync, sign } from 'node:crypto';
import { collect } from '../helpers/streams.js';
// Imported here, not inside the test: module-level code (TokenBay's task schema) then counts as
// static for Stryker, instead of as covered by this one test, which never parses a task.
import { checkStatusStep } from '../../functions/core/workflow/check-status-step.js';
import { request } from '../helpers/message-fixtures.js';

/** Edges that the first mutation run showed no test looked at (docs/MUTATION.md). */
const content = (bytes: Buffer, fields: Partial<VideoContent> = {}): VideoContent => ({
  stream: Readable.from([bytes]),
  offset: 0,
  contentLength: bytes.length,
  totalLength: undefined,
  contentType: undefined,
  ...fields,
});

describe('resumingDownload edges', () => {
  it('is a byte stream (memory stays at one chunk), and keeps the first content type', async () => {
    const chunks = [Buffer.from('abc'), Buffer.from('def')];
    let call = 0;
    const download = resumingDownload(async () => {
      const i = call++;
      if (i === 0) {
        const broken = new Readable({ read() {} });
        broken.push(chunks[0]);
        setImmediate(() => broken.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' })));
        return content(chunks[0]!, { stream: broken, contentType: 'video/mp4', totalLength: 6 });
      }
      return content(chunks[1]!, { offset: 3, contentType: 'text/plain', totalLength: 6 });
    });
    expect(download.stream.readableObjectMode).toBe(false);
    expect((await collect(download.stream)).toString()).toBe('abcdef');
    expect(download.progress).toEqual({ bytes: 6, resumes: 1, totalLength: 6, contentType: 'video/mp4' });
  });

  it('does not resume an answer TokenBay gave (416, 4xx): one request, its own error', async () => {
    const open = vi.fn(async () => {
      throw new TokenBayProtocolError('416');
    });
    const error = await collect(resumingDownload(open).stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenBayProtocolError);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('resumes a 5xx on open, and says how often it broke when it gives up, with the cause', async () => {
    const cause = new TokenBayServerError('503');
    const download = resumingDownload(
      async () => {
        throw cause;
      },
      { maxResumes: 2 },
    );
    const error = (await collect(download.stream).catch((e: unknown) => e)) as TransferInterruptedError;
    expect(error).toBeInstanceOf(TransferInterruptedError);
    expect(error.message).toBe('The download broke off at byte 0 3 times; giving up.');
    expect(error.cause).toBe(cause);
  });

  it('accepts any length when TokenBay announced none', async () => {
    const download = resumingDownload(async () => content(Buffer.from('12345')));
    expect((await collect(download.stream)).toString()).toBe('12345');
    expect(download.progress.totalLength).toBeUndefined();
  });
});

describe('signature and key edges', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = discordPublicKey(
    (publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(-32).toString('hex'),
  );
  const signature = sign(null, Buffer.from('1{}'), privateKey).toString('hex');

  it('refuses a valid signature with anything after or before it', () => {
    expect(isValidDiscordSignature(key, '{}', signature, '1')).toBe(true);
    expect(isValidDiscordSignature(key, '{}', `${signature}zz`, '1')).toBe(false);
    expect(isValidDiscordSignature(key, '{}', `zz${signature}`, '1')).toBe(false);
  });

  it('quotes at most 40 characters of a bad clip id', () => {
    const id = 'x'.repeat(100);
    expect(() => videoKey(id)).toThrow(new Error(`Not a clip id: ${'x'.repeat(40)}`));
  });
});

describe('CheckStatus leaves no timer behind', () => {
  afterEach(() => vi.useRealTimers());

  it('clears its progress timeout once the update is shown', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await checkStatusStep(
      {
        tokenBay: {
          get: async () => ({
            id: 't',
            status: 'QUEUED',
            rawStatus: 'QUEUED',
            progress: 0,
            action: 'generate',
          }),
        } as never,
        notifier: { progress: async () => 'm-1' } as never,
        generationTimeoutSeconds: 300,
        editTimeoutSeconds: 600,
        clock: { now: () => 1_000_000 },
      },
      {
        id: 'e',
        request: request('a fox'),
        replyTo: { platform: 'slack', responseUrl: 'https://hooks.slack.test/r', channelId: 'C1' },
        requestedBy: { id: 'U1', name: 'ana' },
        requestedAt: 999_000,
        task: { taskId: 't', clipId: 'AbCdEfGhIjKlMnOpQrStUv', submittedAt: 999_000 },
      },
    );
    expect(vi.getTimerCount()).toBe(0);
  });
});
