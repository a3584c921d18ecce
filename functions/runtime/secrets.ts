import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { ConfigError } from '../core/errors.js';
import { logger } from './logger.js';

/**
 * A secret a function may read, and what it must hold. The stack creates each with blank values;
 * a secret in that shape, or holding anything that is not a JSON object with the required key
 * (for example the 32 random characters CloudFormation generates when no value is given), is "not
 * filled": what it belongs to is off, and the log says which secret to fill. The chat platforms'
 * secrets are described by the platforms themselves (bots/platforms.ts).
 */
export interface SecretSpec<Value extends object> {
  /** The environment variable that names it: `TOKENBAY_SECRET_ARN`. */
  variable: string;
  /** Who it belongs to, as people write it: "TokenBay", "Slack". */
  label: string;
  /** The key whose non-blank presence means "filled". */
  required: string & keyof Value;
  shape: z.ZodType<Value>;
  /** A plain-text value with this prefix stands for `{ [required]: value }` (a bare TokenBay key). */
  plainTextPrefix?: string;
}

export const TOKENBAY_SECRET: SecretSpec<{ apiKey: string }> = {
  variable: 'TOKENBAY_SECRET_ARN',
  label: 'TokenBay',
  required: 'apiKey',
  shape: z.object({ apiKey: z.string().min(1) }),
  plainTextPrefix: 'sk-',
};

/** Secrets are read again after this long, so a rotated signing secret takes effect without a redeploy. */
export const SECRET_MAX_AGE_SECONDS = 300;

const warned = new Set<string>();
/** Secrets last read unfilled: read again at once next time (see readSecret). */
const unfilled = new Set<string>();

/**
 * The secret named by its variable in this function's environment, or undefined when the function
 * has none or it is not filled. Powertools caches a value for SECRET_MAX_AGE_SECONDS and never
 * caches a failure: a throttled or denied read is tried again on the next invocation. An unfilled
 * secret is never trusted from the cache: `npm run connect` fills a secret and, seconds later,
 * Discord checks the endpoint with a signed PING, which a container that had read the blank
 * secret must already verify.
 */
export async function readSecret<Value extends object>(
  spec: SecretSpec<Value>,
  env: Record<string, string | undefined>,
): Promise<Value | undefined> {
  const arn = env[spec.variable];
  if (!arn) return undefined;
  const raw = await getSecret(arn, { maxAge: SECRET_MAX_AGE_SECONDS, forceFetch: unfilled.has(arn) });
  const value = parseSecret(spec, typeof raw === 'string' ? raw : '');
  if (value === undefined) unfilled.add(arn);
  else unfilled.delete(arn);
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
export function parseSecret<Value extends object>(spec: SecretSpec<Value>, text: string): Value | undefined {
  const trimmed = text.trim();
  if (spec.plainTextPrefix && trimmed.startsWith(spec.plainTextPrefix))
    return spec.shape.parse({ [spec.required]: trimmed });
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const present = (json as Record<string, unknown>)[spec.required];
  if (typeof present !== 'string' || !present.trim()) return undefined;
  const parsed = spec.shape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(
      spec.variable,
      `points at a ${spec.label} secret whose "${issue.path.join('.')}" ${issue.message.toLowerCase()}`,
    );
  }
  return parsed.data;
}
