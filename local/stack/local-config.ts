import { readChatEnvironment, type ChatEnvironment } from '@clipbay/platforms';
import { loadConfig, type ClipbayConfig } from '../../functions/core/config.js';

/** What the local stack, Socket Mode and the CLI read: clipbay's settings and every platform's. */
export interface LocalConfig extends ClipbayConfig {
  chat: ChatEnvironment;
}

/** Checked once at start: a ConfigError names the first bad variable. */
export function loadLocalConfig(env: Record<string, string | undefined> = process.env): LocalConfig {
  return { ...loadConfig(env), chat: readChatEnvironment(env) };
}
