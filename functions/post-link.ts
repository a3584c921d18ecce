import { postLinkStep } from './core/workflow/post-link-step.js';
import { chatNotifier } from './runtime/lambda-notifier.js';
import { s3Client } from './runtime/clients.js';
import { usageLedger } from './runtime/lambda-ledger.js';
import { workflowStep } from './runtime/workflow-step.js';

export const handler = workflowStep('PostLink', (config, event) =>
  postLinkStep(
    {
      s3: s3Client(config),
      bucket: config.videoBucket,
      notifier: chatNotifier(config),
      linkExpirySeconds: config.linkExpirySeconds,
      shareBaseUrl: config.shareBaseUrl,
      inline: config.inline,
      ledger: usageLedger(config),
    },
    event,
  ),
);
