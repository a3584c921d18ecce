import * as z from 'zod';
import {
  fail,
  idList,
  integer,
  optionalCount,
  optionalText,
  optionalUrl,
  matching,
  parseEnvironment,
  raw,
  text,
  url,
} from './config-values.js';
import { DEFAULT_MODEL, familyOf, idPrefixesText } from './models/families.js';
import type { UsageLimits } from './usage/usage-limits.js';

/**
 * clipbay's own configuration, read once at start-up from the environment (the README's
 * configuration table). Each chat platform reads its own variables (bots/<platform>/), and
 * bots/platforms.ts gathers them.
 * Anything invalid throws a `ConfigError` whose message is one line naming the variable.
 * Clients take these values as options, so tests pass their own instead of mutating process.env.
 */
export interface ClipbayConfig {
  tokenBay: { apiKey: string | undefined; baseUrl: string };
  defaultModel: string;
  pollIntervalSeconds: number;
  generationTimeoutSeconds: number;
  editTimeoutSeconds: number;
  videoBucket: string;
  s3Endpoint: string | undefined;
  linkExpirySeconds: number;
  /** Days before S3 deletes a clip (the bucket's lifecycle rule: read by the stack only). */
  videoExpiryDays: number;
  /**
   * The ledger's history indexes the stack declares: `all`, or `requester` only, the first of the
   * two deploys that upgrade a stack made before history (CloudFormation adds one index per update).
   */
  usageHistoryIndexes: HistoryIndexes;
  /** `auto`: upload the clip so it plays in the channel when the platform allows; `off`: links only. */
  inline: InlineMode;
  port: number;
  usage: {
    /** The usage ledger's DynamoDB table (USAGE_TABLE, set by the stack); unset: no ledger. */
    table: string | undefined;
    limits: UsageLimits;
  };
}

/** USAGE_HISTORY_INDEXES's values. */
export const HISTORY_INDEXES = ['all', 'requester'] as const;
export type HistoryIndexes = (typeof HISTORY_INDEXES)[number];

/** CLIPBAY_INLINE's values: the stack passes the same words as CDK context. */
export const INLINE_MODES = ['auto', 'off'] as const;
export type InlineMode = (typeof INLINE_MODES)[number];

/** TokenBay asks clients not to poll more often than every 5 seconds. */
export const MIN_POLL_INTERVAL_SECONDS = 5;
/** SigV4 presigned URLs cannot live longer than 7 days. */
export const MAX_LINK_EXPIRY_SECONDS = 604_800;

type Env = Record<string, string | undefined>;

/** The whole environment clipbay reads, in one schema; each problem names its variable. */
const environmentSchema = z.object({
  TOKENBAY_API_KEY: optionalText,
  TOKENBAY_BASE_URL: url('https://api.tokenbay.com'),
  DEFAULT_MODEL: text(DEFAULT_MODEL).transform((model, ctx) =>
    familyOf(model) ? model : fail(ctx, `must name a ${idPrefixesText()} model (got "${model}")`),
  ),
  POLL_INTERVAL_SECONDS: integer(15, {
    min: MIN_POLL_INTERVAL_SECONDS,
    why: 'TokenBay allows at most one poll every 5 seconds',
  }),
  GENERATION_TIMEOUT_SECONDS: integer(300, { min: 30 }),
  EDIT_TIMEOUT_SECONDS: integer(600, { min: 30 }),
  VIDEO_BUCKET: matching(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    (value) => `must be a valid S3 bucket name (got "${value}")`,
    'clipbay-videos',
  ),
  S3_ENDPOINT: optionalUrl(),
  LINK_EXPIRY_SECONDS: integer(MAX_LINK_EXPIRY_SECONDS, {
    min: 60,
    max: MAX_LINK_EXPIRY_SECONDS,
    why: 'presigned links live at most 7 days',
  }),
  CLIPBAY_INLINE: raw.transform((value, ctx): InlineMode => {
    const mode = (value ?? 'auto').toLowerCase();
    return (INLINE_MODES as readonly string[]).includes(mode)
      ? (mode as InlineMode)
      : fail(ctx, `must be auto or off (got "${value}")`);
  }),
  VIDEO_EXPIRY_DAYS: integer(30, { min: 1 }),
  USAGE_HISTORY_INDEXES: raw.transform((value, ctx): HistoryIndexes => {
    const chosen = (value ?? 'all').toLowerCase();
    return (HISTORY_INDEXES as readonly string[]).includes(chosen)
      ? (chosen as HistoryIndexes)
      : fail(ctx, `must be all or requester (got "${value}")`);
  }),
  PORT: integer(3000, { min: 0, max: 65_535 }),
  USAGE_TABLE: optionalText,
  LIMIT_VIDEOS_PER_USER_PER_DAY: optionalCount(),
  LIMIT_CONCURRENT_PER_USER: optionalCount(),
  LIMIT_QUOTA_PER_MONTH: optionalCount(),
  ALLOWED_CHANNELS: idList(),
  CLIPBAY_ADMINS: idList(),
});

