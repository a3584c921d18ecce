import * as z from 'zod';
import type { PlatformSetup } from '../../functions/core/chat/chat-platform.js';
import { standInHost } from '../../functions/core/chat/stand-in-host.js';
import {
  DISCORD_VARIABLES,
  discordSecretSchema,
  discordWithSecret,
  readDiscordEnvironment,
  type DiscordSecret,
  type DiscordSettings,
} from './discord-settings.js';

/** A Discord reply target: the interaction's webhook (its token lives 15 minutes) and its channel. */
export const discordReplyTargetSchema = z.object({
  platform: z.literal('discord'),
  channelId: z.string().min(1),
  /** The Discord server (guild) id; absent in a DM. */
  workspaceId: z.string().min(1).optional(),
  applicationId: z.string().min(1),
  interactionToken: z.string().min(1),
});
export type DiscordReplyTarget = z.infer<typeof discordReplyTargetSchema>;

/** Discord, as the neutral code sees it (registered in bots/platforms.ts). */
export const discordPlatform = {
  id: 'discord',
  label: 'Discord',
  workspaceNoun: 'server',
  replyTarget: discordReplyTargetSchema,
  variables: DISCORD_VARIABLES,
  deployVariables: ['DISCORD_APPLICATION_ID'],
  readEnvironment: readDiscordEnvironment,
  withSecret: discordWithSecret,
  secret: {
    constructId: 'DiscordSecrets',
    variable: 'DISCORD_SECRET_ARN',
    required: 'publicKey',
    shape: discordSecretSchema,
    unfilled: { publicKey: '', botToken: '' },
    description: 'clipbay: JSON {"publicKey", "botToken"} from the Discord application',
  },
  ingress: {
    functionId: 'DiscordInteractionsFn',
    entry: 'functions/discord-interactions.ts',
    path: '/discord/interactions',
    output: { id: 'DiscordInteractionsUrl', description: 'Discord: Interactions Endpoint URL' },
  },
  files: {
    // Attachments on Discord's CDN (signed links: no header needed); a stand-in API serves its own.
    hosts: (settings) => [
      'cdn.discordapp.com',
      'media.discordapp.net',
      ...standInHost(settings.apiBase, 'discord.com'),
    ],
    authorization: () => undefined,
  },
} as const satisfies PlatformSetup<DiscordReplyTarget, DiscordSettings, DiscordSecret, DiscordSettings>;
