import { AwsServiceError } from '../account-errors.js';
import type { HistoryEvent } from '../../workflow/execution-history.js';

/** GetExecutionHistory's page size when maxResults is absent or 0; 1000 is the most it takes. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/** The members of an event's details that hold execution data (what `includeExecutionData: false` leaves out). */
const EXECUTION_DATA = new Set(['input', 'inputDetails', 'output', 'outputDetails']);

/**
 * One page of GetExecutionHistory: the events in order of id (`reverseOrder`: newest first), at
 * most `maxResults` of them, and a `nextToken` while more follow. The token names the execution and
 * the order it was made for; another execution's or order's token is refused as `InvalidToken`.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html
 */
export function executionHistoryPage(
  executionArn: string,
  events: readonly HistoryEvent[],
  request: Record<string, unknown>,
): { events: Record<string, unknown>[]; nextToken?: string } {
  const reverse = request.reverseOrder === true;
  const includeData = request.includeExecutionData !== false;
  const maxResults = request.maxResults === undefined ? 0 : Number(request.maxResults);
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE)
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(request.maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE}`,
    );
  const start =
    typeof request.nextToken === 'string' ? offsetOf(request.nextToken, executionArn, reverse) : 0;
  const ordered = reverse ? [...events].reverse() : events;
  const end = start + (maxResults || DEFAULT_PAGE);
  return {
    events: ordered.slice(start, end).map((event) => wireEvent(event, includeData)),
    ...(end < ordered.length ? { nextToken: tokenFor(executionArn, reverse, end) } : {}),
  };
}

function wireEvent(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const details = event.details;
  return {
    timestamp: event.timestamp.getTime() / 1000,
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
    ...(details
      ? {
          [details.member]: includeData
            ? details.value
            : Object.fromEntries(Object.entries(details.value).filter(([key]) => !EXECUTION_DATA.has(key))),
        }
      : {}),
  };
}

function tokenFor(executionArn: string, reverse: boolean, offset: number): string {
  return Buffer.from(JSON.stringify({ executionArn, reverse, offset })).toString('base64url');
}

function offsetOf(token: string, executionArn: string, reverse: boolean): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      parsed.executionArn === executionArn &&
      parsed.reverse === reverse &&
      Number.isInteger(parsed.offset) &&
      (parsed.offset as number) >= 0
    )
      return parsed.offset as number;
  } catch {
    // Not one of ours: refused below.
  }
  throw new AwsServiceError('InvalidToken', `Invalid Token: '${token}'`);
}
