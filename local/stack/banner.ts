import type { ClipbayConfig } from '../../functions/core/config.js';
import type { LocalStack } from './local-stack.js';

/** The one clear banner `npm start` prints: URLs, mode, data folder, and how to connect chat. */
export function banner(stack: LocalStack, config: ClipbayConfig, dataDir: string): string {
  const mode = stack.simulator
    ? `built-in TokenBay simulator (set TOKENBAY_API_KEY for the real API)`
    : `real TokenBay API at ${config.tokenBay.baseUrl}`;
  return [
    '',
    '  clipbay is running',
    '',
    `  Playground          ${stack.url}/`,
    `  Slack events        POST ${stack.url}/slack/events`,
    `  Discord interactions POST ${stack.url}/discord/interactions`,
    `  Share links         ${stack.url}/v/{id}`,
    `  Health              ${stack.url}/healthz`,
    `  S3${stack.s3.embedded ? ' (embedded)      ' : ' (S3_ENDPOINT)   '}${stack.s3.endpoint}  bucket ${stack.s3.bucket}`,
    `  Step Functions      local interpreter, Wait = ${config.pollIntervalSeconds} s`,
    `  TokenBay            ${mode}`,
    `  Data folder         ${dataDir}`,
    '',
    stack.socketMode === 'connected'
      ? '  Slack               connected over Socket Mode: type /video in your workspace'
      : '  Slack               set SLACK_APP_TOKEN (+ SLACK_BOT_TOKEN) to connect a real workspace over Socket Mode',
    config.discord.publicKey
      ? `  Discord             expose ${stack.url}/discord/interactions (e.g. a tunnel) as the Interactions Endpoint URL`
      : '  Discord             set DISCORD_PUBLIC_KEY and DISCORD_APPLICATION_ID, then expose /discord/interactions',
    '',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}
