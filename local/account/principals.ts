import { createHash, randomBytes } from 'node:crypto';
import { LOCAL_ACCOUNT } from './template.js';

/** Who signs a request to the local account. */
export interface Principal {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  /** `arn:aws:iam::…:role/Name`, or undefined for the operator (npm start itself, tests). */
  roleArn: string | undefined;
  /** The ARN that AccessDenied messages name, as STS would. */
  arn: string;
}

/**
 * Credentials for each role of the template, and one operator key for what runs beside the
 * account (npm start filling the secrets, tests, the Socket Mode runner), which IAM does not limit.
 * Each function's requests are told apart by their access key id, as in AWS. Session tokens are
 * the length of real Lambda session tokens (~1,100 characters), so presigned URLs are real-sized.
 */
export class Principals {
  private readonly byKey = new Map<string, Principal>();
  readonly operator: Principal;

  constructor() {
    this.operator = this.add({
      accessKeyId: `LOCALOPERATOR${randomBytes(4).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: undefined,
      roleArn: undefined,
      arn: `arn:aws:iam::${LOCAL_ACCOUNT.accountId}:user/clipbay-local-operator`,
    });
  }

  private add(principal: Principal): Principal {
    this.byKey.set(principal.accessKeyId, principal);
    return principal;
  }

  /** The session credentials a role's function runs with (one session per role). */
  forRole(roleArn: string, sessionName: string): Principal {
    const existing = [...this.byKey.values()].find((p) => p.roleArn === roleArn);
    if (existing) return existing;
    const id = createHash('sha256').update(roleArn).update(randomBytes(8)).digest('hex').toUpperCase();
    const roleName = roleArn.split('/').pop()!;
    return this.add({
      accessKeyId: `ASIA${id.slice(0, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `LOCAL-SESSION-${randomBytes(816).toString('base64')}`,
      roleArn,
      arn: `arn:aws:sts::${LOCAL_ACCOUNT.accountId}:assumed-role/${roleName}/${sessionName}`,
    });
  }

  find(accessKeyId: string): Principal | undefined {
    return this.byKey.get(accessKeyId);
  }
}
