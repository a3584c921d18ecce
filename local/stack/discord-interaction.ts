import { ApplicationCommandType, InteractionType } from 'discord-api-types/v10';

/** One typed option of a command, as Discord sends it. */
export interface DiscordOption {
  name: string;
  type: number;
  value: string | number | boolean;
  /** Autocomplete interactions: the option being typed in (its value is the text so far). */
  focused?: boolean;
}

/** The `data` of a `/video` command interaction with these options. */
export function videoCommandData(options: DiscordOption[]): Record<string, unknown> {
  return { id: '1', name: 'video', type: ApplicationCommandType.ChatInput, options };
}

/** An interaction as Discord POSTs it, as the playground, tests and benchmarks send it. */
export function discordInteraction(fields: {
  id: string;
  applicationId: string;
  data: Record<string, unknown>;
  type?: number;
  token?: string;
  channelId?: string;
  guildId?: string;
  user?: { id: string; username: string; global_name?: string };
}): Record<string, unknown> {
  return {
    id: fields.id,
    type: fields.type ?? InteractionType.ApplicationCommand,
    application_id: fields.applicationId,
    token: fields.token ?? `token-${fields.id}`,
    channel_id: fields.channelId ?? '200000000000000002',
    ...(fields.guildId ? { guild_id: fields.guildId } : {}),
    member: { user: fields.user ?? { id: '123456789012345678', username: 'ana', global_name: 'Ana' } },
    data: fields.data,
  };
}
