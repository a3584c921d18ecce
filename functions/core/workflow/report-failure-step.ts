import type { Notifier } from '../notify/notifier.js';
import { failureInputSchema } from './execution-state.js';
import { describeFailure } from './failure-reason.js';

export interface ReportFailureDeps {
  notifier: Notifier;
}

/** ReportFailure: every failure path ends here, in a message to the channel, never in silence. */
export async function reportFailureStep(
  deps: ReportFailureDeps,
  event: unknown,
): Promise<{ reported: true; kind: string; reason: string }> {
  const input = failureInputSchema.parse(event);
  const { kind, reason } = describeFailure(input);
  await deps.notifier.failed(
    input.replyTo,
    { request: input.request, requestedBy: input.requestedBy, kind, reason, reference: input.id },
    input.status?.messageId,
  );
  return { reported: true, kind, reason };
}
