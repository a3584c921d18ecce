import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleDiscordInteraction } from '../bots/discord/discord-ingress.js';
import { discordPlatform } from '../bots/discord/discord-platform.js';
import { discordPublicKey } from '../bots/discord/discord-request-check.js';
import { lambdaConfig } from './runtime/lambda-config.js';
import { logger } from './runtime/logger.js';
import { measuredIngress } from './runtime/metrics.js';
import { remembered } from './runtime/remembered.js';
import { workflowIntake } from './runtime/workflow-intake.js';

/** The verifying key, made again only when the secret's public key changes. */
const publicKeyOf = remembered(discordPublicKey);

/** `POST /discord/interactions` on the HTTP API (payload 2.0), timed as AckLatency. */
export const handler = measuredIngress(
  discordPlatform.id,
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const config = await lambdaConfig();
    const publicKeyHex = config.chat.discord.publicKey;
    if (!publicKeyHex) {
      logger.error(
        'Discord request refused: fill the Discord secret (DISCORD_SECRET_ARN) to turn Discord on',
      );
      return { statusCode: 503, body: 'clipbay: Discord is not configured.' };
    }
    const rawBody = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    const answer = await handleDiscordInteraction(
      {
        rawBody,
        signature: event.headers['x-signature-ed25519'],
        timestamp: event.headers['x-signature-timestamp'],
      },
      {
        ...workflowIntake(config),
        publicKey: publicKeyOf(publicKeyHex),
        applicationId: config.chat.discord.applicationId,
        fileHosts: discordPlatform.files.hosts(config.chat.discord),
      },
    );
    logger.info('discord interaction', { status: answer.status });
    return {
      statusCode: answer.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(answer.body),
    };
  },
);
