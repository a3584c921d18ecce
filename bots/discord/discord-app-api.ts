import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes, type RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';

/** The application behind a bot token, as `GET /applications/@me` gives it. */
export interface DiscordApplication {
  id: string;
  name: string;
  /** The Ed25519 public key interactions are signed with (hex). */
  verifyKey: string;
  interactionsEndpointUrl: string | null;
}

/**
 * The Discord API calls `connect` and `doctor` make with the bot token
 * (discord.com/developers/docs/resources/application, …/interactions/application-commands).
 */
export class DiscordAppApi {
  private readonly rest: REST;

  constructor(apiBase: string, botToken: string) {
    this.rest = new REST({
      api: apiBase.replace(/\/+$/, ''),
      version: '10',
      retries: 1,
      timeout: 15_000,
    }).setToken(botToken);
  }

  async application(): Promise<DiscordApplication> {
    return toApplication(await this.rest.get(Routes.currentApplication()));
  }

  /** Sets the Interactions Endpoint URL; Discord first checks it with a signed PING. */
  async setInteractionsEndpoint(url: string): Promise<DiscordApplication> {
    return toApplication(
      await this.rest.patch(Routes.currentApplication(), { body: { interactions_endpoint_url: url } }),
    );
  }

  async commands(applicationId: string, guildId?: string): Promise<Record<string, unknown>[]> {
    return (await this.rest.get(commandsRoute(applicationId, guildId))) as Record<string, unknown>[];
  }

  /** Replaces the application's commands (globally, or in one server) with exactly these. */
  async putCommands(
    applicationId: string,
    commands: RESTPostAPIApplicationCommandsJSONBody[],
    guildId?: string,
  ): Promise<void> {
    await this.rest.put(commandsRoute(applicationId, guildId), { body: commands });
  }
}

/** Discord's refusal, in its own words: a field error's message where it gave one. */
export function discordRefusal(error: unknown): { status: number; message: string } | undefined {
  if (!(error instanceof DiscordAPIError)) return undefined;
  const fieldErrors = JSON.stringify(error.rawError).match(/"message":"([^"]+)"/g) ?? [];
  const said = fieldErrors
    .map((m) => m.slice('"message":"'.length, -1))
    .filter((m) => m !== 'Invalid Form Body');
  return { status: error.status, message: said.length ? said.join('; ') : error.message };
}

const commandsRoute = (applicationId: string, guildId?: string) =>
  guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);

function toApplication(raw: unknown): DiscordApplication {
  const app = raw as {
    id: string;
    name: string;
    verify_key: string;
    interactions_endpoint_url?: string | null;
  };
  return {
    id: app.id,
    name: app.name,
    verifyKey: app.verify_key,
    interactionsEndpointUrl: app.interactions_endpoint_url ?? null,
  };
}
