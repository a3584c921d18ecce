import type { PlatformWords } from '../chat/chat-platform.js';
import { BusyError, ClipbayError, LimitReachedError } from '../errors.js';
import type { WorkflowInput } from '../chat/accepted-command.js';
import {
  counterAt,
  counterKeys,
  scopeOf,
  slotToken,
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
  /** The registered platforms' words ("workspace", "server"). */
  words: PlatformWords;
  now?: () => number;
}

/**
 * The ingress side of usage: before StartExecution, open the execution's ledger row and reserve
 * what the command will use, so that simultaneous commands can never start more than a limit
 * allows. ALLOWED_CHANNELS is checked first (no call); then, in one round trip:
 *
 * - the ledger row, put unless it exists: a redelivered command finds the row of its first
 *   delivery, gives back what it reserved here and starts nothing (the first delivery starts the
 *   run, or refuses it);
 * - one conditional write on the user's day: the video counted and a concurrent slot held (until
 *   the workflow settles the run), unless the day already has LIMIT_VIDEOS_PER_USER_PER_DAY videos
 *   or LIMIT_CONCURRENT_PER_USER runs are in progress;
 * - with LIMIT_QUOTA_PER_MONTH, a read of the workspace's month: the quota cap is a check, not a
 *   reservation, since a task's price is known only once TokenBay settles it.
 *
 * The other counters (channel, workspace, the user's month) are SettleUsage's, when the run ends.
 * A refusal, or a start that fails, undoes what was taken and starts nothing.
 */
export async function startWithinLimits(
  deps: LimitedStartDeps,
  input: WorkflowInput,
): Promise<'started' | 'duplicate'> {
  const { ledger, limits } = deps;
  const scope = scopeOf(input);
  checkChannel(limits, scope);

  const now = (deps.now ?? Date.now)();
  const periods = periodsAt(input.requestedAt);
  const keys = counterKeys(scope, periods);
  const token = slotToken(input);
  const quota = limits.quotaPerMonth;
  const { videosPerUserPerDay: perDay, concurrentPerUser: concurrent } = limits;
  const [openedCall, reservedCall, spentCall] = await Promise.allSettled([
    ledger.openRun({
      executionId: input.id,
      scope,
      requesterName: input.requestedBy.name,
      model: input.request.model,
      durationSeconds: input.request.duration,
      requestedAt: input.requestedAt,
      outcome: 'running',
      prompt: input.request.prompt,
    }),
    ledger.reserve(keys.userDay, token, ledger.counterExpiry(keys.userDay, periods.dayEndsAt), {
      maxVideos: perDay,
      maxRunning: concurrent,
    }),
    quota === undefined
      ? undefined
      : ledger.read([keys.teamMonth]).then((c) => counterAt(c, keys.teamMonth).quota),
  ]);
  const undo: (() => Promise<unknown>)[] = [];
  if (openedCall.status === 'fulfilled' && openedCall.value) undo.push(() => ledger.dropRun(input.id));
  if (reservedCall.status === 'fulfilled' && reservedCall.value)
    undo.push(() => ledger.unreserve(keys.userDay, token));
  const failed = [openedCall, reservedCall, spentCall].find((call) => call.status === 'rejected');
  if (failed) {
    await undoAll(undo);
    throw ledgerFailure(failed.reason);
  }
  const opened = openedCall.status === 'fulfilled' && openedCall.value;
  const reserved = reservedCall.status === 'fulfilled' && reservedCall.value;
  const spent = spentCall.status === 'fulfilled' ? spentCall.value : undefined;
  if (!opened) {
    // Delivered again while (or after) the first delivery reserved and started the run.
    await undoAll(undo);
    return 'duplicate';
  }
  try {
    if (quota !== undefined && spent !== undefined && spent >= quota)
      throw quotaRefusal(spent, quota, periods, deps.words(scope.platform).workspaceNoun);
    if (!reserved) throw await limitRefusal(ledger, keys.userDay, limits, periods, now);

    const outcome = await deps.start(input);
    // An execution of this name exists already, with its own reservation: hold nothing twice.
    if (outcome === 'duplicate') await undoAll(undo);
    return outcome;
  } catch (error) {
    await undoAll(undo);
    throw error;
  }
}

/** ALLOWED_CHANNELS: refused privately anywhere else (the ledger is not needed for this one). */
export function checkChannel(limits: UsageLimits, scope: Pick<UsageScope, 'channel'>): void {
  if (limits.allowedChannels && !limits.allowedChannels.includes(scope.channel))
    throw new LimitReachedError(
      `Videos cannot be made in this channel. Ask a clipbay admin to add it to ${LIMIT_SETTING.allowedChannels}, or use a channel where clipbay is allowed.`,
    );
}

/** Which of the user's limits refused the reservation: read back, only when one did. */
async function limitRefusal(
  ledger: UsageLedger,
  userDay: ItemKey,
  limits: UsageLimits,
  periods: UsagePeriods,
  now: number,
): Promise<LimitReachedError> {
  const day = counterAt(await ledgerCall(() => ledger.read([userDay])), userDay);
  const { videosPerUserPerDay: perDay, concurrentPerUser: concurrent } = limits;
  // Read after the refusal: another command's undo may have moved the count since, so the day is
  // named whenever only the day is limited.
  if (perDay !== undefined && (day.videos >= perDay || concurrent === undefined))
    return new LimitReachedError(
      `You have started ${perDay} video${perDay === 1 ? '' : 's'} today, the most allowed per day (${LIMIT_SETTING.videosPerUserPerDay}). It resets at 00:00 UTC, ${timeUntil(periods.dayEndsAt, now)}.`,
    );
  return new LimitReachedError(
    `You already have ${concurrent} video${concurrent === 1 ? '' : 's'} in progress, the most allowed at once (${LIMIT_SETTING.concurrentPerUser}). Try again when one of them is posted.`,
  );
}

function quotaRefusal(spent: number, limit: number, periods: UsagePeriods, where: string): LimitReachedError {
  return new LimitReachedError(
    `This ${where} has used its TokenBay quota for ${monthName(periods.month)}: ${spent.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} (${LIMIT_SETTING.quotaPerMonth}). It resets on ${resetMoment(periods.monthEndsAt)}.`,
  );
}

/** Gives back what a refused or failed command took; best effort, newest first. */
async function undoAll(undo: (() => Promise<unknown>)[]): Promise<void> {
  for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
}

/** A ledger that cannot be reached refuses politely, like a throttled start: nothing was started. */
function ledgerFailure(error: unknown): Error {
  return error instanceof ClipbayError ? error : new BusyError({ cause: error });
}

async function ledgerCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw ledgerFailure(error);
  }
}
