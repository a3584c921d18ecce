import { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ClipSource } from '../../functions/core/storage/clip-source.js';
import { LOCAL_S3_CREDENTIALS, type LocalS3 } from '../../local/s3/local-s3.js';
import { s3WithClip } from '../helpers/s3-with-clip.js';
import { collect } from '../helpers/streams.js';

const CLIP = { clipId: 'AbCdEfGhIjKlMnOpQrStUv', prompt: 'A corgi, surfing!' };
/** Several socket reads' worth, so a stream that stops early or never ends shows. */
const BYTES = randomBytes(3 * 1024 * 1024);

/** The clip PostLink uploads to chat, read from a real S3-compatible server (s3rver). */
describe('s3ClipSource', () => {
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await s3WithClip(CLIP.clipId, BYTES);
  });
  afterAll(() => s3.close());

  const source = (client = s3.client) => s3ClipSource(client, s3.bucket, { ...CLIP, bytes: BYTES.length });

  it('names the file after the prompt and streams every byte of the stored clip', async () => {
    const clip = source();
    expect({ filename: clip.filename, contentType: clip.contentType, bytes: clip.bytes }).toEqual({
      filename: 'a-corgi-surfing.mp4',
      contentType: 'video/mp4',
      bytes: BYTES.length,
    });
    expect((await collect(await clip.open())).equals(BYTES)).toBe(true);
    // Every open is a fresh read from the start (a retried upload sends the whole clip again).
    expect((await collect(await clip.open())).equals(BYTES)).toBe(true);
  });

  it('gives the connection back when the reader stops early', async () => {
    // One socket only: if a cancelled read kept its response open, the next GetObject would wait forever.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const oneSocket = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: LOCAL_S3_CREDENTIALS,
      requestHandler: { httpAgent: agent, connectionTimeout: 2000, requestTimeout: 5000 },
    });
    try {
      const reader = (await source(oneSocket).open()).getReader();
      expect((await reader.read()).done).toBe(false);
      await reader.cancel();
      expect((await collect(await source(oneSocket).open())).equals(BYTES)).toBe(true);
    } finally {
      oneSocket.destroy();
      agent.destroy();
    }
  });

  it('stops at once when the upload is aborted', async () => {
    await expect(source().open(AbortSignal.abort())).rejects.toThrow(/abort/i);
  });
});
