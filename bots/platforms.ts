import { discordPlatform } from './discord/discord-platform.js';
import { platformRegistry, type ChatEnvironmentOf, type ChatSettingsOf } from './platform-registry.js';
import { slackPlatform } from './slack/slack-platform.js';

/**
 * The registry: every chat platform clipbay answers on. A platform is its folder under bots/ plus
 * one entry here (and its notifier in bots/notifiers.ts, which the type system asks for). The
 * neutral code (the ledger, the notifier, configuration, the stack, the local stack) reaches it as
 * `@clipbay/platforms` (tsconfig `paths`) and never names a platform. Light on purpose:
 * descriptions and zod schemas only, so any bundle may import it.
 */
export const registry = platformRegistry([slackPlatform, discordPlatform]);

export const { PLATFORMS, platformWords, byPlatform, readChatEnvironment, chatSettings } = registry;

export type RegisteredPlatform = (typeof PLATFORMS)[number];
/** A registered platform's id: a type derived from the registry, so no code can map an unknown one. */
export type PlatformId = RegisteredPlatform['id'];
export type ChatEnvironment = ChatEnvironmentOf<RegisteredPlatform>;
export type ChatSettings = ChatSettingsOf<RegisteredPlatform>;
export type { SecretReader } from './platform-registry.js';
