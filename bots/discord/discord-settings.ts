import * as z from 'zod';
import { matching, optionalText, parseEnvironment, url } from '../../functions/core/config-values.js';

type Env = Record<string, string | undefined>;

/** Discord's variables (the README's configuration table), checked once: each problem names its variable. */
const discordEnvironmentSchema = z.object({
  DISCORD_PUBLIC_KEY: matching(
    /^[0-9a-f]{64}$/i,
    () => 'must be the 64 hex characters shown as "Public Key" in the Discord developer portal',
  ).transform((key) => key?.toLowerCase()),
  DISCORD_APPLICATION_ID: matching(
    /^\d{15,21}$/,
    (value) => `must be a Discord id, 15 to 21 digits (got "${value}")`,
  ),
  DISCORD_BOT_TOKEN: optionalText,
  DISCORD_API_BASE: url('https://discord.com/api'),
});

export const DISCORD_VARIABLES = Object.keys(discordEnvironmentSchema.shape) as readonly string[];

const discordSettingsSchema = discordEnvironmentSchema.transform((e) => ({
  /** Verifies every interaction (Ed25519); without it Discord is off. */
  publicKey: e.DISCORD_PUBLIC_KEY,
  /** When set, interactions for any other application are refused. */
  applicationId: e.DISCORD_APPLICATION_ID,
  /** Posts to the channel once the 15-minute interaction token has expired. */
  botToken: e.DISCORD_BOT_TOKEN,
  /** `https://discord.com/api` or a local stand-in; v10 is appended. */
  apiBase: e.DISCORD_API_BASE,
}));
export type DiscordSettings = z.output<typeof discordSettingsSchema>;

export const readDiscordEnvironment = (env: Env): DiscordSettings =>
  parseEnvironment(discordSettingsSchema, env);

/** What the Discord secret holds once filled (DISCORD_SECRET_ARN). */
export const discordSecretSchema = z.object({
  publicKey: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex characters of the Public Key')
    .or(z.literal('')),
  botToken: z.string().optional(),
  /** Written by `npm run connect` (from `GET /applications/@me`); wins over DISCORD_APPLICATION_ID. */
  applicationId: z
    .string()
    .regex(/^\d{15,21}$/, 'must be a Discord id, 15 to 21 digits')
    .optional()
    .or(z.literal('')),
  /** The server `npm run connect --guild` registered the commands in (doctor checks there). */
  guildId: z.string().optional(),
});
export type DiscordSecret = z.infer<typeof discordSecretSchema>;

/** The settings in force: the secret's values win over the environment's. */
export function discordWithSecret(
  settings: DiscordSettings,
  secret: DiscordSecret | undefined,
): DiscordSettings {
  return {
    ...settings,
    publicKey: secret?.publicKey ? secret.publicKey.toLowerCase() : settings.publicKey,
    botToken: secret?.botToken || settings.botToken,
    applicationId: secret?.applicationId || settings.applicationId,
  };
}
