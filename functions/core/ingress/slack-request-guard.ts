/**
 * Checks in front of Bolt's own verification (which does the HMAC in constant time and refuses
 * timestamps older than 5 minutes): Bolt accepts timestamps from the future, which would stretch a
 * captured request's replay window, and its Lambda receiver has no body limit.
 */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export function slackRequestProblem(
  timestampHeader: string | undefined,
  bodyBytes: number,
  nowMs: number,
): { status: 401 | 413; reason: string } | undefined {
  if (bodyBytes > MAX_SLACK_BODY_BYTES) return { status: 413, reason: 'Body too large.' };
  const timestamp = Number(timestampHeader);
  if (
    timestampHeader !== undefined &&
    Number.isFinite(timestamp) &&
    timestamp > nowMs / 1000 + MAX_CLOCK_SKEW_SECONDS
  )
    return { status: 401, reason: 'Request timestamp is in the future.' };
  return undefined;
}
