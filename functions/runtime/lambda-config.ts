import {
  chatSettings,
  readChatEnvironment,
  type ChatEnvironment,
  type ChatSettings,
} from '@clipbay/platforms';
import { loadConfig, type ClipbayConfig } from '../core/config.js';
import { readSecret, TOKENBAY_SECRET } from './secrets.js';

/**
 * Configuration in AWS: the environment (non-secret values, set by the stack) plus the secrets this
 * function's environment names, read from Secrets Manager. Secrets never appear in the template or
 * the environment.
 */
export interface LambdaConfig extends ClipbayConfig {
  /** Each registered chat platform's settings, its secret merged in. */
  chat: ChatSettings;
  shareBaseUrl: string;
  stateMachineArn: string | undefined;
}

let environment: { clipbay: ClipbayConfig; chat: ChatEnvironment } | undefined;

/**
 * Called on every invocation. The environment is parsed once (a bad value is a deployment bug and
 * fails every call with one line naming the variable); the secrets come from Powertools' cache,
 * which keeps values for a few minutes and never keeps a failure.
 */
export async function lambdaConfig(
  env: Record<string, string | undefined> = process.env,
): Promise<LambdaConfig> {
  const base = (environment ??= { clipbay: loadConfig(env), chat: readChatEnvironment(env) });
  const [tokenBay, chat] = await Promise.all([
    readSecret(TOKENBAY_SECRET, env),
    chatSettings(base.chat, (secret) => readSecret(secret, env)),
  ]);
  return {
    ...base.clipbay,
    tokenBay: { ...base.clipbay.tokenBay, apiKey: tokenBay?.apiKey ?? base.clipbay.tokenBay.apiKey },
    chat,
    shareBaseUrl: env.SHARE_BASE_URL ?? `http://127.0.0.1:${base.clipbay.port}/`,
    stateMachineArn: env.STATE_MACHINE_ARN,
  };
}
