import { PLATFORMS as DEPLOYED } from '../../bots/platforms.js';
import { platformRegistry } from '../../bots/platform-registry.js';
import { echoPlatform } from './echo/echo-platform.js';

/**
 * The deployed registry plus Echo: what `@clipbay/platforms` resolves to in bundles and synths
 * built with test/platforms/tsconfig.json: the same values as bots/platforms.ts exports (its types
 * are erased in a bundle, and tsc checks against the deployed registry's).
 */
export const registry = platformRegistry([...DEPLOYED, echoPlatform]);

export const { PLATFORMS, platformWords, byPlatform, readChatEnvironment, chatSettings } = registry;
