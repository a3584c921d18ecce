import { sendAfterRateLimit, type Sleep } from '../notify/after-rate-limit.js';
import type { Notifier } from '../notify/notifier.js';
import { failureInputSchema } from './execution-state.js';
import { describeFailure } from './failure-reason.js';

export interface ReportFailureDeps {
  notifier: Notifier;
  sleep?: Sleep;
}

/** ReportFailure: every failure path ends here, in a message to the channel, never in silence. */
export async function reportFailureStep(
  deps: ReportFailureDeps,
  event: unknown,
): Promise<{ reported: true; kind: string; reason: string }> {
  const input = failureInputSchema.parse(event);
  const { kind, reason } = describeFailure(input);
  await sendAfterRateLimit(
    () =>
      deps.notifier.failed(
        input.replyTo,
        { request: input.request, requestedBy: input.requestedBy, kind, reason, reference: input.id },
        input.status?.messageId,
      ),
    deps.sleep,
  );
  return { reported: true, kind, reason };
}
