import { submitStep } from './core/workflow/submit-step.js';
import { tokenBayClient } from './runtime/clients.js';
import { workflowStep } from './runtime/workflow-step.js';

export const handler = workflowStep('Submit', (config, event) =>
  submitStep(
    { tokenBay: tokenBayClient(config), generationTimeoutSeconds: config.generationTimeoutSeconds },
    event,
  ),
);
