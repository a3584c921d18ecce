import * as z from 'zod';
import type { ChatPlatform } from '../../functions/core/chat/chat-platform.js';

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

/** Discord, as the platform-neutral code sees it (registered in bots/platforms.ts). */
export const discordPlatform = {
  id: 'discord',
  label: 'Discord',
  workspaceNoun: 'server',
  replyTarget: discordReplyTargetSchema,
} as const satisfies ChatPlatform<DiscordReplyTarget>;
