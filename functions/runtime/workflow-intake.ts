import { SFNClient } from '@aws-sdk/client-sfn';
import { ConfigError } from '../core/errors.js';
import { requestFinder, type RerunDeps } from '../core/ingress/rerun-video.js';
import { startVideo } from '../core/ingress/start-video.js';
import { meteredIntake } from '../core/usage/metered-intake.js';
import type { LambdaConfig } from './lambda-config.js';
import { usageLedger } from './usage-ledger.js';

let sfn: SFNClient | undefined;

/**
 * What both ingress Lambdas need to start (and re-run) videos: the state machine, via the SDK,
 * behind the usage limits and ledger (USAGE_TABLE).
 */
export function workflowIntake(config: LambdaConfig): RerunDeps {
  if (!config.stateMachineArn) throw new ConfigError('STATE_MACHINE_ARN', 'is not set');
  // No SDK retries: a throttled start is retried by startVideo within the ack budget.
  const client = (sfn ??= new SFNClient({ maxAttempts: 1 }));
  const stateMachineArn = config.stateMachineArn;
  return {
    defaultModel: config.defaultModel,
    now: Date.now,
    ...meteredIntake(usageLedger(config), config.usage.limits, (input) =>
      startVideo({ sfn: client, stateMachineArn }, input),
    ),
    findRequest: requestFinder(client, stateMachineArn),
  };
}
