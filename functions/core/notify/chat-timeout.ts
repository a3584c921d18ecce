/**
 * Every request to Slack or Discord is aborted after this long. CheckStatus has 30 s in all and
 * must still return when chat hangs (its progress update is only a courtesy), and PostLink makes
 * at most a few requests: a timeout ends with a NotifyError, which the state machine retries.
 */
export const CHAT_TIMEOUT_MS = 5_000;

/** What a request that ran out of time failed with (fetch and undici name it either way). */
export function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
