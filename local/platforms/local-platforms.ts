import { PLATFORMS, type ChatEnvironment, type PlatformId } from '@clipbay/platforms';
import { ConfigError } from '../../functions/core/errors.js';
import { discordLocal } from './discord-local.js';
import type { LocalPlatform } from './local-platform.js';
import { slackLocal } from './slack-local.js';

/**
 * Each registered platform's local pieces, typed by the registry: a platform registered in
 * bots/platforms.ts without an entry here is a type error.
 */
export const LOCAL_PLATFORMS: { [Id in PlatformId]: LocalPlatform<ChatEnvironment[Id]> } = {
  slack: slackLocal,
  discord: discordLocal,
};

/** The registered platforms' ids. */
export const PLATFORM_IDS: readonly PlatformId[] = PLATFORMS.map((platform) => platform.id);

/** `CLIPBAY_PLATFORMS=slack` fills only that platform's secret: the others stay as the stack made them. */
export function localPlatforms(value: string | undefined): PlatformId[] {
  if (!value?.trim()) return [...PLATFORM_IDS];
  const names = value.split(',').map((p) => p.trim().toLowerCase());
  for (const name of names)
    if (!(PLATFORM_IDS as readonly string[]).includes(name))
      throw new ConfigError(
        'CLIPBAY_PLATFORMS',
        `must list registered platforms (${PLATFORM_IDS.join(', ')}), comma-separated (got "${name}")`,
      );
  return names as PlatformId[];
}
