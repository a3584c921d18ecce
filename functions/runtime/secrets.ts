import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { ConfigError } from '../core/errors.js';
import { logger } from './logger.js';

/**
 * The three secrets and what each must hold. The stack creates them with empty values; a secret in
 * that shape, or holding anything that is not a JSON object with the expected keys (for example
 * the 32 random characters CloudFormation generates when no value is given), is "not configured":
 * the platform it belongs to is off, and the log says which secret to fill.
 */
const SECRETS = {
  tokenBay: {
    variable: 'TOKENBAY_SECRET_ARN',
    label: 'TokenBay',
    shape: z.object({ apiKey: z.string().min(1) }),
  },
  slack: {
    variable: 'SLACK_SECRET_ARN',
    label: 'Slack',
    shape: z.object({
      signingSecret: z.string().min(1),
      botToken: z.string().startsWith('xoxb-').optional().or(z.literal('')),
    }),
  },
  discord: {
    variable: 'DISCORD_SECRET_ARN',
    label: 'Discord',
    shape: z.object({
      publicKey: z
        .string()
        .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex characters of the Public Key')
        .or(z.literal('')),
      botToken: z.string().optional(),
    }),
  },
} as const;

export type SecretKind = keyof typeof SECRETS;
export type SecretValue<K extends SecretKind> = z.infer<(typeof SECRETS)[K]['shape']>;

/** Secrets are read again after this long, so a rotated signing secret takes effect without a redeploy. */
export const SECRET_MAX_AGE_SECONDS = 300;

const warned = new Set<string>();

/**
 * The secret named by its variable in this function's environment, or undefined when the function
 * has none or it is not filled. Powertools caches a value for SECRET_MAX_AGE_SECONDS and never
 * caches a failure: a throttled or denied read is tried again on the next invocation.
 */
export async function readSecret<K extends SecretKind>(
  kind: K,
  env: Record<string, string | undefined>,
): Promise<SecretValue<K> | undefined> {
  const spec = SECRETS[kind];
  const arn = env[spec.variable];
  if (!arn) return undefined;
  const raw = await getSecret(arn, { maxAge: SECRET_MAX_AGE_SECONDS });
  const value = parseSecret(kind, typeof raw === 'string' ? raw : '');
  if (value === undefined && !warned.has(arn)) {
    warned.add(arn);
    logger.warn(`The ${spec.label} secret is not filled: ${spec.label} is off until it is`, {
      secret: spec.variable,
    });
  }
  if (value !== undefined) warned.delete(arn);
  return value;
}

/** Parses a secret's text: undefined when unfilled, a ConfigError when filled but malformed. */
export function parseSecret<K extends SecretKind>(kind: K, text: string): SecretValue<K> | undefined {
  const spec = SECRETS[kind];
  const trimmed = text.trim();
  // The TokenBay key may also be stored as plain text.
  if (kind === 'tokenBay' && trimmed.startsWith('sk-')) return { apiKey: trimmed } as SecretValue<K>;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const required = kind === 'tokenBay' ? 'apiKey' : kind === 'slack' ? 'signingSecret' : 'publicKey';
  const present = (json as Record<string, unknown>)[required];
  if (typeof present !== 'string' || !present.trim()) return undefined;
  const parsed = spec.shape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(
      spec.variable,
      `points at a ${spec.label} secret whose "${issue.path.join('.')}" ${issue.message.toLowerCase()}`,
    );
  }
  return parsed.data as SecretValue<K>;
}
