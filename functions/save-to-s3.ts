import { saveToS3Step } from './core/workflow/save-to-s3-step.js';
import { s3Client, tokenBayClient } from './runtime/clients.js';
import { logger } from './runtime/logger.js';
import { workflowStep } from './runtime/workflow-step.js';

export const handler = workflowStep('SaveToS3', (config, event) =>
  saveToS3Step(
    {
      tokenBay: tokenBayClient(config),
      s3: s3Client(config),
      bucket: config.videoBucket,
      onResume: (offset) => logger.info('download resumed', { offset }),
    },
    event,
  ),
);
