import { settleUsageStep } from './core/workflow/settle-usage-step.js';
import { tokenBayClient } from './runtime/clients.js';
import { logger } from './runtime/logger.js';
import { usageLedger } from './runtime/lambda-ledger.js';
import { publishRunSettled } from './runtime/metrics.js';
import { workflowStep } from './runtime/workflow-step.js';

/** The last step of every run; a run it settled (not a retried settle) is counted in the metrics. */
export const handler = workflowStep('SettleUsage', async (config, event) => {
  const settled = await settleUsageStep(
    {
      ledger: usageLedger(config),
      tokenBay: tokenBayClient(config),
      onQuotaUnavailable: (error) =>
        logger.warn('quota not known; recorded as unknown', { errorMessage: (error as Error).message }),
    },
    event,
  );
  if (settled.recorded)
    publishRunSettled({ succeeded: settled.outcome === 'succeeded', quota: settled.quota });
  return settled;
});
