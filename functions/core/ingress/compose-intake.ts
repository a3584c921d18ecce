import type { SFNClient } from '@aws-sdk/client-sfn';
import type { PlatformWords } from '../chat/chat-platform.js';
import { meteredIntake } from '../usage/metered-intake.js';
import type { UsageLedger } from '../usage/usage-ledger.js';
import type { UsageLimits } from '../usage/usage-limits.js';
import { requestFinder, type RerunDeps } from './rerun-video.js';
import { startVideo } from './start-video.js';

export interface IntakeParts {
  /** Made with `maxAttempts: 1`: a throttled start is retried by startVideo within the ack budget. */
  sfn: SFNClient;
  stateMachineArn: string;
  /** The usage ledger (USAGE_TABLE); undefined: no ledger, only ALLOWED_CHANNELS applies. */
  ledger: UsageLedger | undefined;
  limits: UsageLimits;
  defaultModel: string;
  /** The registered platforms' words, for the usage messages. */
  words: PlatformWords;
  now?: () => number;
}

/**
 * The intake every way commands come in shares (the ingress Lambdas, the local stack's operator,
 * Socket Mode): starts go through the limits and the ledger to StartExecution, re-runs read the
 * original request back from its execution. Composed here once; callers bring the clients.
 */
export function composeIntake(parts: IntakeParts): RerunDeps {
  const { sfn, stateMachineArn } = parts;
  return {
    defaultModel: parts.defaultModel,
    now: parts.now ?? Date.now,
    ...meteredIntake(
      parts.ledger,
      parts.limits,
      (input) => startVideo({ sfn, stateMachineArn }, input),
      parts.words,
    ),
    findRequest: requestFinder(sfn, stateMachineArn),
  };
}
