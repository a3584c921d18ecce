import { loadConfig, type ClipbayConfig } from '../core/config.js';
import { readSecret } from './secrets.js';

/**
 * Configuration in AWS: the environment (non-secret values, set by the stack) plus the secrets this
 * function's environment names, read from Secrets Manager. Secrets never appear in the template or
 * the environment.
 */
export interface LambdaConfig extends ClipbayConfig {
  shareBaseUrl: string;
  stateMachineArn: string | undefined;
}

let environment: ClipbayConfig | undefined;

/**
 * Called on every invocation. The environment is parsed once (a bad value is a deployment bug and
 * fails every call with one line naming the variable); the secrets come from Powertools' cache,
 * which keeps values for a few minutes and never keeps a failure.
 */
export async function lambdaConfig(
  env: Record<string, string | undefined> = process.env,
): Promise<LambdaConfig> {
  const base = (environment ??= loadConfig(env));
  const [tokenBay, slack, discord] = await Promise.all([
    readSecret('tokenBay', env),
    readSecret('slack', env),
    readSecret('discord', env),
  ]);
  return {
    ...base,
    tokenBay: { ...base.tokenBay, apiKey: tokenBay?.apiKey ?? base.tokenBay.apiKey },
    slack: {
      ...base.slack,
      signingSecret: slack?.signingSecret ?? base.slack.signingSecret,
      botToken: slack?.botToken || base.slack.botToken,
    },
    discord: {
      ...base.discord,
      publicKey: discord?.publicKey ? discord.publicKey.toLowerCase() : base.discord.publicKey,
      botToken: discord?.botToken || base.discord.botToken,
    },
    shareBaseUrl: env.SHARE_BASE_URL ?? `http://127.0.0.1:${base.port}/`,
    stateMachineArn: env.STATE_MACHINE_ARN,
  };
}
