import { ConfigError } from './core/errors.js';
import { runEndedStep } from './core/workflow/run-ended-step.js';
import { chatNotifier } from './runtime/lambda-notifier.js';
import { usageLedger } from './runtime/lambda-ledger.js';
import { workflowStep } from './runtime/workflow-step.js';

/** EventBridge target for every end of an execution: settles (and tells) what the workflow could not. */
export const handler = workflowStep('RunEnded', (config, event) => {
  const ledger = usageLedger(config);
  if (!ledger) throw new ConfigError('USAGE_TABLE', 'is not set: RunEnded settles runs in the usage ledger');
  return runEndedStep({ ledger, notifier: chatNotifier(config) }, event);
});
