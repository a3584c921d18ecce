import { PLATFORMS } from '@clipbay/platforms';
import type { Answers } from './answers.js';
import { deployedAwsTarget, localAwsTarget, type AwsTarget } from './aws-target.js';
import { findDeployedStack, type DeployedStack } from './deployed-stack.js';
import { OperatorError } from './operator-error.js';
import type { OperatorContext, OperatorPlatform } from './operator-platform.js';
import { OPERATOR_PLATFORMS } from './operator-platforms.js';
import { SecretStore } from './secret-store.js';

/** The public TokenBay API, when the stack does not say (older stacks have no TokenBayBaseUrl output). */
const TOKENBAY_DEFAULT_URL = 'https://api.tokenbay.com';

/** What both commands work against: the stack, its secrets, and each platform's part. */
export interface OperatorSession {
  target: AwsTarget;
  stack: DeployedStack;
  secrets: SecretStore;
  tokenBay: { baseUrl: string; secretId: string };
  platforms: {
    id: string;
    label: string;
    operator: OperatorPlatform;
    context: (answers: Answers, say: (line: string) => void) => Promise<OperatorContext>;
  }[];
  close(): void;
}

export interface SessionOptions {
  /** `--local`: the account `npm start` runs, through the profile it wrote here. */
  localProfile?: string;
  region?: string;
  stackName?: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** Finds the stack (DescribeStacks) and wires each registered platform's part to its secret and route. */
export async function openSession(options: SessionOptions): Promise<OperatorSession> {
  const target = options.localProfile
    ? await localAwsTarget(options.localProfile)
    : deployedAwsTarget(options.region);
  const stack = await findDeployedStack(target, options.stackName);
  const secrets = new SecretStore(target);
  return {
    target,
    stack,
    secrets,
    tokenBay: {
      baseUrl: options.env.TOKENBAY_BASE_URL ?? stack.outputs.TokenBayBaseUrl ?? TOKENBAY_DEFAULT_URL,
      secretId: stack.output('TokenBaySecretName'),
    },
    platforms: PLATFORMS.map((platform) => {
      const operator = (OPERATOR_PLATFORMS as Partial<Record<string, OperatorPlatform>>)[platform.id];
      if (!operator)
        throw new OperatorError(
          `${platform.label} has no connect/doctor steps.`,
          `Add them in bots/${platform.id}/ and list them in ops/operator-platforms.ts.`,
        );
      return {
        id: platform.id,
        label: platform.label,
        operator,
        context: async (answers, say) => {
          const secretId = stack.output(`${platform.label}SecretName`);
          return {
            requestUrl: stack.output(platform.ingress.output.id),
            secretId,
            current: await secrets.read(secretId),
            secrets,
            answers,
            env: options.env,
            say,
          };
        },
      };
    }),
    close: () => secrets.close(),
  };
}
