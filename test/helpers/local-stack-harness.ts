import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceleratedClock } from '../../functions/core/clock.js';
import { loadConfig } from '../../functions/core/config.js';
import type { SimulatorOptions } from '../../local/simulator/tokenbay-simulator.js';
import { startLocalStack, type LocalStack } from '../../local/stack/local-stack.js';
import { FakeChatServer } from './fake-chat-server.js';

export const SPEED = 200;

/** The local stack on a free port with virtual time, and a fake Slack/Discord API beside it. */
export async function startStackWithFakeChat(
  env: Record<string, string> = {},
  simulator: SimulatorOptions = {},
): Promise<{ stack: LocalStack; chat: FakeChatServer; close(): Promise<void> }> {
  const chat = new FakeChatServer();
  const chatUrl = await chat.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'clipbay-stack-'));
  const stack = await startLocalStack({
    config: loadConfig({
      PORT: '0',
      POLL_INTERVAL_SECONDS: '5',
      SLACK_API_URL: `${chatUrl}/slack/api/`,
      DISCORD_API_BASE: `${chatUrl}/discord/api`,
      ...env,
    }),
    dataDir,
    clock: acceleratedClock(SPEED),
    speed: SPEED,
    simulator: { generationSeconds: 20, ...simulator },
  });
  return {
    stack,
    chat,
    close: async () => {
      await stack.close();
      await chat.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
