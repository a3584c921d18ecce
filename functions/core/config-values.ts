import * as z from 'zod';
import { ConfigError } from './errors.js';

/**
 * The checks every setting is made of (clipbay's own in config.ts, each platform's in
 * bots/<platform>/): a blank value counts as unset, and a problem is one line naming what is wrong.
 */

/** A variable's value, trimmed; blank counts as unset. */
export const raw = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined);

export const optionalText = raw;

export function text(fallback: string) {
  return raw.transform((value) => value ?? fallback);
}

export function integer(fallback: number, limits: { min?: number; max?: number; why?: string } = {}) {
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

export function optionalUrl() {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const protocol = URL.canParse(value) ? new URL(value).protocol : '';
    if (protocol !== 'http:' && protocol !== 'https:')
      return fail(ctx, `must be an http(s) URL (got "${value}")`);
    return value;
  });
}

export function url(fallback: string) {
  return optionalUrl().transform((value) => value ?? fallback);
}

export function matching(pattern: RegExp, problem: (value: string) => string, fallback?: string) {
  return raw.transform((value, ctx) => {
    const chosen = value ?? fallback;
    if (chosen !== undefined && !pattern.test(chosen)) return fail(ctx, problem(chosen));
    return chosen;
  });
}

export function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

export function optionalCount() {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1)
      return fail(ctx, `must be a whole number of at least 1, or unset for no limit (got "${value}")`);
    return Number(value);
  });
}

/** A comma-separated list of chat ids (Slack `C0123`, Discord `1234567890`). */
export function idList() {
  return raw.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const ids = value
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const bad = ids.find((id) => !/^[A-Za-z0-9]{1,32}$/.test(id));
    if (bad !== undefined) return fail(ctx, `must be comma-separated channel or user ids (got "${bad}")`);
    return ids;
  });
}

/** Parses the environment with a schema of these checks: the first problem is a ConfigError naming its variable. */
export function parseEnvironment<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0]), issue.message);
  }
  return parsed.data;
}
