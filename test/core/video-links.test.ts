import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareRedirect } from '../../functions/core/storage/share-redirect.js';
import { presignClip, shareLink } from '../../functions/core/storage/video-links.js';
import { CLIP_ID, downloadFilename, videoKey } from '../../functions/core/storage/video-object.js';
import type { LocalS3 } from '../../local/s3/local-s3.js';
import { manualClock } from '../helpers/clock.js';
import { s3WithClip } from '../helpers/s3-with-clip.js';

const CLIP = 'AbCdEfGhIjKlMnOpQrStUv';

describe('links to clips', () => {
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await s3WithClip(CLIP, Buffer.from('mp4 bytes'));
  });
  afterAll(() => s3.close());

  it('presigns for the requested time when the credentials last longer', async () => {
    const link = await presignClip(s3.client, s3.bucket, CLIP, 604_800);
    expect(link.expiresInSeconds).toBe(604_800);
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('mp4 bytes');
  });

  it('caps the expiry at what temporary credentials allow (a Lambda role session)', async () => {
    const clock = manualClock();
    const expiration = new Date(clock.now() + 6 * 3600 * 1000);
    const session = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'token', expiration },
    });
    const link = await presignClip(session, s3.bucket, CLIP, 604_800, clock);
    expect(link.expiresInSeconds).toBe(6 * 3600 - 60);
    expect(new URL(link.url).searchParams.get('X-Amz-Expires')).toBe(String(6 * 3600 - 60));
  });

  it('under Lambda (a session token, no expiry) promises at most an hour, minus the margin', async () => {
    const clock = manualClock();
    // What Lambda puts in AWS_SESSION_TOKEN is about 1,100 characters of base64.
    const sessionToken = Buffer.from(Array.from({ length: 825 }, (_, i) => (i * 37) % 256)).toString(
      'base64',
    );
    expect(sessionToken).toHaveLength(1100);
    const lambda = new S3Client({
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken },
    });
    const link = await presignClip(lambda, s3.bucket, CLIP, 604_800, clock);
    expect(link.expiresInSeconds).toBe(3600 - 60);
    expect(link.expiresAt).toBe(clock.now() + (3600 - 60) * 1000);
    const url = new URL(link.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3540');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(sessionToken);
    // The size the chat renderers must cope with.
    expect(link.url.length).toBeGreaterThan(1500);
    expect(link.url.length).toBeLessThan(2100);
  });

  it('redirects a share link to a fresh presigned URL that plays', async () => {
    const answer = await shareRedirect(s3.client, s3.bucket, CLIP);
    expect(answer.statusCode).toBe(302);
    expect(answer.headers['cache-control']).toBe('no-store');
    const video = await fetch(answer.headers.location!);
    expect(await video.text()).toBe('mp4 bytes');
  });

  it.each([
    ['unknown clip', 'ZZZZZZZZZZZZZZZZZZZZZZ', 'This clip has expired or never existed.'],
    ['path traversal', '../../secret', 'No such clip.'],
    ['another prefix', 'other/key', 'No such clip.'],
    ['empty', undefined, 'No such clip.'],
    ['../ before a valid id', `../${CLIP}`, 'No such clip.'],
    ['a valid id with more after it', `${CLIP}/../../other`, 'No such clip.'],
    ['a valid id with one character more', `${CLIP}x`, 'No such clip.'],
    ['one character short', CLIP.slice(1), 'No such clip.'],
  ])('answers 404 for %s, never another object', async (_name, id, body) => {
    expect(await shareRedirect(s3.client, s3.bucket, id)).toMatchObject({ statusCode: 404, body });
  });

  it('names things safely', () => {
    expect(shareLink('https://abc.execute-api.eu-west-1.amazonaws.com', CLIP)).toBe(
      `https://abc.execute-api.eu-west-1.amazonaws.com/v/${CLIP}`,
    );
    expect(downloadFilename('Ein Café am Meer — “sunset”!')).toBe('ein-cafe-am-meer-sunset.mp4');
    expect(downloadFilename('🎬🎬')).toBe('clipbay-video.mp4');
    expect(() => videoKey('../x')).toThrow();
  });

  it('keys only whole 22-character clip ids, so no id can reach another object', () => {
    expect(videoKey(CLIP)).toBe(`clips/${CLIP}.mp4`);
    expect(videoKey('a-b_c'.repeat(4) + '-_')).toBe('clips/a-b_ca-b_ca-b_ca-b_c-_.mp4');
    expect(CLIP_ID.test(CLIP)).toBe(true);
    for (const id of [
      `../${CLIP}`,
      `../../${CLIP}`,
      `${CLIP}/../../secret`,
      `${CLIP}.mp4`,
      `${CLIP}x`,
      `x${CLIP}`,
      `${CLIP}\n`,
      CLIP.slice(1),
      '',
    ]) {
      expect(CLIP_ID.test(id), id).toBe(false);
      expect(() => videoKey(id), id).toThrow(`Not a clip id: ${id.slice(0, 40)}`);
    }
  });
});
