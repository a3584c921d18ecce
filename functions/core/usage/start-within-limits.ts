import { BusyError, ClipbayError, LimitReachedError } from '../errors.js';
import type { WorkflowInput } from '../workflow/execution-state.js';
import {
  counterAt,
  counterKeys,
  scopeOf,
  type CounterCondition,
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
 * 1. ALLOWED_CHANNELS: the channel must be listed (no write).
 * 2. the ledger row, unless it exists (a redelivered command was counted by its first delivery);
 * 3. a concurrent slot (LIMIT_CONCURRENT_PER_USER), held until the workflow settles the run;
 * 4. today's count (LIMIT_VIDEOS_PER_USER_PER_DAY);
 * 5. the workspace's month, while its quota is under LIMIT_QUOTA_PER_MONTH;
 * 6. the other counters, unconditionally.
 *
 * A refusal, or a start that fails, undoes what was taken and starts nothing. DynamoDB has
 * TransactWriteItems for this, but the local DynamoDB server lacks it; ordered conditional writes
 * with undo give the same guarantee per limit and run the same way in both places.
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
  const expiry = (k: ItemKey) =>
    ledger.counterExpiry(k, k.sk.startsWith('day#') ? periods.dayEndsAt : periods.monthEndsAt);
  const count = async (k: ItemKey, condition?: CounterCondition) => {
    const added = await ledgerCall(() => ledger.addToCounter(k, { videos: 1 }, expiry(k), condition));
    if (added) undo.push(() => ledger.addToCounter(k, { videos: -1 }, expiry(k)));
    return added;
  };
  const takeSlot = async () => {
    const taken = await ledgerCall(() => ledger.takeSlot(scope, input.id, limits.concurrentPerUser));
    if (taken) undo.push(() => ledger.releaseSlot(scope, input.id));
    return taken;
  };
  try {
    // Limited: one conditional write after another, so a refusal stops before the next limit.
    const concurrent = limits.concurrentPerUser;
    if (concurrent !== undefined && !(await takeSlot()))
      throw new LimitReachedError(
        `You already have ${concurrent} video${concurrent === 1 ? '' : 's'} in progress, the most allowed at once (${LIMIT_SETTING.concurrentPerUser}). Try again when one of them is posted.`,
      );

    const day = limits.videosPerUserPerDay;
    if (day !== undefined && !(await count(keys.userDay, { attribute: 'videos', below: day })))
      throw new LimitReachedError(
        `You have started ${day} video${day === 1 ? '' : 's'} today, the most allowed per day (${LIMIT_SETTING.videosPerUserPerDay}). It resets at 00:00 UTC, ${timeUntil(periods.dayEndsAt, now)}.`,
      );
    const quota = limits.quotaPerMonth;
    if (quota !== undefined && !(await count(keys.teamMonth, { attribute: 'quota', below: quota })))
      throw await quotaRefusal(ledger, keys.teamMonth, quota, periods, scope);

    const conditioned = new Set<ItemKey>([
      ...(day === undefined ? [] : [keys.userDay]),
      ...(quota === undefined ? [] : [keys.teamMonth]),
    ]);
    // Unlimited: all at once (the ack has 3 s, cold start included).
    const counted = await Promise.allSettled([
      ...(concurrent === undefined ? [takeSlot()] : []),
      ...Object.values(keys)
        .filter((k) => !conditioned.has(k))
        .map((k) => count(k)),
    ]);
    const failed = counted.find((c) => c.status === 'rejected');
    if (failed) throw failed.reason;

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
