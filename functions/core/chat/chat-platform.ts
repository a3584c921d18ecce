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

type Env = Record<string, string | undefined>;

/** A secret the stack creates for a platform (empty), and what a filled one holds. */
export interface PlatformSecret<Value extends object = object> {
  /** The stack's construct id for it, also its CloudFormation output's stem: `SlackSecrets`. */
  readonly constructId: string;
  /** The environment variable that names it in a function allowed to read it: `SLACK_SECRET_ARN`. */
  readonly variable: string;
  /** The key whose (non-blank) presence means the secret was filled. */
  readonly required: string & keyof Value;
  /** What a filled secret must hold; anything else is a ConfigError naming `variable`. */
  readonly shape: z.ZodType<Value>;
  /** What the stack creates it with: every key, blank (so a function can tell "not filled yet"). */
  readonly unfilled: Readonly<Record<string, string>>;
  /** The secret's description in Secrets Manager: what to paste into it. */
  readonly description: string;
}

/** A platform's ingress: one Lambda behind one POST route of the HTTP API. */
export interface PlatformIngress {
  /** The stack's construct id of the function: `SlackEventsFn`. */
  readonly functionId: string;
  /** The Lambda entry, relative to the project root: `bots/slack/slack-ingress.ts`. */
  readonly entry: string;
  /** The route's path: `/slack/events`. */
  readonly path: string;
  /** The stack output that gives the route's URL, and what to paste it into. */
  readonly output: { readonly id: string; readonly description: string };
}

/**
 * Where a platform keeps the files people share in it (an image to animate), and how clipbay may
 * read one: only from these hosts, with this Authorization header (Slack's private files need the
 * bot token; Discord's CDN links carry their own signature).
 */
export interface PlatformFiles<Settings> {
  /** Host names (`host` or `host:port`) the platform serves files from, for these settings. */
  readonly hosts: (settings: Settings) => readonly string[];
  readonly authorization: (settings: Settings) => string | undefined;
}

/**
 * Everything the neutral code needs to run a platform: its description, its settings (its own
 * environment variables, checked once, with its secret merged in), its secret and its ingress.
 */
export interface PlatformSetup<
  Target extends ReplyTarget,
  EnvSettings,
  Secret extends object,
  Settings,
> extends ChatPlatform<Target> {
  /** The variables it reads. */
  readonly variables: readonly string[];
  /**
   * Those a team may deploy with: not secret, taken as CDK context under the same names
   * (`-c DISCORD_APPLICATION_ID=…`) and given to this platform's ingress only.
   */
  readonly deployVariables: readonly string[];
  /** Checks its variables once (ConfigError naming the variable). */
  readonly readEnvironment: (env: Env) => EnvSettings;
  /** Its settings in force: the secret's values win over the environment's. */
  readonly withSecret: (settings: EnvSettings, secret: Secret | undefined) => Settings;
  readonly secret: PlatformSecret<Secret>;
  readonly ingress: PlatformIngress;
  readonly files: PlatformFiles<Settings>;
}
