import { checkStatusStep } from './core/workflow/check-status-step.js';
import { chatNotifier } from './runtime/lambda-notifier.js';
import { tokenBayClient } from './runtime/clients.js';
import { logger } from './runtime/logger.js';
import { workflowStep } from './runtime/workflow-step.js';

export const handler = workflowStep('CheckStatus', (config, event) =>
  checkStatusStep(
    {
      tokenBay: tokenBayClient(config),
      notifier: chatNotifier(config),
      generationTimeoutSeconds: config.generationTimeoutSeconds,
      editTimeoutSeconds: config.editTimeoutSeconds,
      onNotifyError: (error) =>
        logger.warn('progress update not shown', { errorMessage: (error as Error).message }),
    },
    event,
  ),
);
