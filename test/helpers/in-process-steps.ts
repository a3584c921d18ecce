import type { S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '../../functions/core/clock.js';
import type { Notifier } from '../../functions/core/notify/notifier.js';
import type { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { checkStatusStep } from '../../functions/core/workflow/check-status-step.js';
import { postLinkStep } from '../../functions/core/workflow/post-link-step.js';
import { reportFailureStep } from '../../functions/core/workflow/report-failure-step.js';
import { saveToS3Step } from '../../functions/core/workflow/save-to-s3-step.js';
import { settleUsageStep } from '../../functions/core/workflow/settle-usage-step.js';
import { submitStep } from '../../functions/core/workflow/submit-step.js';
import { STATE } from '../../infra/video-workflow.js';
import type { StepHandler } from '../../local/workflow/local-workflow.js';

export interface LocalStepDeps {
  tokenBay: TokenBayClient;
  s3: S3Client;
  notifier: Notifier;
  bucket: string;
  generationTimeoutSeconds: number;
  editTimeoutSeconds: number;
  linkExpirySeconds: number;
  shareBaseUrl: string;
  clock: Clock;
  partSizeBytes?: number;
  log?: (message: string) => void;
}

/**
 * Binds each Task state to the same step core its Lambda handler (functions/*.ts) calls, with
 * local clients instead of the ones a Lambda makes at cold start.
 */
export function localStepHandlers(deps: LocalStepDeps): Record<string, StepHandler> {
  const { tokenBay, s3, notifier, bucket, clock } = deps;
  return {
    [STATE.submit]: (event) =>
      submitStep({ tokenBay, clock, generationTimeoutSeconds: deps.generationTimeoutSeconds }, event),
    [STATE.checkStatus]: (event) =>
      checkStatusStep(
        {
          tokenBay,
          notifier,
          clock,
          generationTimeoutSeconds: deps.generationTimeoutSeconds,
          editTimeoutSeconds: deps.editTimeoutSeconds,
          onNotifyError: (error) => deps.log?.(`progress update not shown: ${(error as Error).message}`),
        },
        event,
      ),
    [STATE.saveToS3]: (event) =>
      saveToS3Step(
        {
          tokenBay,
          s3,
          bucket,
          partSizeBytes: deps.partSizeBytes,
          onResume: (offset) => deps.log?.(`download resumed at ${offset}`),
        },
        event,
      ),
    [STATE.postLink]: (event) =>
      postLinkStep(
        {
          s3,
          bucket,
          notifier,
          clock,
          linkExpirySeconds: deps.linkExpirySeconds,
          shareBaseUrl: deps.shareBaseUrl,
          inline: 'auto',
        },
        event,
      ),
    [STATE.reportFailure]: (event) => reportFailureStep({ notifier }, event),
    // No ledger in-process: the usage tests run through the emulated account's DynamoDB.
    [STATE.settleUsage]: (event) => settleUsageStep({ ledger: undefined, tokenBay, clock }, event),
    [STATE.settleFailedUsage]: (event) => settleUsageStep({ ledger: undefined, tokenBay, clock }, event),
  };
}
