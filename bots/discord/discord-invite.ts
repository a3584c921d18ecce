import { PermissionFlagsBits } from 'discord-api-types/v10';

/**
 * What clipbay's bot needs in a channel once a 15-minute interaction token has expired: see it,
 * post (in threads too), embed the clip's link, and attach the MP4
 * (discord.com/developers/docs/topics/permissions).
 */
export const CLIPBAY_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles;

/** The link that adds the bot and its commands to a server (OAuth2 `bot applications.commands`). */
export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: CLIPBAY_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}
