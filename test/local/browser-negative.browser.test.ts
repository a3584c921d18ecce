import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlayback, launchBrowser } from '../helpers/browser.js';

const SAMPLE = join(import.meta.dirname, '../../local/simulator/sample.mp4');

/**
 * The playback check the playground test relies on must be able to say no. A tiny server (no
 * local stack) serves the committed sample clip and three broken ones in the same kind of
 * `<video>` the playground renders; only the sample may count as playing.
 */
describe('browser playback check', () => {
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const sample = await readFile(SAMPLE);
    const files: Record<string, Buffer> = {
      '/sample.mp4': sample,
      // Bytes that are not an MP4 at all, served as one.
      '/not-an-mp4.mp4': Buffer.from('this is not a video\n'.repeat(2_000)),
      // A real MP4 cut short: it starts right but cannot be decoded to the end.
      '/truncated.mp4': sample.subarray(0, 1_024),
    };
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = files[url.pathname];
      if (url.pathname === '/page') {
        const src = url.searchParams.get('src') ?? '';
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          `<!doctype html><video controls preload="auto" playsinline muted src="${encodeURI(src)}"></video>`,
        );
      } else if (body) {
        response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length });
        response.end(body);
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ browser } = await launchBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function playbackOf(src: string) {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/page?src=${encodeURIComponent(src)}`);
      return await checkPlayback(page.locator('video'), 5_000);
    } finally {
      await page.close();
    }
  }

  it('a real MP4 (the committed sample) plays', async () => {
    const state = await playbackOf('/sample.mp4');
    expect(state).toMatchObject({ plays: true, advanced: true, errorCode: null });
    expect(state.readyState).toBeGreaterThanOrEqual(2);
    expect(state.duration).toBeCloseTo(2, 0);
  });

  it.each([
    ['a link that answers 404', '/missing.mp4'],
    ['bytes that are not an MP4', '/not-an-mp4.mp4'],
    ['an MP4 cut off after 1 KiB', '/truncated.mp4'],
  ])('%s does not play', async (_name, src) => {
    const state = await playbackOf(src);
    expect(state.plays).toBe(false);
    expect(state.advanced).toBe(false);
    expect(state.readyState).toBeLessThan(2);
  });
});
