import * as z from 'zod';
import { systemClock, type Clock } from '../clock.js';
import { sendAfterRateLimit, type Sleep } from '../notify/after-rate-limit.js';
import { FAILURE_KIND, type FailureKind, type Notifier } from '../notify/notifier.js';
import { countClosedRun } from '../usage/count-closed-run.js';
import { counterKeys, scopeOf, slotToken, type UsageLedger } from '../usage/usage-ledger.js';
import { periodsAt } from '../usage/usage-period.js';
import { workflowInputSchema } from '../chat/accepted-command.js';

/** The Fail states of infra/video-workflow.ts: the channel was told why, or telling it failed. */
export const FAILED_END = { told: 'VideoFailed', untold: 'VideoFailedUntold' } as const;

/**
 * What EventBridge delivers when an execution of the state machine ends ("Step Functions Execution
 * Status Change"). `input` is the execution's input as a JSON string, or null when it was too large
 * to include; `error` and `cause` are null unless the execution failed.
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 */
export const runEndedEventSchema = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  source: z.literal('aws.states'),
  detail: z.object({
    executionArn: z.string(),
    name: z.string(),
    status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
    input: z.string().nullable(),
    error: z.string().nullable().optional(),
    cause: z.string().nullable().optional(),
  }),
});
export type RunEndedEvent = z.infer<typeof runEndedEventSchema>;

export interface RunEndedDeps {
  ledger: UsageLedger;
  notifier: Notifier;
  clock?: Clock;
  sleep?: Sleep;
}

export interface RunEndedResult {
  status: RunEndedEvent['detail']['status'];
  /** True when this call closed the run: the workflow had not settled it. */
  settled: boolean;
  /** True when this call told the channel: nothing in the workflow had. */
  told: boolean;
}

/** How a run that the workflow did not settle is recorded, by how its execution ended. */
const OUTCOME = {
  SUCCEEDED: 'succeeded',
  FAILED: 'error',
  TIMED_OUT: 'timed-out',
  ABORTED: 'stopped',
} as const;

/** What the person who asked reads when the run ended outside the workflow's own failure path. */
const TOLD: Record<'FAILED' | 'UNTOLD' | 'TIMED_OUT' | 'ABORTED', { kind: FailureKind; reason: string }> = {
  UNTOLD: {
    kind: FAILURE_KIND.internal,
    reason:
      'The video could not be made, and chat could not be reached to say so at the time. An admin can look it up with the reference below.',
  },
  FAILED: {
    kind: FAILURE_KIND.internal,
    reason: 'Something went wrong inside clipbay. An admin can look it up with the reference below.',
  },
  TIMED_OUT: {
    kind: FAILURE_KIND.timedOut,
    reason: 'The run took longer than clipbay allows any run and was stopped.',
  },
  ABORTED: { kind: FAILURE_KIND.internal, reason: 'The run was stopped before the video was delivered.' },
};

/**
 * RunEnded: the backstop that settles every run, however its execution ended. The state machine
 * settles its own runs (SettleUsage, SettleFailedRunUsage); this step, delivered by EventBridge
 * for every end of an execution, settles what it could not: a run stopped by the execution's
 * timeout or by hand, one that failed with an error no Catch catches (`States.Runtime`), and one
 * whose own settle failed for good.
 *
 * It frees the slot (idempotent), then closes the row if nothing closed it (conditional: of two
 * deliveries of one event, one closes). The channel is told only when the workflow did not (it
 * ended anywhere but in `VideoFailed` or success), by the call that closed the row, or by a later
 * delivery of the same event if that call's message did not go out (`tellPending` on the row). A run that ended
 * in `VideoFailedUntold` (ReportFailure itself failed) is told here, minutes later, whoever closed it:
 * the message replaces the run's own message in place (the command's answer, or one a step recorded).
 * The run that closes the row here is counted here too, as a video made (whether a task was
 * created is not known here, and a stopped task may still be charged): the day's count is kept,
 * and the month's, the channel's and the workspace's count it, so `/video usage` and the limits
 * agree however the run ended. Its quota stays unknown.
 */
export async function runEndedStep(deps: RunEndedDeps, event: unknown): Promise<RunEndedResult> {
  const { detail } = runEndedEventSchema.parse(event);
  const { status } = detail;
  if (detail.input === null) return { status, settled: false, told: false };
  const input = workflowInputSchema.safeParse(JSON.parse(detail.input));
  // Not one of clipbay's runs (started by hand with other input): nothing of it is in the ledger.
  if (!input.success) return { status, settled: false, told: false };
  const run = input.data;
  const clock = deps.clock ?? systemClock;

  const { userDay } = counterKeys(scopeOf(run), periodsAt(run.requestedAt));
  await deps.ledger.releaseSlot(userDay, slotToken(run));
  const untold = status === 'FAILED' && detail.error === FAILED_END.untold;
  // What the workflow did not tell: the run ended anywhere but in success or VideoFailed.
  const owed = untold || (status !== 'SUCCEEDED' && detail.error !== FAILED_END.told);
  const closed = await deps.ledger.closeRun(run.id, {
    outcome: OUTCOME[status],
    finishedAt: clock.now(),
    quota: undefined,
    // Kept on the row until the message went out, so a delivery retried after a failed send
    // (chat down) still sends it.
    tellPending: owed,
  });
  const settled = closed !== undefined;
  if (settled) await countClosedRun(deps.ledger, run, { created: true });
  // The workflow closed the row: it told the channel, unless ReportFailure itself failed (untold).
  // RunEnded closed it earlier: tell if that delivery did not get the message out.
  if (!settled && !untold && !(await deps.ledger.getRun(run.id))?.tellPending)
    return { status, settled, told: false };
  if (!owed) return { status, settled, told: false };

  const { kind, reason } = TOLD[untold ? 'UNTOLD' : status];
  await sendAfterRateLimit(
    () =>
      deps.notifier.failed(run.replyTo, {
        request: run.request,
        requestedBy: run.requestedBy,
        kind,
        reason,
        reference: run.id,
      }),
    deps.sleep,
  );
  if (settled || !untold) await deps.ledger.clearTellPending(run.id);
  return { status, settled, told: true };
}
