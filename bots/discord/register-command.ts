/**
 * `npm run discord:register`: registers `/video` for the application, globally (can take up to an
 * hour to appear) or, with DISCORD_GUILD_ID, in one server at once (for testing).
 * Needs DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN; DISCORD_API_BASE points it elsewhere.
 */
import { pathToFileURL } from 'node:url';
import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { readDiscordEnvironment } from './discord-settings.js';
import { ClipbayError, ConfigError } from '../../functions/core/errors.js';
import { clipbayCommands, commandLabel } from './discord-commands.js';

export async function registerVideoCommand(options: {
  apiBase: string;
  applicationId: string;
  botToken: string;
  guildId?: string;
}): Promise<{ id: string; name: string; type?: number }[]> {
  const rest = new REST({ api: options.apiBase.replace(/\/+$/, ''), version: '10' }).setToken(
    options.botToken,
  );
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  // PUT replaces the application's command list with exactly this one: re-running is safe.
  return (await rest.put(route, { body: clipbayCommands() })) as {
    id: string;
    name: string;
    type?: number;
  }[];
}

async function main(): Promise<void> {
  const discord = readDiscordEnvironment(process.env);
  if (!discord.applicationId)
    throw new ConfigError('DISCORD_APPLICATION_ID', 'is required (Developer Portal → General Information)');
  if (!discord.botToken)
    throw new ConfigError('DISCORD_BOT_TOKEN', 'is required (Developer Portal → Bot → Reset Token)');
  const guildId = process.env.DISCORD_GUILD_ID?.trim() || undefined;
  const registered = await registerVideoCommand({
    apiBase: discord.apiBase,
    applicationId: discord.applicationId,
    botToken: discord.botToken,
    guildId,
  });
  console.log(
    `Registered ${registered.map(commandLabel).join(', ')} ${guildId ? `in guild ${guildId}` : 'globally'}.`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(
      error instanceof ClipbayError ? error.message : `Registration failed: ${(error as Error).message}`,
    );
    process.exit(1);
  });
}
