import { counterKeys, scopeOf, type ItemKey, type UsageLedger } from './usage-ledger.js';
import { periodsAt, type UsagePeriods } from './usage-period.js';
import type { WorkflowInput } from '../chat/accepted-command.js';

/** What is known of a closed run's TokenBay task. */
export interface ClosedRunTask {
  /**
   * Whether a task was created. `false` only when it is known that none was (Submit never
   * reached TokenBay); a run stopped or cancelled mid-way counts as made, since its task may still
   * be charged.
   */
  created: boolean;
  /** What TokenBay charged, when it said. */
  quota?: number | undefined;
}

/**
 * Counts a run once, by whoever closed its row (SettleUsage, RunEnded or Cancel: the close is
 * conditional, so exactly one of them does): in the day and month the command was made. The
 * ingress counted the user's day already, so that counter takes only the quota, or, for a run
 * that made no task, gives its place back; every other counter (the month, the channel's and the
 * workspace's) counts the video here. So `/video usage` and every limit agree however a run ended.
 */
export async function countClosedRun(
  ledger: UsageLedger,
  run: Pick<WorkflowInput, 'replyTo' | 'requestedBy' | 'requestedAt'>,
  task: ClosedRunTask,
): Promise<void> {
  const periods = periodsAt(run.requestedAt);
  const keys = counterKeys(scopeOf(run), periods);
  const quota = task.quota ?? 0;
  const deltas = Object.values(keys).map((k) => {
    const countedAtIngress = k === keys.userDay;
    if (!task.created) return [k, countedAtIngress ? { videos: -1 } : {}] as const;
    return [k, countedAtIngress ? { quota } : { videos: 1, quota }] as const;
  });
  await Promise.all(
    deltas
      .filter(([, delta]) => Object.values(delta).some((v) => v !== 0))
      .map(([k, delta]) => ledger.addToCounter(k, delta, counterExpiry(ledger, k, periods))),
  );
}

function counterExpiry(ledger: UsageLedger, k: ItemKey, periods: UsagePeriods): number {
  return ledger.counterExpiry(k, k.sk.startsWith('day#') ? periods.dayEndsAt : periods.monthEndsAt);
}
