import type { ChatPlatform, PlatformWords } from '../functions/core/chat/chat-platform.js';
import { discordPlatform } from './discord/discord-platform.js';
import { slackPlatform } from './slack/slack-platform.js';

/**
 * The registry: every chat platform clipbay answers on. A platform is its folder under bots/ plus
 * one entry here; the neutral code (the ledger, the notifier, the stack, the local stack) iterates
 * this list and never names a platform. Light on purpose: descriptions and zod schemas only, so
 * any bundle may import it.
 */
export const PLATFORMS = [slackPlatform, discordPlatform] as const satisfies readonly ChatPlatform[];

/** A registered platform's id: a type derived from the registry, so no code can map an unknown one. */
export type PlatformId = (typeof PLATFORMS)[number]['id'];

/** The words of a registered platform, by id; an unknown id is a bug and says so. */
export function platformWordsOf(platforms: readonly ChatPlatform[]): PlatformWords {
  return (id) => {
    const platform = platforms.find((candidate) => candidate.id === id);
    if (!platform)
      throw new Error(`No chat platform "${id}" is registered (${platforms.map((p) => p.id).join(', ')}).`);
    return platform;
  };
}

export const platformWords: PlatformWords = platformWordsOf(PLATFORMS);
