import type { PlatformSecret, PlatformWords } from '../functions/core/chat/chat-platform.js';
import { discordPlatform } from './discord/discord-platform.js';
import { slackPlatform } from './slack/slack-platform.js';

/**
 * The registry: every chat platform clipbay answers on. A platform is its folder under bots/ plus
 * one entry here (and its notifier in bots/notifiers.ts, which the type system asks for). The
 * neutral code (the ledger, the notifier, configuration, the stack, the local stack) iterates this
 * list and never names a platform. Light on purpose: descriptions and zod schemas only, so any
 * bundle may import it.
 */
export const PLATFORMS = [slackPlatform, discordPlatform] as const;

export type RegisteredPlatform = (typeof PLATFORMS)[number];
/** A registered platform's id: a type derived from the registry, so no code can map an unknown one. */
export type PlatformId = RegisteredPlatform['id'];

/** Each platform's variables, checked (read once at start). */
export type ChatEnvironment = { [P in RegisteredPlatform as P['id']]: ReturnType<P['readEnvironment']> };
/** Each platform's settings in force: its variables with its secret merged in. */
export type ChatSettings = { [P in RegisteredPlatform as P['id']]: ReturnType<P['withSecret']> };

/** The words of a platform in a list, by id; an unknown id is a bug and says so. */
export function platformWordsOf(
  platforms: readonly { id: string; label: string; workspaceNoun: string }[],
): PlatformWords {
  return (id) => {
    const platform = platforms.find((candidate) => candidate.id === id);
    if (!platform)
      throw new Error(`No chat platform "${id}" is registered (${platforms.map((p) => p.id).join(', ')}).`);
    return platform;
  };
}

export const platformWords: PlatformWords = platformWordsOf(PLATFORMS);

/** Every platform's variables, checked: a ConfigError names the first bad one. */
export function readChatEnvironment(env: Record<string, string | undefined>): ChatEnvironment {
  return Object.fromEntries(
    PLATFORMS.map((platform) => [platform.id, platform.readEnvironment(env)]),
  ) as ChatEnvironment;
}

/** How a caller reads a platform's secret (undefined: not there, or not filled). */
export type SecretReader = <Value extends object>(
  secret: PlatformSecret<Value> & { label: string },
) => Promise<Value | undefined>;

/** Every platform's settings in force: its checked variables, with its secret (read now) merged in. */
export async function chatSettings(
  environment: ChatEnvironment,
  readSecret: SecretReader,
): Promise<ChatSettings> {
  const entries = await Promise.all(
    PLATFORMS.map(async (platform) => {
      const secret = await readSecret({
        ...platform.secret,
        label: platform.label,
      } as unknown as PlatformSecret<object> & {
        label: string;
      });
      const merge = platform.withSecret as (settings: unknown, secret: unknown) => unknown;
      return [platform.id, merge(environment[platform.id], secret)] as const;
    }),
  );
  return Object.fromEntries(entries) as ChatSettings;
}
