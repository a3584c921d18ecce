import type { DiscordSettings } from '../../bots/discord/discord-settings.js';
import type { LocalPlatform } from './local-platform.js';

/** Discord on this machine: the local Ed25519 key pair unless DISCORD_PUBLIC_KEY is set. */
export const discordLocal: LocalPlatform<DiscordSettings> = {
  secretValue: (settings, { keys }) => ({
    publicKey: settings.publicKey ?? keys.discordPublicKeyHex,
    botToken: settings.botToken ?? '',
  }),
  connectLine: (settings, url) =>
    settings.publicKey
      ? `expose ${url}/discord/interactions (e.g. a tunnel) as the Interactions Endpoint URL`
      : 'set DISCORD_PUBLIC_KEY and DISCORD_APPLICATION_ID, then expose /discord/interactions',
};
