import { copyChatImages } from './core/transfer/chat-image-copy.js';
import { submitStep } from './core/workflow/submit-step.js';
import { chatFileAccess } from './runtime/chat-file-access.js';
import { s3Client, tokenBayClient } from './runtime/clients.js';
import { workflowStep } from './runtime/workflow-step.js';

export const handler = workflowStep('Submit', (config, event) =>
  submitStep(
    {
      tokenBay: tokenBayClient(config),
      generationTimeoutSeconds: config.generationTimeoutSeconds,
      // An image shared in chat goes to TokenBay as a copy in the bucket, never by its chat URL.
      requestForTokenBay: async (input) => {
        const access = chatFileAccess(config, input.replyTo.platform);
        return access
          ? copyChatImages(input.request, input.id, access, {
              s3: s3Client(config),
              bucket: config.videoBucket,
            })
          : input.request;
      },
    },
    event,
  ),
);
