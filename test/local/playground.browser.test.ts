import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../local/stack/local-config.js';
import { PLAYGROUND_DISCORD_API, playgroundRoutes } from '../../local/playground/playground-routes.js';
import { PlaygroundStore } from '../../local/playground/playground-store.js';
import {
  PLAYGROUND_SLACK_API,
  PLAYGROUND_SLACK_BOT_TOKEN,
} from '../../local/playground/playground-chat-api.js';
import { startLocalStack, type LocalStack } from '../../local/stack/local-stack.js';
import { checkPlayback, launchBrowser } from '../helpers/browser.js';

const ARTIFACTS = join(import.meta.dirname, '../../test-results');

/**
 * The playground in headless Chromium (the system's if installed, else the one inside the
 * @sparticuz/chromium npm package; see test/helpers/browser.ts): type a command, watch the
 * ack and the progress message being edited, then the clip play from the bytes uploaded to the
 * stand-in Slack or Discord API, as the platform would play it in the channel.
 */
describe('playground in a browser', () => {
  let stack: LocalStack;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'clipbay-playground-'));
    stack = await startLocalStack({
      config: loadLocalConfig({ PORT: '0', POLL_INTERVAL_SECONDS: '5' }),
      dataDir,
      waitMs: 300,
      retryIntervalMs: 300,
      simulator: { generationSeconds: 4 },
      discordApiBase: (url) => `${url}${PLAYGROUND_DISCORD_API}`,
      slackApi: { url: (url) => `${url}${PLAYGROUND_SLACK_API}`, botToken: PLAYGROUND_SLACK_BOT_TOKEN },
      extraRoutes: (running) => playgroundRoutes(running, new PlaygroundStore(dataDir)),
    });
    ({ browser } = await launchBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function makeVideo(page: Page, platform: 'slack' | 'discord', command: string) {
    await page.check(`input[name="platform"][value="${platform}"]`);
    await page.fill('#command', command);
    await page.click('button[type="submit"]');
    const conversation = page.locator('article.conv').last();
    // Progress: the answer is edited in place while TokenBay works.
    await conversation
      .getByText(/\d+% done|queued at TokenBay/)
      .first()
      .waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(ARTIFACTS, `playground-${platform}-progress.png`) });
    const video = conversation.locator('video');
    await video.waitFor({ timeout: 30_000 });
    const state = await checkPlayback(video);
    await video.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, `playground-${platform}-done.png`) });
    // The message updated in place (on Slack, the file follows it as a message of its own).
    const edits = Math.max(
      ...(await conversation
        .locator('.msg:not(.ephemeral)')
        .evaluateAll((boxes) => boxes.map((box) => Number(box.getAttribute('data-edits'))))),
    );
    return { state, edits, text: await conversation.innerText() };
  }

  const bytesOf = async (src: string) => Buffer.from(await (await fetch(src)).arrayBuffer());

  it('Slack view: command → progress → a clip that plays', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.url}/`);
    const { state, edits, text } = await makeVideo(
      page,
      'slack',
      'a corgi & <@U123> surfing *at* sunset --duration 4',
    );
    expect(state.readyState).toBeGreaterThanOrEqual(2);
    expect(state.duration).toBeCloseTo(2, 0);
    expect(state.advanced).toBe(true);
    // The player plays the file uploaded to (the stand-in of) Slack, not the S3 link.
    expect(state.src).toMatch(/\/playground\/files\/F\w+\.mp4$/);
    expect(await bytesOf(state.src)).toEqual(stack.simulator!.video.bytes());
    expect(edits).toBeGreaterThanOrEqual(1);
    expect(text).toContain('Your video is ready');
    expect(text).toContain('a corgi & @U123 surfing *at* sunset');
    await page.close();
  });

  it('Discord view: command → progress → a clip that plays', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.url}/`);
    const { state, edits, text } = await makeVideo(
      page,
      'discord',
      'a fox @everyone --duration 4 --ratio 9:16',
    );
    expect(state.readyState).toBeGreaterThanOrEqual(2);
    expect(state.duration).toBeCloseTo(2, 0);
    expect(state.advanced).toBe(true);
    expect(edits).toBeGreaterThanOrEqual(1);
    expect(text).toContain('Your video is ready');
    expect(text).toContain('9:16');
    // The player plays the MP4 attached to the @original edit.
    expect(state.src).toMatch(/\/playground\/files\/\d+-\d+-0\.mp4$/);
    expect(await bytesOf(state.src)).toEqual(stack.simulator!.video.bytes());
    await page.close();
  });

  it('scrolls the channel to each new answer: the second command’s clip is in view, not below the fold', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
    await page.goto(`${stack.url}/`);
    const channel = page.locator('#channel');
    const showsNewest = () =>
      channel.evaluate((node) => node.scrollHeight - node.scrollTop - node.clientHeight < 80);
    for (const prompt of ['a first clip --duration 4', 'a second clip --duration 4']) {
      await page.fill('#command', prompt);
      await page.click('button[type="submit"]');
      await page.locator('article.conv').last().locator('video').waitFor({ timeout: 30_000 });
      await expect.poll(showsNewest, { timeout: 5_000 }).toBe(true);
    }
    // Two clips do not fit: the channel did scroll, and the newest clip is what it shows.
    expect(await channel.evaluate((node) => node.scrollHeight > node.clientHeight)).toBe(true);
    await expect
      .poll(() =>
        page
          .locator('article.conv')
          .last()
          .locator('video')
          .evaluate((node) => {
            interface Box {
              top: number;
              bottom: number;
              height: number;
            }
            const video = node as unknown as {
              readyState: number;
              getBoundingClientRect(): Box;
              closest(selector: string): { getBoundingClientRect(): Box };
            };
            const box = video.getBoundingClientRect();
            const view = video.closest('#channel').getBoundingClientRect();
            // Loaded (so at its full size), and wholly inside the channel's visible part.
            return (
              video.readyState >= 1 &&
              box.height > 0 &&
              box.bottom <= view.bottom + 1 &&
              box.top >= view.top - 1
            );
          }),
      )
      .toBe(true);
    await page.close();
  });

  it('answers help privately, as the platform would', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/`);
    await page.fill('#command', 'help');
    await page.click('button[type="submit"]');
    await page.locator('article.conv').last().getByText('Only visible to you').waitFor({ timeout: 10_000 });
    expect(await page.locator('article.conv').last().innerText()).toContain('--duration N');
    await page.close();
  });
});
