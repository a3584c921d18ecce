import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { loadConfig, type ClipbayConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/**
 * Configuration in AWS: the environment (non-secret values, set by the stack) plus secrets read
 * from Secrets Manager at cold start. Secrets never appear in the template or the environment.
 */
export interface LambdaConfig extends ClipbayConfig {
  shareBaseUrl: string;
  stateMachineArn: string | undefined;
}

let cached: Promise<LambdaConfig> | undefined;

export function lambdaConfig(env: Record<string, string | undefined> = process.env): Promise<LambdaConfig> {
  return (cached ??= load(env));
}

async function load(env: Record<string, string | undefined>): Promise<LambdaConfig> {
  const base = loadConfig(env);
  const [tokenBayKey, slack, discord] = await Promise.all([
    secretText(env.TOKENBAY_SECRET_ARN),
    secretJson(env.SLACK_SECRET_ARN, 'SLACK_SECRET_ARN'),
    secretJson(env.DISCORD_SECRET_ARN, 'DISCORD_SECRET_ARN'),
  ]);
  return {
    ...base,
    tokenBay: { ...base.tokenBay, apiKey: tokenBayKey ?? base.tokenBay.apiKey },
    slack: {
      ...base.slack,
      signingSecret: slack.signingSecret ?? base.slack.signingSecret,
      botToken: slack.botToken ?? base.slack.botToken,
    },
    discord: {
      ...base.discord,
      publicKey: discord.publicKey?.toLowerCase() ?? base.discord.publicKey,
      botToken: discord.botToken ?? base.discord.botToken,
    },
    shareBaseUrl: env.SHARE_BASE_URL ?? `http://127.0.0.1:${base.port}/`,
    stateMachineArn: env.STATE_MACHINE_ARN,
  };
}

async function secretText(arn: string | undefined): Promise<string | undefined> {
  if (!arn) return undefined;
  const value = await getSecret(arn, { maxAge: 300 });
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

async function secretJson(
  arn: string | undefined,
  variable: string,
): Promise<Record<string, string | undefined>> {
  const text = await secretText(arn);
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, string | undefined>;
  } catch {
    throw new ConfigError(
      variable,
      'must point at a secret holding a JSON object (see the README, "Deploy")',
    );
  }
}
