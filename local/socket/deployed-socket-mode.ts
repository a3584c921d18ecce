import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, type SFNClientConfig } from '@aws-sdk/client-sfn';
import { loadLocalConfig } from '../stack/local-config.js';
import { ConfigError } from '../../functions/core/errors.js';
import { platformWords } from '@clipbay/platforms';
import { composeIntake } from '../../functions/core/ingress/compose-intake.js';
import { UsageLedger } from '../../functions/core/usage/usage-ledger.js';
import { startSocketModeLink, type SocketModeLink, type SocketModeState } from './socket-mode-link.js';

type Env = Record<string, string | undefined>;

export interface DeployedSocketMode {
  stateMachineArn: string;
  region: string;
  readonly state: SocketModeState;
  close(): Promise<void>;
}

export interface DeployedSocketModeOptions {
  log: (line: string) => void;
  onStateChange?: (state: SocketModeState) => void;
  backoff?: { firstMs: number; maxMs: number };
}

/**
 * `STATE_MACHINE_ARN=… npm run slack:socket`: Socket Mode in front of a deployed stack. Commands
 * and buttons start executions on that state machine (StartExecution, and DescribeExecution for
 * Re-roll), with credentials from the usual AWS chain and the region from the ARN; the deployed
 * Lambdas answer in Slack with the bot token in the stack's Slack secret. Everything comes from
 * `env`, so a test can point it anywhere without touching process.env.
 */
export function startDeployedSocketMode(env: Env, options: DeployedSocketModeOptions): DeployedSocketMode {
  const config = loadLocalConfig(env);
  if (!config.chat.slack.appToken)
    throw new ConfigError(
      'SLACK_APP_TOKEN',
      'is required for Socket Mode (an xapp- token with connections:write)',
    );
  const { arn: stateMachineArn, region } = parseStateMachineArn(env.STATE_MACHINE_ARN);
  const sfn = new SFNClient(sdkClientConfig(env, region, 'SFN'));
  // The stack's UsageTableName output, when given: limits and the ledger apply here too.
  const { table, limits } = config.usage;
  const counted = [limits.videosPerUserPerDay, limits.concurrentPerUser, limits.quotaPerMonth];
  if (!table && counted.some((limit) => limit !== undefined))
    throw new ConfigError(
      'USAGE_TABLE',
      'is required with LIMIT_* (the stack output UsageTableName): the limits are counted in it',
    );
  const dynamoDb = table ? new DynamoDBClient(sdkClientConfig(env, region, 'DYNAMODB')) : undefined;
  const ledger = dynamoDb && table ? new UsageLedger(dynamoDb, table) : undefined;
  const link: SocketModeLink = startSocketModeLink({
    appToken: config.chat.slack.appToken,
    slackApiUrl: config.chat.slack.apiUrl,
    botToken: config.chat.slack.botToken,
    // SHARE_BASE_URL (the stack output ShareBaseUrl) gives `/video history` its links.
    deps: composeIntake(
      { ...config, shareBaseUrl: env.SHARE_BASE_URL },
      { sfn, stateMachineArn, ledger },
      platformWords,
    ),
    log: options.log,
    ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  return {
    stateMachineArn,
    region,
    get state() {
      return link.state;
    },
    close: async () => {
      await link.close();
      sfn.destroy();
      dynamoDb?.destroy();
    },
  };
}

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>` → the ARN and its region. */
export function parseStateMachineArn(value: string | undefined): { arn: string; region: string } {
  const arn = value?.trim() ?? '';
  const match = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_.-]{1,80}$/.exec(arn);
  if (!match)
    throw new ConfigError(
      'STATE_MACHINE_ARN',
      `must be a state machine ARN, arn:aws:states:<region>:<account>:stateMachine:<name> (got "${arn}")`,
    );
  return { arn, region: match[1]! };
}

/**
 * The SDK's own defaults, read from `env` instead of process.env: AWS_ENDPOINT_URL_<SERVICE> or
 * AWS_ENDPOINT_URL, and keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN when
 * set; otherwise the default credential chain (profile, SSO, instance role…).
 */
function sdkClientConfig(
  env: Env,
  region: string,
  service: 'SFN' | 'DYNAMODB',
): Pick<SFNClientConfig, 'region' | 'endpoint' | 'credentials'> {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`]?.trim() || env.AWS_ENDPOINT_URL?.trim();
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  const sessionToken = env.AWS_SESSION_TOKEN?.trim();
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
  };
}
