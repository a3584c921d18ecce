import type { LocalKeys } from '../stack/local-keys.js';

/** What the local stack knows when it fills a platform's secret. */
export interface LocalSecretContext {
  keys: LocalKeys;
  /** A bot token the playground's stand-in API accepts, when it stands in for this platform. */
  standInBotToken?: string | undefined;
}

/**
 * A platform's local pieces: how `npm start` fills its secret (from the local keys, or the team's
 * own values), and the banner's lines about it. One per registered platform (local-platforms.ts).
 */
export interface LocalPlatform<Settings> {
  /** The secret's JSON as a team would paste it after a deploy. */
  secretValue(settings: Settings, context: LocalSecretContext): Record<string, string>;
  /** What the banner says about connecting a real app. */
  connectLine(settings: Settings, url: string): string;
}
