import { readFile } from 'node:fs/promises';
import { OperatorError } from './operator-error.js';

/** What every AWS client of `connect` and `doctor` is built with. */
export interface AwsTarget {
  /** Given for the local account; in AWS the SDK's usual chain decides (AWS_PROFILE, AWS_REGION…). */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Where this is, for messages: "AWS (us-east-1)" or "the local account". */
  label: string;
  /** How to reach the same place with the AWS CLI, for the fixes doctor prints. */
  cli: string;
}

/** The profile `npm start` writes into its data directory (`.clipbay/aws-config`). */
export const LOCAL_PROFILE_FILE = 'aws-config';

/**
 * The local account `npm start` runs, from the profile it writes: its endpoint, region and the
 * operator key it issues on each start. A missing file means the stack is not running.
 */
export async function localAwsTarget(configFile: string): Promise<AwsTarget> {
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch {
    throw new OperatorError(
      `No local account profile at ${configFile}.`,
      'Start the local stack first: npm start (then run this again in another terminal).',
    );
  }
  const values = Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^\s*([a-z_]+)\s*=\s*(\S+)\s*$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1]!, match[2]!]),
  );
  const { endpoint_url, region, aws_access_key_id, aws_secret_access_key } = values;
  if (!endpoint_url || !aws_access_key_id || !aws_secret_access_key)
    throw new OperatorError(`${configFile} is incomplete.`, 'Restart the local stack: npm start.');
  return {
    endpoint: endpoint_url,
    region: region ?? 'us-east-1',
    credentials: { accessKeyId: aws_access_key_id, secretAccessKey: aws_secret_access_key },
    label: 'the local account (npm start)',
    cli: `AWS_CONFIG_FILE=${configFile} aws --profile clipbay-local`,
  };
}

/** A deployed stack: credentials and region from the SDK's usual chain. */
export function deployedAwsTarget(region: string | undefined): AwsTarget {
  return {
    ...(region ? { region } : {}),
    label: `AWS (${region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'the profile’s region'})`,
    cli: region ? `aws --region ${region}` : 'aws',
  };
}

/** Client options for an SDK client: `{ endpoint, region, credentials }` where given. */
export function clientConfig(target: AwsTarget) {
  const { label: _label, cli: _cli, ...config } = target;
  return { ...config, maxAttempts: 3 };
}
