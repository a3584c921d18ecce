import * as z from 'zod';
import { ConfigError } from './errors.js';
import { DEFAULT_MODEL, familyOf, idPrefixesText } from './models/families.js';
import type { UsageLimits } from './usage/usage-limits.js';

/**
 * clipbay's configuration, read once at start-up from the environment (the README's configuration table).
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
  slack: {
    signingSecret: string | undefined;
    botToken: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
  };
  discord: {
    publicKey: string | undefined;
    applicationId: string | undefined;
    botToken: string | undefined;
    apiBase: string;
  };
  /** `auto`: upload the clip so it plays in the channel when the platform allows; `off`: links only. */
  inline: InlineMode;
  port: number;
  usage: {
    /** The usage ledger's DynamoDB table (USAGE_TABLE, set by the stack); unset: no ledger. */
    table: string | undefined;
    limits: UsageLimits;
  };
}

/** CLIPBAY_INLINE's values: the stack passes the same words as CDK context. */
export const INLINE_MODES = ['auto', 'off'] as const;
export type InlineMode = (typeof INLINE_MODES)[number];

/** TokenBay asks clients not to poll more often than every 5 seconds. */
export const MIN_POLL_INTERVAL_SECONDS = 5;
/** SigV4 presigned URLs cannot live longer than 7 days. */
export const MAX_LINK_EXPIRY_SECONDS = 604_800;

type Env = Record<string, string | undefined>;

/** A variable's value, trimmed; blank counts as unset. */
const raw = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined);

const optionalText = raw;

function text(fallback: string) {
  return raw.transform((value) => value ?? fallback);
}

function integer(fallback: number, limits: { min?: number; max?: number; why?: string } = {}) {
  const why = limits.why ? `: ${limits.why}` : '';
  return raw.transform((value, ctx) => {
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) return fail(ctx, `must be a whole number (got "${value}")`);
    const n = Number(value);
    if (limits.min !== undefined && n < limits.min)
      return fail(ctx, `must be at least ${limits.min} (got ${n})${why}`);
    if (limits.max !== undefined && n > limits.max)
      return fail(ctx, `must be at most ${limits.max} (got ${n})${why}`);
    return n;
  });
}

function optionalUrl() {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const protocol = URL.canParse(value) ? new URL(value).protocol : '';
    if (protocol !== 'http:' && protocol !== 'https:')
      return fail(ctx, `must be an http(s) URL (got "${value}")`);
    return value;
  });
}

function url(fallback: string) {
  return optionalUrl().transform((value) => value ?? fallback);
}

function matching(pattern: RegExp, problem: (value: string) => string, fallback?: string) {
  return raw.transform((value, ctx) => {
    const chosen = value ?? fallback;
    if (chosen !== undefined && !pattern.test(chosen)) return fail(ctx, problem(chosen));
    return chosen;
  });
}

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

function optionalCount() {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1)
      return fail(ctx, `must be a whole number of at least 1, or unset for no limit (got "${value}")`);
    return Number(value);
  });
}

/** A comma-separated list of Slack or Discord ids (`C0123,1234567890`). */
function idList() {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const ids = value
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const bad = ids.find((id) => !/^[A-Za-z0-9]{1,32}$/.test(id));
    if (bad !== undefined) return fail(ctx, `must be comma-separated Slack or Discord ids (got "${bad}")`);
    return ids;
  });
}

const slackToken = (prefix: string) =>
  matching(
    new RegExp(`^${prefix}`),
    () => `must start with ${prefix} (check that the right Slack token is in this variable)`,
  );

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
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: slackToken('xoxb-'),
  SLACK_APP_TOKEN: slackToken('xapp-'),
  SLACK_API_URL: url('https://slack.com/api/'),
  DISCORD_PUBLIC_KEY: matching(
    /^[0-9a-f]{64}$/i,
    () => 'must be the 64 hex characters shown as "Public Key" in the Discord developer portal',
  ).transform((key) => key?.toLowerCase()),
  DISCORD_APPLICATION_ID: matching(
    /^\d{15,21}$/,
    (value) => `must be a Discord id, 15 to 21 digits (got "${value}")`,
  ),
  DISCORD_BOT_TOKEN: optionalText,
  DISCORD_API_BASE: url('https://discord.com/api'),
  CLIPBAY_INLINE: raw.transform((value, ctx): InlineMode => {
    const mode = (value ?? 'auto').toLowerCase();
    return (INLINE_MODES as readonly string[]).includes(mode)
      ? (mode as InlineMode)
      : fail(ctx, `must be auto or off (got "${value}")`);
  }),
  PORT: integer(3000, { min: 0, max: 65_535 }),
  USAGE_TABLE: optionalText,
  LIMIT_VIDEOS_PER_USER_PER_DAY: optionalCount(),
  LIMIT_CONCURRENT_PER_USER: optionalCount(),
  LIMIT_QUOTA_PER_MONTH: optionalCount(),
  ALLOWED_CHANNELS: idList(),
  CLIPBAY_ADMINS: idList(),
});

export function loadConfig(env: Env = process.env): ClipbayConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0]), issue.message);
  }
  const e = parsed.data;
  return {
    tokenBay: { apiKey: e.TOKENBAY_API_KEY, baseUrl: e.TOKENBAY_BASE_URL },
    defaultModel: e.DEFAULT_MODEL,
    pollIntervalSeconds: e.POLL_INTERVAL_SECONDS,
    generationTimeoutSeconds: e.GENERATION_TIMEOUT_SECONDS,
    editTimeoutSeconds: e.EDIT_TIMEOUT_SECONDS,
    videoBucket: e.VIDEO_BUCKET!,
    s3Endpoint: e.S3_ENDPOINT,
    linkExpirySeconds: e.LINK_EXPIRY_SECONDS,
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET,
      botToken: e.SLACK_BOT_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    discord: {
      publicKey: e.DISCORD_PUBLIC_KEY,
      applicationId: e.DISCORD_APPLICATION_ID,
      botToken: e.DISCORD_BOT_TOKEN,
      apiBase: e.DISCORD_API_BASE,
    },
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
