import { ConfigError } from './core/errors.js';
import { runEndedStep } from './core/workflow/run-ended-step.js';
import { chatNotifier } from './runtime/lambda-notifier.js';
import { usageLedger } from './runtime/lambda-ledger.js';
import { publishRunSettled } from './runtime/metrics.js';
import { workflowStep } from './runtime/workflow-step.js';

/**
 * EventBridge target for every end of an execution: settles (and tells) what the workflow could
 * not. A run it settled is counted in the metrics (its quota is not known here).
 */
export const handler = workflowStep('RunEnded', async (config, event) => {
  const ledger = usageLedger(config);
  if (!ledger) throw new ConfigError('USAGE_TABLE', 'is not set: RunEnded settles runs in the usage ledger');
  const ended = await runEndedStep({ ledger, notifier: chatNotifier(config) }, event);
  if (ended.settled) publishRunSettled({ succeeded: ended.status === 'SUCCEEDED', quota: null });
  return ended;
});
