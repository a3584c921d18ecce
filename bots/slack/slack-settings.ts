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

export interface SlackSettings {
  /** Verifies every request (HMAC-SHA256); without it Slack is off. */
  signingSecret: string | undefined;
  /** Posts and updates messages in the channel, uploads clips (`chat:write`, `files:write`). */
  botToken: string | undefined;
  /** Socket Mode only (`connections:write`): Slack without a public URL. */
  appToken: string | undefined;
  /** `https://slack.com/api/` or a local stand-in. */
  apiUrl: string;
}

export function readSlackEnvironment(env: Env): SlackSettings {
  const e = parseEnvironment(slackEnvironmentSchema, env);
  return {
    signingSecret: e.SLACK_SIGNING_SECRET,
    botToken: e.SLACK_BOT_TOKEN,
    appToken: e.SLACK_APP_TOKEN,
    apiUrl: e.SLACK_API_URL,
  };
}

/** What the Slack secret holds once filled (SLACK_SECRET_ARN). */
export const slackSecretSchema = z.object({
  signingSecret: z.string().min(1),
  botToken: z.string().startsWith('xoxb-').optional().or(z.literal('')),
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
