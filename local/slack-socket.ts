/**
 * `npm run slack:socket`: a real Slack workspace over Socket Mode, no public URL needed. Requires
 * SLACK_APP_TOKEN (xapp-, connections:write). See docs/RUNNING-LOCALLY.md, "Socket Mode: Slack without a public URL".
 *
 * - With STATE_MACHINE_ARN: in front of a deployed stack. Commands start executions on that state
 *   machine (AWS credentials from the usual chain, region from the ARN); the deployed Lambdas answer
 *   with the bot token in the stack's Slack secret.
 * - Without: all of clipbay on this machine (`npm start`) with Socket Mode required; set
 *   SLACK_BOT_TOKEN too so progress is one message updated in place.
 */
import { ClipbayError } from '../functions/core/errors.js';
import { runLocalStack } from './run-local-stack.js';
import { startDeployedSocketMode } from './socket/deployed-socket-mode.js';

if (process.env.STATE_MACHINE_ARN?.trim()) runDeployed();
else runLocalStack({ requireSlackSocket: true });

function runDeployed(): void {
  const log = (line: string) => console.log(`[clipbay] ${line}`);
  let socket: ReturnType<typeof startDeployedSocketMode>;
  try {
    socket = startDeployedSocketMode(process.env, {
      log,
      // A refused app token is final: nothing else runs here, so say so and exit.
      onStateChange: (state) => {
        if (state === 'failed') void socket.close().then(() => process.exit(1));
      },
    });
  } catch (error) {
    console.error(error instanceof ClipbayError ? error.message : error);
    process.exit(1);
  }
  console.log(
    [
      '',
      '  clipbay Socket Mode, in front of a deployed stack',
      '',
      `  State machine       ${socket.stateMachineArn}`,
      `  Region              ${socket.region} (from the ARN)`,
      '  Slack               Socket Mode: connecting… (the log says when it is connected)',
      '  Replies             from the deployed Lambdas, with the bot token in the stack’s Slack secret',
      '',
      '  Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Socket Mode…`);
    socket.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
