import type { SFNClient } from '@aws-sdk/client-sfn';
import type { PlatformWords } from '../chat/chat-platform.js';
import { meteredIntake } from './metered-intake.js';
import type { UsageLedger } from '../usage/usage-ledger.js';
import type { UsageLimits } from '../usage/usage-limits.js';
import { cancelVideo, runControl } from './cancel-video.js';
import { requestFinder, type RerunDeps } from './rerun-video.js';
import { startVideo } from './start-video.js';
import type { WorkflowInput } from '../chat/accepted-command.js';

/** The clients the intake talks to, which each caller makes its own way. */
export interface IntakeClients {
  /** Made with `maxAttempts: 1`: a throttled start is retried by startVideo within the ack budget. */
  sfn: SFNClient;
  stateMachineArn: string;
  /** The usage ledger (USAGE_TABLE); undefined: no ledger, only ALLOWED_CHANNELS applies. */
  ledger: UsageLedger | undefined;
}

/** What the intake reads of the configuration. */
export interface IntakeConfig {
  defaultModel: string;
  usage: { limits: UsageLimits };
  /** Where share links live (SHARE_BASE_URL), for `/video history`. */
  shareBaseUrl?: string | undefined;
}

/**
 * The intake every way commands come in shares (the ingress Lambdas, the local stack's operator,
 * Socket Mode): starts go through the limits and the ledger to StartExecution, re-runs read the
 * original request back from its execution. Composed here once; callers bring the clients.
 */
export function composeIntake(
  config: IntakeConfig,
  { sfn, stateMachineArn, ledger }: IntakeClients,
  /** The registered platforms' words, for the usage messages. */
  words: PlatformWords,
): RerunDeps {
  const start = (input: WorkflowInput) => startVideo({ sfn, stateMachineArn }, input);
  return {
    defaultModel: config.defaultModel,
    now: Date.now,
    ...meteredIntake(ledger, config.usage.limits, start, words, config.shareBaseUrl),
    findRequest: requestFinder(sfn, stateMachineArn),
    cancel: (executionId, pressedBy) =>
      cancelVideo(executionId, pressedBy, {
        ...runControl(sfn, stateMachineArn),
        ledger,
        admins: config.usage.limits.admins,
        now: Date.now,
      }),
  };
}
