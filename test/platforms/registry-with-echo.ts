import { PLATFORMS as DEPLOYED } from '../../bots/platforms.js';
import {
  platformRegistry,
  type ChatEnvironmentOf,
  type ChatSettingsOf,
} from '../../bots/platform-registry.js';
import { echoPlatform } from './echo/echo-platform.js';

/**
 * The deployed registry plus Echo: what `@clipbay/platforms` resolves to in bundles and synths
 * built with test/platforms/tsconfig.json. The same exports as bots/platforms.ts.
 */
export const registry = platformRegistry([...DEPLOYED, echoPlatform]);

export const {
  platforms: PLATFORMS,
  words: platformWords,
  byPlatform,
  readChatEnvironment,
  chatSettings,
} = registry;

export type RegisteredPlatform = (typeof PLATFORMS)[number];
export type PlatformId = RegisteredPlatform['id'];
export type ChatEnvironment = ChatEnvironmentOf<RegisteredPlatform>;
export type ChatSettings = ChatSettingsOf<RegisteredPlatform>;
