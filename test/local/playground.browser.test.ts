import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../local/stack/local-config.js';
import { PLAYGROUND_DISCORD_API, playgroundRoutes } from '../../local/playground/playground-routes.js';
import { PlaygroundStore } from '../../local/playground/playground-store.js';
import {
  PLAYGROUND_SLACK_API,
  PLAYGROUND_SLACK_BOT_TOKEN,
} from '../../local/playground/playground-chat-api.js';
import { startLocalStack, type LocalStack } from '../../local/stack/local-stack.js';
import { checkPlayback, launchBrowser } from '../helpers/browser.js';
import { gradientPng } from '../helpers/png.js';

const ARTIFACTS = join(import.meta.dirname, '../../test-results');

/**
 * The playground in headless Chromium (the system's if installed, else the one inside the
 * @sparticuz/chromium npm package; see test/helpers/browser.ts): type a command, watch the
 * ack and the progress message being edited, then the clip play from the bytes uploaded to the
 * stand-in Slack or Discord API, as the platform would play it in the channel.
 */
// Each test makes a clip through the whole stack in real time: a loaded machine needs more than 30 s.
describe('playground in a browser', { timeout: 60_000 }, () => {
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

  /** Errors thrown in the page's own script: a test fails on any, whatever it checked. */
  const pageErrors: string[] = [];
  async function openPage(options?: Parameters<Browser['newPage']>[0]) {
    const page = await browser.newPage(options);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function makeVideo(page: Page, platform: 'slack' | 'discord', command: string) {
    await page.check(`input[name="platform"][value="${platform}"]`);
    await page.fill('#command', command);
    await page.click('#composer button[type="submit"]');
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
    const page = await openPage({ viewport: { width: 1280, height: 900 } });
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
    const page = await openPage({ viewport: { width: 1280, height: 900 } });
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
    const page = await openPage({ viewport: { width: 1280, height: 700 } });
    await page.goto(`${stack.url}/`);
    const channel = page.locator('#channel');
    const showsNewest = () =>
      channel.evaluate((node) => node.scrollHeight - node.scrollTop - node.clientHeight < 80);
    for (const prompt of ['a first clip --duration 4', 'a second clip --duration 4']) {
      await page.fill('#command', prompt);
      await page.click('#composer button[type="submit"]');
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
    const page = await openPage();
    await page.goto(`${stack.url}/`);
    await page.fill('#command', 'help');
    await page.click('#composer button[type="submit"]');
    await page.locator('article.conv').last().getByText('Only visible to you').waitFor({ timeout: 10_000 });
    expect(await page.locator('article.conv').last().innerText()).toContain('--duration N');
    await page.close();
  });

  /** What TokenBay was sent for the run with this prompt. */
  const submitted = (prompt: string) =>
    stack.simulator!.requests.find(
      (r) => r.route === 'submit' && (r.body as { prompt?: string }).prompt === prompt,
    )?.body as Record<string, unknown> | undefined;

  /** Waits for the clip in the newest conversation, and whether it plays. */
  async function clipOf(page: Page) {
    const video = page.locator('article.conv').last().locator('video');
    await video.waitFor({ timeout: 30_000 });
    return checkPlayback(video);
  }

  it('Slack form: /video alone opens it; another family changes the choices; a mistake comes back inline; the clip plays', async () => {
    const page = await openPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.url}/`);
    await page.click('#composer button[type="submit"]'); // `/video` with nothing after it
    const modal = page.locator('#dialog-layer form.modal');
    await modal.waitFor({ timeout: 10_000 });
    expect(await modal.locator('h2').innerText()).toBe('Make a video');
    const durations = () => modal.locator('select[name="duration"] option').allInnerTexts();
    expect(await durations()).toEqual(['4 s', '6 s', '8 s']);
    expect(await modal.locator('[name="negative"]').count()).toBe(1);
    await modal.locator('textarea[name="prompt"]').fill('a paper boat in the rain');
    // Another family: Slack gets block_actions, clipbay answers with views.update.
    await modal.locator('select[name="model"]').selectOption('seedance-1-0-lite');
    await expect
      .poll(durations)
      .toEqual(['2 s', '3 s', '4 s', '5 s', '6 s', '7 s', '8 s', '9 s', '10 s', '11 s', '12 s']);
    expect(await modal.locator('[name="negative"]').count()).toBe(0); // Seedance takes no negative prompt
    expect(await modal.locator('[name="audio"]').count()).toBe(0);
    expect(await modal.locator('textarea[name="prompt"]').inputValue()).toBe('a paper boat in the rain');
    expect(await modal.locator('select[name="model"]').inputValue()).toBe('seedance-1-0-lite');
    // A seed that is not a number: the ack is `response_action: errors`, shown under the seed.
    await modal.locator('input[name="seed"]').fill('forty-two');
    await modal.locator('button[type="submit"]').click();
    const seedError = modal.locator('.field:has([name="seed"]) .field-error');
    await seedError.waitFor({ timeout: 10_000 });
    expect(await seedError.innerText()).toMatch(/seed/i);
    await page.screenshot({ path: join(ARTIFACTS, 'playground-slack-form-error.png') });
    await modal.locator('input[name="seed"]').fill('42');
    await modal.locator('select[name="duration"]').selectOption('3');
    await modal.locator('button[type="submit"]').click();
    await modal.waitFor({ state: 'detached', timeout: 10_000 });
    // The run answers in the command's channel, as the command would have.
    const state = await clipOf(page);
    expect(state.plays).toBe(true);
    expect(submitted('a paper boat in the rain')).toMatchObject({ model: 'seedance-1-0-lite', seed: 42 });
    await page.close();
  });

  /** Shares an image in the channel and chooses Animate from its menu. */
  async function animate(page: Page, platform: 'slack' | 'discord', image: Buffer, name: string) {
    await page.check(`input[name="platform"][value="${platform}"]`);
    await page.setInputFiles('#share-file', {
      name,
      mimeType: name.endsWith('.gif') ? 'image/gif' : 'image/png',
      buffer: image,
    });
    const shared = page.locator('article.conv').last();
    await shared.locator('.shared-file').waitFor({ timeout: 10_000 });
    await shared.locator('button.more').click();
    await shared.getByRole('button', { name: 'Animate' }).click();
    return shared;
  }

  for (const platform of ['slack', 'discord'] as const)
    it(`Animate on ${platform}: an image shared in the channel, ⋯ → Animate, a prompt; TokenBay gets a link to a copy; the clip plays`, async () => {
      const page = await openPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${stack.url}/`);
      const image = gradientPng();
      const shared = await animate(page, platform, image, `harbor-${platform}.png`);
      // The image shows in the channel as the platform shows it.
      expect(
        await shared
          .locator('img.shared')
          .evaluate((node) => (node as unknown as { naturalWidth: number }).naturalWidth),
      ).toBe(64);
      const modal = page.locator('#dialog-layer form.modal');
      await modal.waitFor({ timeout: 10_000 });
      expect(await modal.locator('h2').innerText()).toBe('Animate this image');
      // The form holds the message's image: Slack's private URL, or Discord's attachment link.
      const first = await modal.locator('[name="image"]').inputValue();
      expect(first).toContain(platform === 'slack' ? '/playground/slack/files/' : '/playground/files/');
      const prompt = `the harbor lights flicker on (${platform})`;
      await modal.locator('textarea[name="prompt"]').fill(prompt);
      await page.screenshot({ path: join(ARTIFACTS, `playground-${platform}-animate.png`) });
      await modal.locator('button[type="submit"]').click();
      await modal.waitFor({ state: 'detached', timeout: 10_000 });
      expect((await clipOf(page)).plays).toBe(true);
      // TokenBay never saw the chat's URL: a presigned link to the copy in the bucket, the same bytes.
      const link = String(submitted(prompt)!.image);
      expect(link).toContain('/images/');
      expect(link).toContain('X-Amz-Signature=');
      expect(link).not.toContain('/playground/');
      expect(Buffer.from(await (await fetch(link)).arrayBuffer()).equals(image)).toBe(true);
      await page.close();
    });

  it('Animate on a GIF: refused privately, and nothing starts', async () => {
    const page = await openPage();
    await page.goto(`${stack.url}/`);
    const before = stack.workflow.list().length;
    await animate(page, 'slack', Buffer.from('GIF89a'), 'dance.gif');
    const answer = page.locator('article.conv').last();
    await answer.getByText('Only visible to you').waitFor({ timeout: 10_000 });
    expect(await answer.innerText()).toContain('no image clipbay can animate');
    expect(await page.locator('#dialog-layer').isHidden()).toBe(true);
    expect(stack.workflow.list().length).toBe(before);
    await page.close();
  });

  for (const platform of ['slack', 'discord'] as const)
    it(`Cancel on ${platform}: the progress message says who cancelled, and the run is stopped`, async () => {
      const generationSeconds = stack.simulator!.options.generationSeconds;
      stack.simulator!.options.generationSeconds = 120;
      try {
        const page = await openPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(`${stack.url}/`);
        await page.check(`input[name="platform"][value="${platform}"]`);
        await page.fill('#command', `a very long take (${platform}) --duration 4`);
        await page.click('#composer button[type="submit"]');
        const id = (await page.locator('article.conv').last().getAttribute('id'))!.replace(/^conv-/, '');
        // The run's own conversation (the press shows as an entry of its own after it).
        const conversation = page.locator(`[id="conv-${id}"]`);
        const cancel = conversation.getByRole('button', { name: 'Cancel' });
        await cancel.waitFor({ timeout: 20_000 });
        await cancel.click();
        // The progress message itself is replaced, in place, by who cancelled it.
        await conversation.getByText('Cancelled by you').waitFor({ timeout: 10_000 });
        expect(await conversation.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
        await page.screenshot({ path: join(ARTIFACTS, `playground-${platform}-cancelled.png`) });
        const run = stack.workflow.list().find((e) => e.name === id)!;
        expect((await run.done).status).toBe('ABORTED');
        await page.close();
      } finally {
        stack.simulator!.options.generationSeconds = generationSeconds;
      }
    });
});
