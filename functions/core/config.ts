import { ConfigError } from './errors.js';
import { DEFAULT_MODEL, familyOf } from './models/families.js';

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
  port: number;
}

/** TokenBay asks clients not to poll more often than every 5 seconds. */
export const MIN_POLL_INTERVAL_SECONDS = 5;
/** SigV4 presigned URLs cannot live longer than 7 days. */
export const MAX_LINK_EXPIRY_SECONDS = 604_800;

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): ClipbayConfig {
  const defaultModel = text(env, 'DEFAULT_MODEL') ?? DEFAULT_MODEL;
  if (!familyOf(defaultModel))
    throw new ConfigError(
      'DEFAULT_MODEL',
      `must name a veo, seedance or happyhorse model (got "${defaultModel}")`,
    );
  return {
    tokenBay: {
      apiKey: text(env, 'TOKENBAY_API_KEY'),
      baseUrl: url(env, 'TOKENBAY_BASE_URL', 'https://api.tokenbay.com'),
    },
    defaultModel,
    pollIntervalSeconds: integer(env, 'POLL_INTERVAL_SECONDS', 15, {
      min: MIN_POLL_INTERVAL_SECONDS,
      why: 'TokenBay allows at most one poll every 5 seconds',
    }),
    generationTimeoutSeconds: integer(env, 'GENERATION_TIMEOUT_SECONDS', 300, { min: 30 }),
    editTimeoutSeconds: integer(env, 'EDIT_TIMEOUT_SECONDS', 600, { min: 30 }),
    videoBucket: bucket(env, 'VIDEO_BUCKET', 'clipbay-videos'),
    s3Endpoint: optionalUrl(env, 'S3_ENDPOINT'),
    linkExpirySeconds: integer(env, 'LINK_EXPIRY_SECONDS', MAX_LINK_EXPIRY_SECONDS, {
      min: 60,
      max: MAX_LINK_EXPIRY_SECONDS,
      why: 'presigned links live at most 7 days',
    }),
    slack: {
      signingSecret: text(env, 'SLACK_SIGNING_SECRET'),
      botToken: prefixed(env, 'SLACK_BOT_TOKEN', 'xoxb-'),
      appToken: prefixed(env, 'SLACK_APP_TOKEN', 'xapp-'),
      apiUrl: url(env, 'SLACK_API_URL', 'https://slack.com/api/'),
    },
    discord: {
      publicKey: discordPublicKey(env),
      applicationId: snowflake(env, 'DISCORD_APPLICATION_ID'),
      botToken: text(env, 'DISCORD_BOT_TOKEN'),
      apiBase: url(env, 'DISCORD_API_BASE', 'https://discord.com/api'),
    },
    port: integer(env, 'PORT', 3000, { min: 0, max: 65_535 }),
  };
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(
  env: Env,
  name: string,
  fallback: number,
  limits: { min?: number; max?: number; why?: string } = {},
): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  const why = limits.why ? `: ${limits.why}` : '';
  if (limits.min !== undefined && value < limits.min)
    throw new ConfigError(name, `must be at least ${limits.min} (got ${value})${why}`);
  if (limits.max !== undefined && value > limits.max)
    throw new ConfigError(name, `must be at most ${limits.max} (got ${value})${why}`);
  return value;
}

function optionalUrl(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL (got "${raw}")`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ConfigError(name, `must be an http(s) URL (got "${raw}")`);
  return raw;
}

function url(env: Env, name: string, fallback: string): string {
  return optionalUrl(env, name) ?? fallback;
}

function bucket(env: Env, name: string, fallback: string): string {
  const value = text(env, name) ?? fallback;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value))
    throw new ConfigError(name, `must be a valid S3 bucket name (got "${value}")`);
  return value;
}

function prefixed(env: Env, name: string, prefix: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !value.startsWith(prefix))
    throw new ConfigError(
      name,
      `must start with ${prefix} (check that the right Slack token is in this variable)`,
    );
  return value;
}

function discordPublicKey(env: Env): string | undefined {
  const value = text(env, 'DISCORD_PUBLIC_KEY');
  if (value !== undefined && !/^[0-9a-f]{64}$/i.test(value))
    throw new ConfigError(
      'DISCORD_PUBLIC_KEY',
      'must be the 64 hex characters shown as "Public Key" in the Discord developer portal',
    );
  return value?.toLowerCase();
}

function snowflake(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value !== undefined && !/^\d{15,21}$/.test(value))
    throw new ConfigError(name, `must be a Discord id, 15 to 21 digits (got "${value}")`);
  return value;
}
