import { systemClock, type Clock } from '../clock.js';
import { ERROR } from '../errors.js';
import type { TokenBayClient } from '../tokenbay/client.js';
import { countClosedRun } from '../usage/count-closed-run.js';
import { counterKeys, scopeOf, slotToken, type UsageLedger } from '../usage/usage-ledger.js';
import { periodsAt } from '../usage/usage-period.js';
import { POLL_OUTCOME, settleInputSchema, type SettleInput } from './execution-state.js';

export interface SettleUsageDeps {
  /** Unset: no ledger in this deployment; the step only works out the outcome and quota. */
  ledger: UsageLedger | undefined;
  tokenBay: TokenBayClient;
  clock?: Clock;
  /** Told when the one extra query for the quota failed (the quota is then recorded as unknown). */
  onQuotaUnavailable?: (error: unknown) => void;
}

export type RunOutcome = 'succeeded' | 'failed' | 'timed-out' | 'error';

export interface SettledUsage {
  outcome: RunOutcome;
  /** What TokenBay charged; null when it never said (recorded as unknown, never guessed). */
  quota: number | null;
  /** False when an earlier attempt settled this run already (a retried step). */
  recorded: boolean;
}

/**
 * SettleUsage: the last step of every run, after the clip or the failure was posted, so delivery
 * never waits on it. It frees the user's concurrent slot, counts the run and its quota in the
 * counters the limits read, and closes the run's ledger row (outcome, times, TokenBay `quota`).
 * When CheckStatus saw no quota at SUCCESS/FAILURE, the state machine waited one poll interval
 * first and this step asks TokenBay once more. A run that never created a task gives back its
 * place in today's count.
 */
export async function settleUsageStep(deps: SettleUsageDeps, event: unknown): Promise<SettledUsage> {
  const input = settleInputSchema.parse(event);
  const clock = deps.clock ?? systemClock;
  const task = input.task && 'taskId' in input.task ? input.task : undefined;
  let quota = input.status?.quota;
  // TokenBay settles the quota of a task that ended (SUCCESS or FAILURE); one we stopped waiting
  // for has none to ask about.
  const ended = input.status?.outcome === POLL_OUTCOME.ready || input.status?.outcome === POLL_OUTCOME.failed;
  if (quota === undefined && task && ended) {
    try {
      const answer = await deps.tokenBay.get(task.taskId);
      quota = answer.quota !== undefined && answer.quota >= 0 ? answer.quota : undefined;
    } catch (error) {
      deps.onQuotaUnavailable?.(error);
    }
  }
  const outcome = outcomeOf(input);
  const settled = { outcome, quota: quota ?? null, recorded: false };
  const { ledger } = deps;
  if (!ledger) return settled;

  const scope = scopeOf(input);
  // Counted in the day and month the command was made, whenever it finished. The ingress counted
  // the user's day already (the limits need it at once); every other counter counts here.
  const periods = periodsAt(input.requestedAt);
  const keys = counterKeys(scope, periods);
  // Always, even when an earlier attempt settled the run: releasing is idempotent.
  await ledger.releaseSlot(keys.userDay, slotToken(input));
  // Close first, count after: the close is conditional, so of two settles of one run that overlap
  // (a retried step, a late delivery of the run's end) exactly one closes the row, and only that
  // one counts. A failure between the two (a dead container, DynamoDB throttling the counters)
  // leaves the run out of the counters, never out of the row or holding its slot: its quota goes
  // uncounted, or, for a run that created no task, the day's give-back is lost and the daily cap
  // binds one video early. (The local DynamoDB has no transactions to make the two one write.)
  const closed = await ledger.closeRun(input.id, {
    outcome,
    finishedAt: clock.now(),
    quota,
    taskId: task?.taskId,
    submittedAt: task?.submittedAt,
    // A clip exists once PostLink posted it (its share link is the clip id's).
    clipId: input.posted ? task?.clipId : undefined,
  });
  if (!closed) return settled;

  // No task was created: the day's count is given back, and nothing else counts.
  await countClosedRun(ledger, input, { created: task !== undefined, quota });
  return { ...settled, recorded: true };
}

function outcomeOf(input: SettleInput): RunOutcome {
  if (input.posted) return 'succeeded';
  if (input.status?.outcome === POLL_OUTCOME.failed) return 'failed';
  if (input.status?.outcome === POLL_OUTCOME.timedOut || input.error?.Error === ERROR.deadlineExceeded)
    return 'timed-out';
  return 'error';
}
