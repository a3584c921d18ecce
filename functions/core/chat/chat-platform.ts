import type * as z from 'zod';
import type { ReplyTarget } from './reply-target.js';

/**
 * What the platform-neutral code may know of a chat platform: its id and its words, and the shape
 * of its reply target. Each platform describes itself in bots/<id>/<id>-platform.ts, and
 * bots/platforms.ts registers them; the core only ever receives these through its callers.
 */
export interface ChatPlatform<Target extends ReplyTarget = ReplyTarget> {
  /** Stable id: in reply targets, ledger keys, routes and names. */
  readonly id: string;
  /** As people write it: "Slack". */
  readonly label: string;
  /** What a team's space is called there, for messages: "workspace", "server". */
  readonly workspaceNoun: string;
  /** The whole reply target, with the platform's own fields. */
  readonly replyTarget: z.ZodType<Target>;
}

/** A registered platform's words, by id: what the usage messages need. */
export type PlatformWords = (platformId: string) => Pick<ChatPlatform, 'label' | 'workspaceNoun'>;
