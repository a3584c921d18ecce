import { readChatEnvironment, type ChatEnvironment } from '@clipbay/platforms';
import { loadConfig, type ClipbayConfig } from '../../functions/core/config.js';
import { CONTEXT_KEYS } from '../../infra/context-keys.js';

/** What the local stack, Socket Mode and the CLI read: clipbay's settings and every platform's. */
export interface LocalConfig extends ClipbayConfig {
  chat: ChatEnvironment;
  /**
   * The settings a deployment takes as CDK context, as this environment set them (checked above):
   * the local stack synthesizes with them, so it deploys what a team would.
   */
  deploySettings: Record<string, string>;
}

/** Checked once at start: a ConfigError names the first bad variable. */
export function loadLocalConfig(env: Record<string, string | undefined> = process.env): LocalConfig {
  // TOKENBAY_BASE_URL stays out: the account hands every function the simulator's or this URL
  // itself (the outside world), so a per-run port never makes a new synth.
  const names = CONTEXT_KEYS.filter((name) => name !== 'TOKENBAY_BASE_URL');
  return {
    ...loadConfig(env),
    chat: readChatEnvironment(env),
    deploySettings: Object.fromEntries(
      names.flatMap((name) => {
        const value = env[name]?.trim();
        return value ? [[name, value]] : [];
      }),
    ),
  };
}
