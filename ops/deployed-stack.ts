import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STACK_NAME } from '../infra/stack-name.js';
import { clientConfig, type AwsTarget } from './aws-target.js';
import { OperatorError } from './operator-error.js';

/** The deployed stack as `connect` and `doctor` see it: its outputs, by key. */
export interface DeployedStack {
  name: string;
  outputs: Readonly<Record<string, string>>;
  /** An output that must be there (a stack from an older clipbay may lack it). */
  output(key: string): string;
}

/**
 * Reads the stack's outputs with CloudFormation DescribeStacks: the stack the CDK app deploys
 * (`Clipbay`), in the target's region.
 */
export async function findDeployedStack(target: AwsTarget, stackName = STACK_NAME): Promise<DeployedStack> {
  const cloudFormation = new CloudFormationClient(clientConfig(target));
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ValidationError')
      throw new OperatorError(
        `There is no stack ${stackName} in ${target.label}.`,
        'Deploy it first (npm run deploy), or set AWS_REGION / AWS_PROFILE to where it is.',
      );
    if (
      name === 'CredentialsProviderError' ||
      name === 'ExpiredTokenException' ||
      name === 'InvalidClientTokenId'
    )
      throw new OperatorError(
        `No valid AWS credentials for ${target.label} (${name}).`,
        'Sign in as you did for npm run deploy (aws sso login, or AWS_PROFILE=…).',
      );
    throw new OperatorError(
      `CloudFormation could not be asked about ${stackName} in ${target.label}: ${(error as Error).message}`,
      'Check the network and your AWS credentials, then run this again.',
    );
  } finally {
    cloudFormation.destroy();
  }
  return {
    name: stackName,
    outputs,
    output(key) {
      const value = outputs[key];
      if (!value)
        throw new OperatorError(
          `The stack ${stackName} has no output ${key}.`,
          'Deploy the current version first: npm run deploy.',
        );
      return value;
    },
  };
}
