import * as z from 'zod';

/** A platform id: lower case, as registered in bots/platforms.ts (`slack`, `discord`, …). */
export const PLATFORM_ID = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Where to answer: the channel the command came from. The core reads only the neutral fields; the
 * rest belongs to the platform (a Slack `responseUrl`, a Discord `interactionToken`…), which its
 * own schema checks (ChatPlatform.replyTarget) where it is made and where its notifier reads it.
 */
export const replyTargetSchema = z.looseObject({
  /** The registered platform that answers. */
  platform: z.string().regex(PLATFORM_ID),
  channelId: z.string().min(1),
  /** The team's space that usage is counted under (a Slack team, a Discord server); absent in a DM. */
  workspaceId: z.string().min(1).optional(),
});
export type ReplyTarget = z.infer<typeof replyTargetSchema>;
