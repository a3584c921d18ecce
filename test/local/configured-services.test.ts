import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadLocalConfig } from '../../local/stack/local-config.js';
import { startLocalS3, type LocalS3 } from '../../local/s3/local-s3.js';
import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';
import { startLocalStack, type LocalStack } from '../../local/stack/local-stack.js';
import { discordHeaders } from '../../local/stack/request-signing.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';

/** The local stack with the user's own services configured instead of the embedded ones. */
describe('local stack with configured services', () => {
  const keys = generateKeyPairSync('ed25519');
  const chat = new FakeChatServer();
  let external: LocalS3;
  let stack: LocalStack;
  let dirs: string[];

  beforeAll(async () => {
    dirs = [
      await mkdtemp(join(tmpdir(), 'clipbay-ext-s3-')),
      await mkdtemp(join(tmpdir(), 'clipbay-ext-data-')),
    ];
    external = await startLocalS3({ directory: dirs[0]!, bucket: 'team-clips' });
    await chat.start();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    stack = await startLocalStack({
      config: loadLocalConfig({
        PORT: '0',
        POLL_INTERVAL_SECONDS: '5',
        S3_ENDPOINT: external.endpoint,
        VIDEO_BUCKET: 'team-clips',
        DISCORD_PUBLIC_KEY: keys.publicKey
          .export({ format: 'der', type: 'spki' })
          .subarray(-32)
          .toString('hex'),
        DISCORD_API_BASE: `${chat.url}/api`,
      }),
      dataDir: dirs[1]!,
      waitMs: 25,
      retryIntervalMs: 25,
      simulator: { generationSeconds: 1 },
    });
  });
  afterAll(async () => {
    await stack.close();
    await external.close();
    await chat.stop();
    vi.unstubAllEnvs();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('stores clips in the S3 server named by S3_ENDPOINT, and accepts a real key without DISCORD_APPLICATION_ID', async () => {
    expect(stack.s3.embedded).toBe(false);
    const body = JSON.stringify(
      discordInteraction({
        id: '710000000000000001',
        applicationId: '999999999999999999',
        data: videoCommandData([{ name: 'prompt', type: 3, value: 'a stored fox' }]),
      }),
    );
    const response = await fetch(`${stack.url}/discord/interactions`, {
      method: 'POST',
      headers: discordHeaders(keys.privateKey, body),
      body,
    });
    expect(await response.json()).toEqual({ type: 5 });
    await stack.workflow.settle();
    expect(stack.workflow.list()[0]!.status).toBe('SUCCEEDED');

    const final = chat.to('/webhooks/').at(-1)!.body as { embeds: { url: string }[] };
    const clipId = final.embeds[0]!.url.split('/v/')[1]!;
    const head = await external.client.send(
      new HeadObjectCommand({ Bucket: 'team-clips', Key: `clips/${clipId}.mp4` }),
    );
    expect(head.ContentType).toBe('video/mp4');
  });
});
