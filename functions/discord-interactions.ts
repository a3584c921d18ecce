import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConfigError } from './core/errors.js';
import {
  handleDiscordInteraction,
  type DiscordInteractionDeps,
} from '../bots/discord/interactions-handler.js';
import { discordPublicKey } from '../bots/discord/signature.js';
import { lambdaConfig } from './runtime/lambda-config.js';
import { logger } from './runtime/logger.js';
import { workflowIntake } from './runtime/workflow-intake.js';

let deps: Promise<DiscordInteractionDeps> | undefined;

async function createDeps(): Promise<DiscordInteractionDeps> {
  const config = await lambdaConfig();
  if (!config.discord.publicKey)
    throw new ConfigError('DISCORD_PUBLIC_KEY', 'is not set (fill the Discord secret)');
  return {
    ...workflowIntake(config),
    publicKey: discordPublicKey(config.discord.publicKey),
    applicationId: config.discord.applicationId,
  };
}

/** `POST /discord/interactions` on the HTTP API (payload v2). */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const rawBody = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  const answer = await handleDiscordInteraction(
    {
      rawBody,
      signature: event.headers['x-signature-ed25519'],
      timestamp: event.headers['x-signature-timestamp'],
    },
    await (deps ??= createDeps()),
  );
  logger.info('discord interaction', { status: answer.status });
  return {
    statusCode: answer.status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer.body),
  };
};
