import { settleUsageStep } from './core/workflow/settle-usage-step.js';
import { tokenBayClient } from './runtime/clients.js';
import { logger } from './runtime/logger.js';
import { usageLedger } from './runtime/lambda-ledger.js';
import { workflowStep } from './runtime/workflow-step.js';

export const handler = workflowStep('SettleUsage', (config, event) =>
  settleUsageStep(
    {
      ledger: usageLedger(config),
      tokenBay: tokenBayClient(config),
      onQuotaUnavailable: (error) =>
        logger.warn('quota not known; recorded as unknown', { errorMessage: (error as Error).message }),
    },
    event,
  ),
);