/**
 * Who reads each variable: a function of the stack (by its job), the stack itself (the state
 * machine, the bucket), the local stack or the CLI. The stack gives each function exactly the
 * variables listed for it (infra/clipbay-stack.ts), and takes the same names as CDK context; a
 * test checks the template against this table. In AWS, TOKENBAY_API_KEY is a secret instead.
 */
export type SettingReader =
  | 'ingress'
  | 'submit'
  | 'check-status'
  | 'save-to-s3'
  | 'post-link'
  | 'report-failure'
  | 'share-link'
  | 'settle-usage'
  | 'run-ended'
  | 'stack'
  | 'local'
  | 'cli';

const LIMIT_READERS = ['ingress', 'local'] as const;

export const SETTING_READERS = {
  TOKENBAY_API_KEY: ['local', 'cli'],
  TOKENBAY_BASE_URL: ['submit', 'check-status', 'save-to-s3', 'settle-usage', 'local', 'cli'],
  DEFAULT_MODEL: ['ingress', 'local', 'cli'],
  POLL_INTERVAL_SECONDS: ['stack', 'local', 'cli'],
  GENERATION_TIMEOUT_SECONDS: ['submit', 'check-status', 'local', 'cli'],
  EDIT_TIMEOUT_SECONDS: ['check-status', 'stack', 'local', 'cli'],
  VIDEO_BUCKET: ['submit', 'save-to-s3', 'post-link', 'share-link', 'local', 'cli'],
  S3_ENDPOINT: ['local', 'cli'],
  LINK_EXPIRY_SECONDS: ['post-link', 'local', 'cli'],
  CLIPBAY_INLINE: ['post-link', 'local'],
  VIDEO_EXPIRY_DAYS: ['stack'],
  USAGE_HISTORY_INDEXES: ['stack'],
  PORT: ['local'],
  USAGE_TABLE: [
    'ingress',
    'check-status',
    'post-link',
    'report-failure',
    'settle-usage',
    'run-ended',
    'local',
  ],
  LIMIT_VIDEOS_PER_USER_PER_DAY: LIMIT_READERS,
  LIMIT_CONCURRENT_PER_USER: LIMIT_READERS,
  LIMIT_QUOTA_PER_MONTH: LIMIT_READERS,
  ALLOWED_CHANNELS: LIMIT_READERS,
  CLIPBAY_ADMINS: LIMIT_READERS,
} as const satisfies { [Name in keyof typeof environmentSchema.shape]: readonly SettingReader[] };

export type SettingName = keyof typeof SETTING_READERS;

/** The variables a reader reads, by name. */
export function settingsReadBy(reader: SettingReader): SettingName[] {
  return (Object.keys(SETTING_READERS) as SettingName[]).filter((name) =>
    (SETTING_READERS[name] as readonly SettingReader[]).includes(reader),
  );
}

/** What the stack sets itself, from the resources it creates (the bucket, the ledger's table). */
export const STACK_PROVIDED_SETTINGS: readonly SettingName[] = ['VIDEO_BUCKET', 'USAGE_TABLE'];

/**
 * What a team may deploy with, as CDK context: everything the stack or one of its functions
 * reads, but what the stack provides itself.
 */
export const DEPLOY_SETTINGS: readonly SettingName[] = (Object.keys(SETTING_READERS) as SettingName[]).filter(
  (name) =>
    !STACK_PROVIDED_SETTINGS.includes(name) &&
    (SETTING_READERS[name] as readonly SettingReader[]).some((r) => r !== 'local' && r !== 'cli'),
);

export function loadConfig(env: Env = process.env): ClipbayConfig {
  const e = parseEnvironment(environmentSchema, env);
  return {
    tokenBay: { apiKey: e.TOKENBAY_API_KEY, baseUrl: e.TOKENBAY_BASE_URL },
    defaultModel: e.DEFAULT_MODEL,
    pollIntervalSeconds: e.POLL_INTERVAL_SECONDS,
    generationTimeoutSeconds: e.GENERATION_TIMEOUT_SECONDS,
    editTimeoutSeconds: e.EDIT_TIMEOUT_SECONDS,
    videoBucket: e.VIDEO_BUCKET!,
    s3Endpoint: e.S3_ENDPOINT,
    linkExpirySeconds: e.LINK_EXPIRY_SECONDS,
    videoExpiryDays: e.VIDEO_EXPIRY_DAYS,
    usageHistoryIndexes: e.USAGE_HISTORY_INDEXES,
    inline: e.CLIPBAY_INLINE,
    port: e.PORT,
    usage: {
      table: e.USAGE_TABLE,
      limits: {
        videosPerUserPerDay: e.LIMIT_VIDEOS_PER_USER_PER_DAY,
        concurrentPerUser: e.LIMIT_CONCURRENT_PER_USER,
        quotaPerMonth: e.LIMIT_QUOTA_PER_MONTH,
        allowedChannels: e.ALLOWED_CHANNELS,
        admins: e.CLIPBAY_ADMINS ?? [],
      },
    },
  };
}
