import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../local/stack/local-config.js';
import { PlaygroundStore } from '../../local/playground/playground-store.js';
import { sampleMp4 } from '../../local/simulator/simulated-video.js';
import { startLocalStack } from '../../local/stack/local-stack.js';
import { slackHeaders } from '../../local/stack/request-signing.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';

describe('a second start reuses the data folder', () => {
  let dataDir: string;
  const chat = new FakeChatServer();
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clipbay-restart-'));
    await chat.start();
  });
  afterAll(async () => {
    await chat.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () =>
    startLocalStack({
      config: loadLocalConfig({ PORT: '0', POLL_INTERVAL_SECONDS: '5' }),
      dataDir,
      waitMs: 25,
      retryIntervalMs: 25,
      simulator: { generationSeconds: 1 },
    });

  it('so an earlier clip still plays through its share link, with the same local keys', async () => {
    const first = await start();
    const body = slackCommandBody({
      text: 'a clip to keep',
      triggerId: 'keep.1.x',
      responseUrl: `${chat.url}/hooks/keep`,
    });
    await fetch(`${first.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(first.slackSigningSecret, body),
      body,
    });
    await first.workflow.settle();
    const final = chat.to('/hooks/keep').at(-1)!.body as {
      blocks: { type: string; elements?: { url?: string }[] }[];
    };
    const shareId = final.blocks.find((b) => b.type === 'actions')!.elements![1]!.url!.split('/v/')[1];
    const secret = first.slackSigningSecret;
    await first.close();

    const second = await start();
    try {
      expect(second.slackSigningSecret).toBe(secret);
      const response = await fetch(`${second.url}/v/${shareId}`);
      expect(response.status).toBe(200); // followed the 302 to a fresh presigned URL
      expect(Buffer.from(await response.arrayBuffer()).equals(sampleMp4())).toBe(true);
    } finally {
      await second.close();
    }
    // Each start may synthesize (a cold cache on a fresh clone): a hang guard, not a speed check.
  }, 180_000);

  it('so the playground history survives too', async () => {
    const store = new PlaygroundStore(dataDir);
    store.create('pg.1', 'slack', '/video a remembered clip');
    store.post('pg.1', { text: 'done' }, { replace: false, ephemeral: false });
    await store.flush();
    const again = new PlaygroundStore(dataDir);
    await again.load();
    expect(again.list().map((c) => c.command)).toEqual(['/video a remembered clip']);
  });
});
