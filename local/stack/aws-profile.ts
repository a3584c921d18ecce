import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmulatedAccount } from '../account/emulated-account.js';

/** The AWS CLI profile npm start writes for its own account. */
export const LOCAL_PROFILE = 'clipbay-local';

/**
 * Writes an AWS config file holding one profile, `clipbay-local`: the account's endpoint
 * (`endpoint_url`), its region, and the operator's key, which the account issues afresh on each
 * start. With `AWS_CONFIG_FILE` pointing at it, the usual tools (`aws stepfunctions
 * list-executions`, `aws dynamodb scan`, `aws cloudformation describe-stacks`…) inspect the local
 * account as an operator; the functions stay limited to their roles. Readable by its owner only.
 */
export async function writeAwsProfile(account: EmulatedAccount, dataDir: string): Promise<string> {
  const file = join(dataDir, 'aws-config');
  const { endpoint, region, credentials } = account.operatorClientConfig();
  await writeFile(
    file,
    [
      '# Written by `npm start` for its emulated AWS account; the key changes on every start.',
      `# export AWS_CONFIG_FILE=${file}`,
      `# aws --profile ${LOCAL_PROFILE} cloudformation describe-stacks`,
      `[profile ${LOCAL_PROFILE}]`,
      `region = ${region}`,
      `endpoint_url = ${endpoint}`,
      `aws_access_key_id = ${credentials.accessKeyId}`,
      `aws_secret_access_key = ${credentials.secretAccessKey}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}
