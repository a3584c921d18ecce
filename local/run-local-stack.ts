/**
 * Runs all of clipbay on this machine until SIGINT/SIGTERM: what `npm start` (local/start.ts) and
 * `npm run slack:socket` without STATE_MACHINE_ARN (local/slack-socket.ts) do. See docs/RUNNING-LOCALLY.md.
 */
import { resolve } from 'node:path';
import { loadLocalConfig } from './stack/local-config.js';
import { ClipbayError, ConfigError } from '../functions/core/errors.js';
import { PLAYGROUND_DISCORD_API, playgroundRoutes } from './playground/playground-routes.js';
import { PlaygroundStore } from './playground/playground-store.js';
import { PLAYGROUND_SLACK_API, PLAYGROUND_SLACK_BOT_TOKEN } from './playground/playground-chat-api.js';
import { banner } from './stack/banner.js';
import { allowedHostsFromEnv } from './security/host-check.js';
import { startLocalStack, type LocalStack } from './stack/local-stack.js';
import { localPlatforms } from './platforms/local-platforms.js';

const DATA_DIR = resolve(process.env.CLIPBAY_DATA_DIR ?? '.clipbay');
// The AWS SDK warns that releases after January 2027 will need Node 22; the lockfile pins today's,
// and the Lambdas run Node 24. Locally on Node 20 the warning would only bury the banner.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function start(options: { requireSlackSocket: boolean }): Promise<LocalStack> {
  const config = loadLocalConfig();
  if (options.requireSlackSocket && !config.chat.slack.appToken)
    throw new ConfigError(
      'SLACK_APP_TOKEN',
      'is required for Socket Mode (an xapp- token with connections:write)',
    );
  const store = new PlaygroundStore(DATA_DIR);
  await store.load();
  const simulatorSeconds = Number(process.env.CLIPBAY_SIMULATOR_SECONDS ?? 20);
  const platforms = localPlatforms(process.env.CLIPBAY_PLATFORMS);
  const stack = await startLocalStack({
    config,
    dataDir: DATA_DIR,
    simulator: { generationSeconds: Number.isFinite(simulatorSeconds) ? simulatorSeconds : 20 },
    // With no Discord app configured, Discord replies go to the playground's stand-in API.
    ...(process.env.DISCORD_API_BASE || config.chat.discord.publicKey
      ? {}
      : { discordApiBase: (url: string) => `${url}${PLAYGROUND_DISCORD_API}` }),
    // With no Slack app either, the Slack view answers through the playground's Web API stand-in
    // with a local bot token, as a workspace with the app installed would: clips upload and play.
    ...(process.env.SLACK_API_URL ||
    config.chat.slack.signingSecret ||
    config.chat.slack.botToken ||
    config.chat.slack.appToken
      ? {}
      : {
          slackApi: {
            url: (url: string) => `${url}${PLAYGROUND_SLACK_API}`,
            botToken: PLAYGROUND_SLACK_BOT_TOKEN,
          },
        }),
    extraRoutes: (running) => playgroundRoutes(running, store),
    platforms,
    allowedHosts: allowedHostsFromEnv(process.env.CLIPBAY_ALLOWED_HOSTS),
    log: (line) => console.log(`[clipbay] ${line}`),
    // Each function's own log lines, as CloudWatch would show them, under its short name.
    onFunctionLog: (fn, line) => console.log(`[${fn.replace(/Fn[0-9A-F]{8}$/, '')}] ${line}`),
  });
  console.log(banner(stack, config, DATA_DIR));
  return stack;
}

export function runLocalStack(options: { requireSlackSocket?: boolean } = {}): void {
  start({ requireSlackSocket: options.requireSlackSocket ?? false }).then(
    (stack) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`\n${signal}: stopping clipbay…`);
        stack.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        const port = (error as { port?: number }).port ?? process.env.PORT ?? 3000;
        console.error(
          `Port ${port} is already in use: stop what runs there, or start with PORT=<another port> npm start`,
        );
      } else if (error instanceof ClipbayError) console.error(error.message);
      else console.error(error);
      process.exit(1);
    },
  );
}
