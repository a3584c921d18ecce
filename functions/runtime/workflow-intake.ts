import { SFNClient } from '@aws-sdk/client-sfn';
import { ConfigError } from '../core/errors.js';
import { platformWords } from '@clipbay/platforms';
import { composeIntake } from '../core/ingress/compose-intake.js';
import type { RerunDeps } from '../core/ingress/rerun-video.js';
import type { LambdaConfig } from './lambda-config.js';
import { usageLedger } from './lambda-ledger.js';
import { countCommandAccepted } from './metrics.js';

let sfn: SFNClient | undefined;

/**
 * What both ingress Lambdas need to start (and re-run) videos: the state machine, via the SDK,
 * behind the usage limits and ledger (USAGE_TABLE). Each run started counts as CommandsAccepted
 * (a redelivered command, which starts nothing, does not).
 */
export function workflowIntake(config: LambdaConfig): RerunDeps {
  if (!config.stateMachineArn) throw new ConfigError('STATE_MACHINE_ARN', 'is not set');
  // No SDK retries: a throttled start is retried by startVideo within the ack budget.
  const clients = {
    sfn: (sfn ??= new SFNClient({ maxAttempts: 1 })),
    stateMachineArn: config.stateMachineArn,
    ledger: usageLedger(config),
  };
  const intake = composeIntake(config, clients, platformWords);
  return {
    ...intake,
    startVideo: async (input) => {
      const outcome = await intake.startVideo(input);
      if (outcome === 'started') countCommandAccepted();
      return outcome;
    },
  };
}
