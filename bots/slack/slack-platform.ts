import * as z from 'zod';
import type { ChatPlatform } from '../../functions/core/chat/chat-platform.js';

/** A Slack reply target: the command's `response_url` (30 minutes, 5 posts) and its channel. */
export const slackReplyTargetSchema = z.object({
  platform: z.literal('slack'),
  channelId: z.string().min(1),
  /** The Slack team (workspace) id. */
  workspaceId: z.string().min(1).optional(),
  responseUrl: z.string().url(),
  /** Post new messages instead of replacing the one the response_url belongs to (re-runs). */
  keepOriginal: z.boolean().optional(),
});
export type SlackReplyTarget = z.infer<typeof slackReplyTargetSchema>;

/** Slack, as the platform-neutral code sees it (registered in bots/platforms.ts). */
export const slackPlatform = {
  id: 'slack',
  label: 'Slack',
  workspaceNoun: 'workspace',
  replyTarget: slackReplyTargetSchema,
} as const satisfies ChatPlatform<SlackReplyTarget>;
