import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '../../local/stack/local-config.js';
import type { SimulatorOptions } from '../../local/simulator/tokenbay-simulator.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack/local-stack.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';

/** Tests run the template's Wait states and retry intervals in this many ms instead of seconds. */
export const FAST_WAIT_MS = 25;

export interface StackWithFakeChat {
  stack: LocalStack;
  chat: FakeChatServer;
  /** Every line the Lambdas printed, with the function's logical id (`account`: the account's own). */
  functionLogs: { fn: string; line: string }[];
  close(): Promise<void>;
}

/**
 * `npm start`'s stack on a free port — the synthesized template in the emulated account, each
 * Lambda from its bundle — with short waits, a fast simulator and a fake Slack/Discord API beside it.
 */
export async function startStackWithFakeChat(
  env: Record<string, string> = {},
  simulator: SimulatorOptions = {},
  options: Partial<
    Pick<
      LocalStackOptions,
      'platforms' | 'editTemplate' | 'waitMs' | 'retryIntervalMs' | 'accountConcurrency' | 'registryTsconfig'
    >
  > = {},
): Promise<StackWithFakeChat> {
  const chat = new FakeChatServer();
  const chatUrl = await chat.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'clipbay-stack-'));
  const functionLogs: { fn: string; line: string }[] = [];
  const stack = await startLocalStack({
    config: loadLocalConfig({
      PORT: '0',
      POLL_INTERVAL_SECONDS: '5',
      SLACK_API_URL: `${chatUrl}/slack/api/`,
      DISCORD_API_BASE: `${chatUrl}/discord/api`,
      ...env,
    }),
    dataDir,
    waitMs: FAST_WAIT_MS,
    retryIntervalMs: FAST_WAIT_MS,
    simulator: { generationSeconds: 4, ...simulator },
    onFunctionLog: (fn, line) => functionLogs.push({ fn, line }),
    // The account's own lines (a failed invocation, an API route refused) under the name `account`.
    log: (line) => functionLogs.push({ fn: 'account', line }),
    ...options,
  });
  return {
    stack,
    chat,
    functionLogs,
    close: async () => {
      await stack.close();
      await chat.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
