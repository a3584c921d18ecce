import { shareLink } from '../storage/video-links.js';
import { type RunRecord, type UsageLedger, type UsageScope } from './usage-ledger.js';
import type { UsageLimits } from './usage-limits.js';

/** How many clips `/video history` lists. */
export const HISTORY_SIZE = 10;

export interface HistoryDeps {
  ledger: UsageLedger;
  limits: Pick<UsageLimits, 'admins'>;
  /** Where share links live (SHARE_BASE_URL); without it, no links. */
  shareBaseUrl: string | undefined;
}

const OUTCOME_WORDS: Record<string, string> = {
  running: 'in progress',
  succeeded: 'done',
  failed: 'failed',
  'timed-out': 'timed out',
  error: 'failed',
  stopped: 'stopped',
  cancelled: 'cancelled',
};

const PROMPT_SHOWN = 40;

/** "3 Dec 14:05" in UTC, as the usage report's days are. */
function when(ms: number): string {
  const date = new Date(ms);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const time = date.toISOString().slice(11, 16);
  return `${date.getUTCDate()} ${month} ${time}`;
}

function line(run: RunRecord, shareBaseUrl: string | undefined, withName: boolean): string {
  const prompt = run.prompt ?? '';
  // The ledger keeps HISTORY_PROMPT_CHARS (more than shown): a longer prompt is cut here.
  const start = prompt.length > PROMPT_SHOWN ? `${prompt.slice(0, PROMPT_SHOWN).trimEnd()}…` : prompt;
  const link = run.clipId && shareBaseUrl ? ` ${shareLink(shareBaseUrl, run.clipId)}` : '';
  return [
    `• ${when(run.requestedAt)} UTC`,
    ...(withName ? [run.requesterName || run.scope.user] : []),
    run.model,
    `“${start}”`,
    `${OUTCOME_WORDS[run.outcome] ?? run.outcome}${link}`,
  ].join(' · ');
}

/**
 * `/video history`, answered privately: the caller's last clips in this workspace, newest first,
 * with when, the model, the prompt's start, how it ended and its share link; `history --all`
 * lists the channel's, for CLIPBAY_ADMINS only. Each is one Query of the ledger's index.
 */
export async function historyReport(deps: HistoryDeps, scope: UsageScope, all: boolean): Promise<string> {
  if (all && !deps.limits.admins.includes(scope.user))
    return 'Only clipbay admins (CLIPBAY_ADMINS) can see the whole channel’s history. `/video history` shows yours.';
  const runs = await deps.ledger.history(all ? 'channel' : 'requester', scope, HISTORY_SIZE);
  if (runs.length === 0)
    return all ? 'No clips were made in this channel yet.' : 'You have not made a clip here yet.';
  const title = all ? `This channel's last ${runs.length} clips:` : `Your last ${runs.length} clips:`;
  return [title, ...runs.map((run) => line(run, deps.shareBaseUrl, all))].join('\n');
}
