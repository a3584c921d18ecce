import type { PlatformSecret, PlatformSetup, PlatformWords } from '../functions/core/chat/chat-platform.js';
import type { ReplyTarget } from '../functions/core/chat/reply-target.js';

/** Any platform's registration, whatever its own types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPlatform = PlatformSetup<ReplyTarget, any, any, any>;

type Env = Record<string, string | undefined>;

/** Each platform's variables, checked (read once at start), by id. */
export type ChatEnvironmentOf<P extends AnyPlatform> = {
  [Q in P as Q['id']]: ReturnType<Q['readEnvironment']>;
};
/** Each platform's settings in force (its variables with its secret merged in), by id. */
export type ChatSettingsOf<P extends AnyPlatform> = { [Q in P as Q['id']]: ReturnType<Q['withSecret']> };

/** How a caller reads a platform's secret (undefined: not there, or not filled). */
export type SecretReader = <Value extends object>(
  secret: PlatformSecret<Value> & { label: string },
) => Promise<Value | undefined>;

/**
 * What the neutral code does with a list of platforms: find a platform's words, read every
 * platform's settings and secrets, and make one value per platform. bots/platforms.ts builds the
 * deployed registry with it; a test can build one with a platform of its own.
 */
export function platformRegistry<const List extends readonly AnyPlatform[]>(platforms: List) {
  type P = List[number];
  type Id = P['id'];
  const words: PlatformWords = (id) => {
    const platform = platforms.find((candidate) => candidate.id === id);
    if (!platform)
      throw new Error(`No chat platform "${id}" is registered (${platforms.map((p) => p.id).join(', ')}).`);
    return platform;
  };
  /** One value per registered platform, keyed by its id. */
  const byPlatform = <T>(make: (platform: P) => T): Record<Id, T> =>
    Object.fromEntries(platforms.map((platform) => [platform.id, make(platform)])) as Record<Id, T>;
  return {
    PLATFORMS: platforms,
    platformWords: words,
    byPlatform,
    /** Every platform's variables, checked: a ConfigError names the first bad one. */
    readChatEnvironment: (env: Env) =>
      byPlatform((platform) => platform.readEnvironment(env) as unknown) as unknown as ChatEnvironmentOf<P>,
    /** Every platform's settings in force: its checked variables, with its secret (read now) merged in. */
    chatSettings: async (
      environment: ChatEnvironmentOf<P>,
      readSecret: SecretReader,
    ): Promise<ChatSettingsOf<P>> => {
      const entries = await Promise.all(
        platforms.map(async (platform) => {
          const secret = await readSecret({ ...platform.secret, label: platform.label });
          const own = (environment as Record<string, unknown>)[platform.id];
          return [platform.id, platform.withSecret(own, secret) as unknown] as const;
        }),
      );
      return Object.fromEntries(entries) as ChatSettingsOf<P>;
    },
  };
}
