import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadLocalConfig } from '../local/stack/local-config.js';
import { startLocalStack } from '../local/stack/local-stack.js';
import { discordHeaders, slackHeaders } from '../local/stack/request-signing.js';
import { FakeChatServer } from '../local/simulator/fake-chat-api.js';
import { slackCommandBody } from '../local/stack/slack-command.js';
import { discordInteraction, videoCommandData } from '../local/stack/discord-interaction.js';

export interface LoadResult {
  commands: number;
  linksReceived: number;
  lost: number;
  submits: number;
  duplicateSubmits: number;
  minPollGapSeconds: number;
  pollIntervalSeconds: number;
  generationSeconds: number;
  lastLinkSeconds: number;
  ratio: number;
  ackP50Ms: number;
  ackP99Ms: number;
}

const SECRET = 'load-secret';

/**
 * N commands at once (half Slack, half Discord) through the local stack's real endpoints, with a
 * short simulated generation, in real time (an accelerated clock would multiply CPU contention
 * into virtual seconds and overstate the ratio). Every command must end in a
 * link; submits are counted; time to the last link is compared to the generation time.
 */
export async function measureLoad(commands = 200, generationSeconds = 20, speed = 1): Promise<LoadResult> {
  const chat = new FakeChatServer();
  await chat.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'clipbay-load-'));
  const stack = await startLocalStack({
    // The documented default Lambda quota: the bench measures clipbay, not a new account's limit.
    accountConcurrency: 1000,
    config: loadLocalConfig({
      PORT: '0',
      POLL_INTERVAL_SECONDS: '5',
      SLACK_SIGNING_SECRET: SECRET,
      DISCORD_API_BASE: `${chat.url}/discord/api`,
    }),
    dataDir,
    waitMs: 5000 / speed,
    simulator: { generationSeconds },
  });
  try {
    const requests = Array.from({ length: commands }, (_, i) => {
      if (i % 2 === 0) {
        const body = slackCommandBody({
          text: `load test ${i} --duration 4`,
          triggerId: `load.${i}.x`,
          responseUrl: `${chat.url}/hooks/${i}`,
        });
        return { path: '/slack/events', headers: slackHeaders(SECRET, body), body };
      }
      const body = JSON.stringify(
        discordInteraction({
          id: `60000000000000${String(i).padStart(4, '0')}`,
          applicationId: stack.discordApplicationId,
          token: `load-${i}`,
          data: videoCommandData([
            { name: 'prompt', type: 3, value: `load test ${i}` },
            { name: 'duration', type: 4, value: 4 },
          ]),
        }),
      );
      return {
        path: '/discord/interactions',
        headers: discordHeaders(stack.keys.discordPrivateKey, body),
        body,
      };
    });

    const startedAt = Date.now();
    const acks = await Promise.all(
      requests.map(async (r) => {
        const t = performance.now();
        const response = await fetch(`${stack.url}${r.path}`, {
          method: 'POST',
          headers: r.headers,
          body: r.body,
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${r.path} answered ${response.status}`);
        return performance.now() - t;
      }),
    );
    await stack.workflow.settle();
    const lastLinkSeconds = (Date.now() - startedAt) / 1000;

    const finals = new Set<number>();
    for (const r of chat.requests) {
      const text = JSON.stringify(r.body);
      const slack = /^\/hooks\/(\d+)$/.exec(r.path);
      const discord = /\/webhooks\/\d+\/load-(\d+)\/messages\/@original$/.exec(r.path);
      if (slack && text.includes('clipbay_watch')) finals.add(Number(slack[1]));
      if (discord && text.includes('Download MP4')) finals.add(Number(discord[1]));
    }
    const submits = stack.simulator!.submits();
    const prompts = submits.map((s) => (s.body as { prompt: string }).prompt);
    acks.sort((a, b) => a - b);
    return {
      commands,
      linksReceived: finals.size,
      lost: commands - finals.size,
      submits: submits.length,
      duplicateSubmits: prompts.length - new Set(prompts).size,
      minPollGapSeconds: stack.simulator!.minPollGapMs() / 1000,
      pollIntervalSeconds: 5,
      generationSeconds,
      lastLinkSeconds,
      ratio: lastLinkSeconds / generationSeconds,
      ackP50Ms: acks[Math.floor(acks.length / 2)]!,
      ackP99Ms: acks[Math.floor(acks.length * 0.99)]!,
    };
  } finally {
    await stack.close();
    await chat.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
