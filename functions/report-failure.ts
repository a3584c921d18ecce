import { reportFailureStep } from './core/workflow/report-failure-step.js';
import { chatNotifier } from './runtime/lambda-notifier.js';
import { workflowStep } from './runtime/workflow-step.js';

export const handler = workflowStep('ReportFailure', (config, event) =>
  reportFailureStep({ notifier: chatNotifier(config) }, event),
);
