import type { PlatformWords } from '../chat/chat-platform.js';
import type { AcceptDeps } from './accept-command.js';
import { checkChannel, startWithinLimits } from '../usage/start-within-limits.js';
import { scopeOf, type UsageLedger } from '../usage/usage-ledger.js';
import type { UsageLimits } from '../usage/usage-limits.js';
import { historyReport } from '../usage/usage-history.js';
import { usageReport } from '../usage/usage-report.js';

/** What `/video usage` answers where no ledger table is configured. */
export const NO_LEDGER_TEXT =
  'Usage is not recorded here: this clipbay has no usage table (USAGE_TABLE is not set).';

/** What `/video history` answers where no ledger table is configured. */
export const NO_HISTORY_TEXT =
  'History is not recorded here: this clipbay has no usage table (USAGE_TABLE is not set).';

/**
 * The intake's usage side, for every way commands come in (the two ingress Lambdas, Socket Mode):
 * video starts go through the limits and the ledger, and `/video usage` reads the ledger. Without a
 * ledger only ALLOWED_CHANNELS applies (the other limits need the counters), and usage says it is
 * not recorded.
 */
export function meteredIntake(
  ledger: UsageLedger | undefined,
  limits: UsageLimits,
  start: AcceptDeps['startVideo'],
  words: PlatformWords,
  shareBaseUrl?: string,
): Pick<AcceptDeps, 'startVideo' | 'usage' | 'history'> {
  if (!ledger)
    return {
      startVideo: async (input) => {
        checkChannel(limits, scopeOf(input));
        return start(input);
      },
      usage: () => Promise.resolve(NO_LEDGER_TEXT),
      history: () => Promise.resolve(NO_HISTORY_TEXT),
    };
  return {
    startVideo: (input) => startWithinLimits({ ledger, limits, start, words }, input),
    usage: (context) => usageReport({ ledger, limits, words }, scopeOf(context)),
    history: (context, all) => historyReport({ ledger, limits, shareBaseUrl }, scopeOf(context), all),
  };
}
