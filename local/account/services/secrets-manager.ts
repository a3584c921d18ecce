import { randomBytes, randomUUID } from 'node:crypto';
import type { AccountIam } from '../account-iam.js';
import { AwsServiceError } from '../account-errors.js';
import type { Principal } from '../principals.js';
import type { TemplateResolver } from '../template.js';

interface StoredSecret {
  arn: string;
  name: string;
  value: string;
  versionId: string;
  created: Date;
}

/** Characters CloudFormation's GenerateSecretString draws from by default. */
const GENERATED =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * Secrets Manager for the secrets of the template, created as CloudFormation creates them: with
 * `SecretString` when the template gives one, or 32 generated characters for `GenerateSecretString`.
 * GetSecretValue, DescribeSecret and PutSecretValue, each checked against the caller's role.
 */
export class SecretsManagerService {
  private readonly secrets = new Map<string, StoredSecret>();
  /** Fault injection: the next N GetSecretValue calls are throttled. */
  throttleNext = 0;
  calls = 0;

  constructor(
    resolver: TemplateResolver,
    private readonly iam: AccountIam,
  ) {
    for (const [id, secret] of resolver.resourcesOfType('AWS::SecretsManager::Secret')) {
      const arn = resolver.ref(id);
      const props = secret.Properties ?? {};
      const value =
        typeof props.SecretString === 'string'
          ? props.SecretString
          : Array.from(randomBytes(32), (b) => GENERATED[b % GENERATED.length]).join('');
      this.secrets.set(arn, {
        arn,
        name: arn.split(':').pop()!,
        value,
        versionId: randomUUID(),
        created: new Date(),
      });
    }
  }

  /** ARNs by a fragment of their logical id (`Slack`, `Discord`, `TokenBay`). */
  arnOf(fragment: string): string {
    const arn = [...this.secrets.keys()].find((a) => a.split(':').pop()!.startsWith(fragment));
    if (!arn) throw new Error(`No secret whose id starts with ${fragment}.`);
    return arn;
  }

  /** What the operator does in the console: fill a secret (npm start fills them from the local keys). */
  put(arn: string, value: string): void {
    const secret = this.find(arn);
    secret.value = value;
    secret.versionId = randomUUID();
  }

  handle(operation: string, body: Record<string, unknown>, principal: Principal): unknown {
    const secretId = String(body.SecretId ?? '');
    const secret = this.find(secretId);
    const action = `secretsmanager:${operation}`;
    this.calls++;
    switch (operation) {
      case 'GetSecretValue':
        this.iam.authorize(principal, { action, resource: secret.arn });
        if (this.throttleNext > 0) {
          this.throttleNext--;
          throw new AwsServiceError('ThrottlingException', 'Rate exceeded');
        }
        return {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: secret.value,
          VersionId: secret.versionId,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: secret.created.getTime() / 1000,
        };
      case 'DescribeSecret':
        this.iam.authorize(principal, { action, resource: secret.arn });
        return { ARN: secret.arn, Name: secret.name };
      case 'PutSecretValue':
        this.iam.authorize(principal, { action, resource: secret.arn });
        this.put(secret.arn, String(body.SecretString ?? ''));
        return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
      default:
        throw new AwsServiceError('UnknownOperationException', `${operation} is not supported locally.`);
    }
  }

  private find(id: string): StoredSecret {
    const secret =
      this.secrets.get(id) ??
      [...this.secrets.values()].find(
        (s) => s.name === id || (s.arn.startsWith(`${id}`) && id.includes(':secret:')),
      );
    if (!secret)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    return secret;
  }
}
