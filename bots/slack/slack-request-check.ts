/**
 * Checks in front of Bolt's own verification (which does the HMAC in constant time and refuses
 * timestamps older than 5 minutes): Bolt accepts timestamps from the future, which would stretch a
 * captured request's replay window, and its Lambda receiver has no body limit. Measured on the
 * decoded body: the HTTP API delivers Slack's form posts base64-encoded.
 */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SlackLambdaRequest {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export function slackRequestProblem(
  event: SlackLambdaRequest,
  nowMs: number,
): { status: 400 | 401 | 413; reason: string } | undefined {
  const body = event.body ?? '';
  const decoded = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body);
  if (decoded.length > MAX_SLACK_BODY_BYTES) return { status: 413, reason: 'Body too large.' };
  const header = (wanted: string) =>
    Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === wanted)?.[1];
  // A missing or non-numeric timestamp is NaN, never in the future: Bolt refuses it as stale.
  const timestamp = Number(header('x-slack-request-timestamp'));
  if (timestamp > nowMs / 1000 + MAX_CLOCK_SKEW_SECONDS)
    return { status: 401, reason: 'Request timestamp is in the future.' };
  // Bolt's Lambda receiver throws on a body it cannot parse, which would be a 500.
  if (!parses(decoded.toString('utf8'), header('content-type') ?? ''))
    return { status: 400, reason: 'Malformed body.' };
  return undefined;
}

function parses(body: string, contentType: string): boolean {
  try {
    if (contentType.startsWith('application/json')) JSON.parse(body);
    else {
      const payload = new URLSearchParams(body).get('payload');
      if (payload !== null) JSON.parse(payload);
    }
    return true;
  } catch {
    return false;
  }
}
