import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageRefusedError } from '../../functions/core/errors.js';
import { CHAT_IMAGE_LIMITS, copyChatImages } from '../../functions/core/transfer/chat-image-copy.js';
import type { VideoRequest } from '../../functions/core/request/video-request.js';
import { closeServer, listenOnLoopback } from '../../local/http/http-helpers.js';
import { startLocalS3, type LocalS3 } from '../../local/s3/local-s3.js';
import { startS3Front, type S3Front } from '../../local/s3/s3-front.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MiB = 2 ** 20;

/** What the file host saw of one request: whether its answer was cut off by the reader. */
interface Served {
  path: string;
  /** Resolves when the connection closed: true if the whole body had been written. */
  closed: Promise<boolean>;
}

/**
 * An image shared in chat, copied into the bucket (Submit's part of Animate), against a real file
 * host (node:http, chunked as a host that does not know the length sends it) and the account's S3 in front of
 * an S3-compatible server (which lists and aborts multipart uploads as S3 does).
 * A refusal must end cleanly: the file host's connection closed by the reader, no upload left
 * unfinished, and no stream left behind whose later error, with no one listening, would end the
 * Lambda process (as it did: the next invocation in that container failed with Runtime.ExitError).
 */
describe('copying an image shared in chat: refusals end cleanly', () => {
  let backend: LocalS3;
  let s3: S3Front;
  const BUCKET = 'clipbay-videos';
  let directory: string;
  let host: Server;
  let url: string;
  const served: Served[] = [];
  /** How each path answers. */
  const answers = new Map<string, (res: ServerResponse) => void>();

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'clipbay-image-copy-'));
    backend = await startLocalS3({ directory, bucket: BUCKET });
    s3 = await startS3Front(backend);
    host = createServer((req, res) => {
      const closed = new Promise<boolean>((resolve) =>
        res.once('close', () => resolve(res.writableFinished)),
      );
      served.push({ path: req.url ?? '', closed });
      answers.get(req.url ?? '')?.(res);
    });
    url = `http://127.0.0.1:${await listenOnLoopback(host, 0)}`;
  });
  afterAll(async () => {
    await closeServer(host);
    await s3?.close();
    await backend?.close();
    await rm(directory, { recursive: true, force: true });
  });

  const request = (image: string): VideoRequest =>
    ({ prompt: 'a harbor at dusk', model: 'veo-3.1-generate-preview', images: [image] }) as VideoRequest;
  const copy = (path: string, timeoutMs?: number, more: string[] = []) =>
    copyChatImages(
      { ...request(`${url}${path}`), images: [`${url}${path}`, ...more.map((p) => `${url}${p}`)] },
      `run-${path.slice(1)}`,
      { hosts: [new URL(url).host], authorization: 'Bearer xoxb-test', label: 'Slack' },
      { s3: s3.client, bucket: BUCKET, ...(timeoutMs ? { timeoutMs } : {}) },
    );
  const leftInBucket = async (path: string) => {
    const prefix = `images/run-${path.slice(1)}/`;
    const objects = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    const uploads = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: prefix }));
    return { objects: objects.KeyCount ?? 0, uploads: uploads.Uploads?.length ?? 0 };
  };

  it('one over 10 MiB, sent with no length: refused at the cap, the host’s connection closed, nothing left', async () => {
    // 16 MiB in 1 MiB chunks, written only as fast as the reader takes them.
    answers.set('/huge.png', (res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'transfer-encoding': 'chunked' });
      let sent = 0;
      const more = () => {
        while (sent < 16) {
          const chunk =
            sent === 0 ? Buffer.concat([PNG_SIGNATURE, Buffer.alloc(MiB - 8, 1)]) : Buffer.alloc(MiB, 2);
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    const refusal = await copy('/huge.png').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ImageRefusedError);
    expect((refusal as Error).message).toMatch(
      /^The image is over 10 MiB; clipbay passes on images up to 10 MiB/,
    );
    // The reader let go of the host: the answer was cut off, not read to its end or left open.
    expect(await served.find((s) => s.path === '/huge.png')!.closed).toBe(false);
    expect(await leftInBucket('/huge.png')).toEqual({ objects: 0, uploads: 0 });
  });

  it('a host that stops sending mid-image: refused when the read’s deadline passes, the connection closed', async () => {
    answers.set('/stalled.png', (res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'transfer-encoding': 'chunked' });
      res.write(Buffer.concat([PNG_SIGNATURE, Buffer.alloc(64 * 1024, 3)])); // and then nothing
    });
    const refusal = await copy('/stalled.png', 300).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ImageRefusedError);
    expect((refusal as Error).message).toBe(
      'Slack took too long to send the image. Try again, or give a public image link with --image.',
    );
    expect(await served.find((s) => s.path === '/stalled.png')!.closed).toBe(false);
    expect(await leftInBucket('/stalled.png')).toEqual({ objects: 0, uploads: 0 });
  });

  it('one within the cap is copied whole', async () => {
    const image = Buffer.concat([PNG_SIGNATURE, Buffer.alloc(CHAT_IMAGE_LIMITS.maxBytes - 8, 4)]);
    answers.set('/fits.png', (res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'transfer-encoding': 'chunked' });
      res.end(image);
    });
    const copied = await copy('/fits.png');
    expect(copied.images[0]).toContain('/images/run-fits.png/0.png');
    expect(await served.find((s) => s.path === '/fits.png')!.closed).toBe(true);
    const stored = Buffer.from(await (await fetch(copied.images[0]!)).arrayBuffer());
    expect(stored.equals(image)).toBe(true);
    expect(await leftInBucket('/fits.png')).toEqual({ objects: 1, uploads: 0 });
  });

  it('a host that sends no answer at all: refused when the deadline passes, as too slow', async () => {
    answers.set('/silent.png', () => undefined); // the request is read, and nothing comes back
    const refusal = await copy('/silent.png', 300).catch((error: unknown) => error);
    expect((refusal as Error).message).toBe(
      'Slack took too long to send the image. Try again, or give a public image link with --image.',
    );
    expect(await served.find((s) => s.path === '/silent.png')!.closed).toBe(false);
  });

  it('two images, the second refused: the first one’s copy stops too, and nothing is left', async () => {
    // The first comes slowly (a chunk, then silence); the second is a sign-in page.
    answers.set('/slow-first.png', (res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'transfer-encoding': 'chunked' });
      res.write(Buffer.concat([PNG_SIGNATURE, Buffer.alloc(64 * 1024, 5)]));
    });
    answers.set('/signin.png', (res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html>Sign in</html>');
    });
    const refusal = await copy('/slow-first.png', 20_000, ['/signin.png']).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ImageRefusedError);
    expect((refusal as Error).message).toMatch(/^Slack answered with a web page instead of the image/);
    // Well before the 20 s deadline: the refusal itself stopped the first copy.
    expect(await served.find((s) => s.path === '/slow-first.png')!.closed).toBe(false);
    expect(await leftInBucket('/slow-first.png')).toEqual({ objects: 0, uploads: 0 });
  });
});
