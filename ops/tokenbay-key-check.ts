import { TokenBayClient } from '../functions/core/tokenbay/client.js';
import { TokenBayAuthError, TokenBayError } from '../functions/core/errors.js';

/** What TokenBay said of a key. */
export type KeyVerdict =
  { verdict: 'accepted' } | { verdict: 'refused'; detail: string } | { verdict: 'unknown'; detail: string };

/** A task id no one has: asking for it costs nothing and creates nothing. */
const PROBE_TASK = 'task_clipbay_key_check';

/**
 * Tells a refused key from an accepted one without spending anything: `GET /v1/videos/{id}` for a
 * task that does not exist answers 401/403 for a refused key and 404 (or a task body) for a good one.
 * Nothing is submitted, so nothing is charged.
 */
export async function checkTokenBayKey(baseUrl: string, apiKey: string): Promise<KeyVerdict> {
  const client = new TokenBayClient({ baseUrl, apiKey, timeoutMs: 10_000 });
  try {
    await client.get(PROBE_TASK);
    return { verdict: 'accepted' };
  } catch (error) {
    if (error instanceof TokenBayAuthError) return { verdict: 'refused', detail: `HTTP ${error.status}` };
    if (error instanceof TokenBayError && error.status === 404) return { verdict: 'accepted' };
    return { verdict: 'unknown', detail: (error as Error).message };
  }
}
