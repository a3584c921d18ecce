import { BusyError, ClipbayError, LimitReachedError } from '../errors.js';
import type { WorkflowInput } from '../workflow/execution-state.js';
import {
  counterAt,
  counterKeys,
  scopeOf,
  type ItemKey,
  type UsageLedger,
  type UsageScope,
} from './usage-ledger.js';
import { LIMIT_SETTING, type UsageLimits } from './usage-limits.js';
import { monthName, periodsAt, resetMoment, timeUntil, type UsagePeriods } from './usage-period.js';

export interface LimitedStartDeps {
  ledger: UsageLedger;
  limits: UsageLimits;
  /** Starts the workflow (startVideo): called only once the reservation holds. */
  start: (input: WorkflowInput) => Promise<'started' | 'duplicate'>;
  now?: () => number;
}

/**
 * The ingress side of usage: before StartExecution, open the execution's ledger row and reserve
 * what the command will use, each with one conditional write, so that simultaneous commands can
 * never start more than a limit allows:
 *
 * 1. ALLOWED_CHANNELS: the channel must be listed (no write);
 * 2. the ledger row, unless it exists (a redelivered command was counted by its first delivery);
 * 3. a concurrent slot, held until the workflow settles the run (LIMIT_CONCURRENT_PER_USER);
 * 4. today's count for the user (LIMIT_VIDEOS_PER_USER_PER_DAY);
 * 5. a check that the workspace's month is still under LIMIT_QUOTA_PER_MONTH.
 *
 * Without limits, 3 and 4 are two unconditional writes sent together: an ack costs three writes
 * in two round trips. The other counters (channel, workspace, the user's month) are SettleUsage's,
 * when the run ends. A refusal, or a start that fails, undoes what was taken and starts nothing.
 * DynamoDB has TransactWriteItems for this, but the local DynamoDB server lacks it; ordered
 * conditional writes with undo give the same guarantee per limit and run the same way in both.
 */
export async function startWithinLimits(
  deps: LimitedStartDeps,
  input: WorkflowInput,
): Promise<'started' | 'duplicate'> {
  const { ledger, limits } = deps;
  const scope = scopeOf(input);
  if (limits.allowedChannels && !limits.allowedChannels.includes(scope.channel))
    throw new LimitReachedError(
      `Videos cannot be made in this channel. Ask a clipbay admin to add it to ${LIMIT_SETTING.allowedChannels}, or use a channel where clipbay is allowed.`,
    );

  const opened = await ledgerCall(() =>
    ledger.openRun({
      executionId: input.id,
      scope,
      requesterName: input.requestedBy.name,
      model: input.request.model,
      durationSeconds: input.request.duration,
      requestedAt: input.requestedAt,
      outcome: 'running',
    }),
  );
  if (!opened) return deps.start(input);

  const undo: (() => Promise<unknown>)[] = [() => ledger.dropRun(input.id)];
  const now = (deps.now ?? Date.now)();
  const periods = periodsAt(input.requestedAt);
  const keys = counterKeys(scope, periods);
  const dayExpiry = ledger.counterExpiry(keys.userDay, periods.dayEndsAt);
  const takeSlot = async () => {
    const taken = await ledgerCall(() => ledger.takeSlot(scope, input.id, limits.concurrentPerUser));
    if (taken) undo.push(() => ledger.releaseSlot(scope, input.id));
    return taken;
  };
  const countToday = async () => {
    const limit = limits.videosPerUserPerDay;
    const condition = limit === undefined ? undefined : { attribute: 'videos' as const, below: limit };
    const added = await ledgerCall(() =>
      ledger.addToCounter(keys.userDay, { videos: 1 }, dayExpiry, condition),
    );
    if (added) undo.push(() => ledger.addToCounter(keys.userDay, { videos: -1 }, dayExpiry));
    return added;
  };
  try {
    const { concurrentPerUser: concurrent, videosPerUserPerDay: day, quotaPerMonth: quota } = limits;
    if (concurrent === undefined && day === undefined) {
      const taken = await Promise.allSettled([takeSlot(), countToday()]);
      const failed = taken.find((t) => t.status === 'rejected');
      if (failed) throw failed.reason;
    } else {
      // One conditional write after another, so a refusal stops before the next limit.
      if (!(await takeSlot()))
        throw new LimitReachedError(
          `You already have ${concurrent} video${concurrent === 1 ? '' : 's'} in progress, the most allowed at once (${LIMIT_SETTING.concurrentPerUser}). Try again when one of them is posted.`,
        );
      if (!(await countToday()))
        throw new LimitReachedError(
          `You have started ${day} video${day === 1 ? '' : 's'} today, the most allowed per day (${LIMIT_SETTING.videosPerUserPerDay}). It resets at 00:00 UTC, ${timeUntil(periods.dayEndsAt, now)}.`,
        );
    }
    if (quota !== undefined) {
      const monthExpiry = ledger.counterExpiry(keys.teamMonth, periods.monthEndsAt);
      const condition = { attribute: 'quota' as const, below: quota };
      if (!(await ledgerCall(() => ledger.addToCounter(keys.teamMonth, {}, monthExpiry, condition))))
        throw await quotaRefusal(ledger, keys.teamMonth, quota, periods, scope);
    }

    const outcome = await deps.start(input);
    // An execution of this name exists already, with its own reservation: hold nothing twice.
    if (outcome === 'duplicate') await undoAll(undo);
    return outcome;
  } catch (error) {
    await undoAll(undo);
    throw error;
  }
}

async function quotaRefusal(
  ledger: UsageLedger,
  teamMonth: ItemKey,
  limit: number,
  periods: UsagePeriods,
  scope: UsageScope,
): Promise<LimitReachedError> {
  const used = counterAt(await ledgerCall(() => ledger.read([teamMonth])), teamMonth).quota;
  const where = scope.platform === 'slack' ? 'workspace' : 'server';
  return new LimitReachedError(
    `This ${where} has used its TokenBay quota for ${monthName(periods.month)}: ${used.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} (${LIMIT_SETTING.quotaPerMonth}). It resets on ${resetMoment(periods.monthEndsAt)}.`,
  );
}

/** Gives back what a refused or failed command took; best effort, newest first. */
async function undoAll(undo: (() => Promise<unknown>)[]): Promise<void> {
  for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
}

/** A ledger that cannot be reached refuses politely, like a throttled start: nothing was started. */
async function ledgerCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ClipbayError) throw error;
    throw new BusyError({ cause: error });
  }
}
