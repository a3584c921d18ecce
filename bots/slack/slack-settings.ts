import * as z from 'zod';
import { matching, optionalText, parseEnvironment, url } from '../../functions/core/config-values.js';

type Env = Record<string, string | undefined>;

const slackToken = (prefix: string) =>
  matching(
    new RegExp(`^${prefix}`),
    () => `must start with ${prefix} (check that the right Slack token is in this variable)`,
  );

/** Slack's variables (the README's configuration table), checked once: each problem names its variable. */
const slackEnvironmentSchema = z.object({
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: slackToken('xoxb-'),
  SLACK_APP_TOKEN: slackToken('xapp-'),
  SLACK_API_URL: url('https://slack.com/api/'),
});

export const SLACK_VARIABLES = Object.keys(slackEnvironmentSchema.shape) as readonly string[];

const slackSettingsSchema = slackEnvironmentSchema.transform((e) => ({
  /** Verifies every request (HMAC-SHA256); without it Slack is off. */
  signingSecret: e.SLACK_SIGNING_SECRET,
  /** Posts and updates messages in the channel, uploads clips (`chat:write`, `files:write`). */
  botToken: e.SLACK_BOT_TOKEN,
  /** Socket Mode only (`connections:write`): Slack without a public URL. */
  appToken: e.SLACK_APP_TOKEN,
  /** `https://slack.com/api/` or a local stand-in. */
  apiUrl: e.SLACK_API_URL,
}));
export type SlackSettings = z.output<typeof slackSettingsSchema>;

export const readSlackEnvironment = (env: Env): SlackSettings => parseEnvironment(slackSettingsSchema, env);

/** What the Slack secret holds once filled (SLACK_SECRET_ARN). */
export const slackSecretSchema = z.object({
  signingSecret: z.string().min(1),
  botToken: z.string().startsWith('xoxb-').optional().or(z.literal('')),
  /** The Slack app's id, written by `npm run connect`, which manages the app by it. */
  appId: z.string().optional(),
});
export type SlackSecret = z.infer<typeof slackSecretSchema>;

/** The settings in force: the secret's values win over the environment's. */
export function slackWithSecret(settings: SlackSettings, secret: SlackSecret | undefined): SlackSettings {
  return {
    ...settings,
    signingSecret: secret?.signingSecret ?? settings.signingSecret,
    botToken: secret?.botToken || settings.botToken,
  };
}
