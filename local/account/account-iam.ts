import { AwsServiceError, accessDenied } from './account-errors.js';
import { evaluate, type AuthorizationRequest, type PolicyDocument } from './iam-policy.js';
import type { Principal } from './principals.js';
import type { TemplateResolver } from './template.js';

/**
 * The template's IAM, enforced: each role's identity policies (inline `Policies` and the
 * `AWS::IAM::Policy` resources attached to it) and the resource policies (bucket policies, Lambda
 * permissions). Every call a function makes is checked against its own role.
 */
export class AccountIam {
  private readonly rolePolicies = new Map<string, PolicyDocument[]>();
  private readonly bucketPolicies = new Map<string, PolicyDocument[]>();
  /** Log of every decision, for tests and for reading an AccessDenied. */
  readonly decisions: {
    principal: string;
    action: string;
    resource: string;
    allowed: boolean;
    reason: string;
  }[] = [];

  constructor(resolver: TemplateResolver) {
    for (const [id, role] of resolver.resourcesOfType('AWS::IAM::Role')) {
      const arn = resolver.getAtt(id, 'Arn');
      const inline = (role.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? [];
      if (role.Properties?.ManagedPolicyArns)
        throw new Error(`Role ${id} has managed policies, which the local account cannot evaluate.`);
      this.rolePolicies.set(
        arn,
        inline.map((p) => resolver.resolve(p.PolicyDocument) as PolicyDocument),
      );
    }
    for (const [, policy] of resolver.resourcesOfType('AWS::IAM::Policy')) {
      const doc = resolver.resolve(policy.Properties!.PolicyDocument) as PolicyDocument;
      for (const role of (policy.Properties!.Roles as unknown[]) ?? []) {
        const roleName = resolver.string(role);
        const arn = [...this.rolePolicies.keys()].find((a) => a.endsWith(`/${roleName}`));
        if (arn) this.rolePolicies.get(arn)!.push(doc);
      }
    }
    for (const [, policy] of resolver.resourcesOfType('AWS::S3::BucketPolicy')) {
      const bucket = resolver.string(policy.Properties!.Bucket);
      const list = this.bucketPolicies.get(bucket) ?? [];
      list.push(resolver.resolve(policy.Properties!.PolicyDocument) as PolicyDocument);
      this.bucketPolicies.set(bucket, list);
    }
  }

  /** Throws AccessDenied (AccessDeniedException) unless the principal may do this. */
  authorize(
    principal: Principal,
    request: AuthorizationRequest,
    options: { bucket?: string; deny?: (action: string, resource: string, message: string) => Error } = {},
  ): void {
    const decision = this.decide(principal, request, options.bucket);
    if (!decision.allowed)
      throw (
        options.deny?.(request.action, request.resource, decision.reason) ??
        accessDenied(principal.arn, request.action, request.resource, decision.reason)
      );
  }

  decide(principal: Principal, request: AuthorizationRequest, bucket?: string) {
    const resourcePolicies = bucket ? (this.bucketPolicies.get(bucket) ?? []) : [];
    const decision =
      principal.roleArn === undefined
        ? // The operator is not limited by the template's roles, but a resource policy's Deny still applies.
          ((d) =>
            d.reason.startsWith('explicitly denied') ? d : { allowed: true, reason: 'the local operator' })(
            evaluate(request, [], resourcePolicies, { principalArn: principal.arn }),
          )
        : evaluate(request, this.rolePolicies.get(principal.roleArn) ?? [], resourcePolicies, {
            principalArn: principal.roleArn,
          });
    this.decisions.push({ principal: principal.arn, ...request, ...decision });
    if (this.decisions.length > 5000) this.decisions.splice(0, 1000);
    return decision;
  }

  /** The identity policies of a role (what a function may do), resolved. */
  policiesOf(roleArn: string): PolicyDocument[] {
    const policies = this.rolePolicies.get(roleArn);
    if (!policies) throw new AwsServiceError('NoSuchEntity', `No role ${roleArn}.`, 404);
    return policies;
  }
}
