/**
 * A small IAM policy evaluator for the statement forms a CDK template uses: Allow and Deny,
 * Action/NotAction and Resource/NotResource with `*` and `?` wildcards, and the condition operators
 * String*, Arn*, Bool and Null (with the ...IfExists forms and ForAnyValue/ForAllValues sets).
 *
 * The decision follows AWS's documented evaluation logic for one account: an explicit Deny in any
 * applicable policy wins; otherwise an Allow in the identity policy or the resource policy allows;
 * otherwise the request is implicitly denied.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * Chosen over @cloud-copilot/iam-simulate (complete, but AGPL-3.0) so clipbay's tree stays MIT;
 * anything it does not understand it refuses loudly instead of guessing.
 */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface AuthorizationRequest {
  action: string;
  resource: string;
  /** Condition keys, e.g. `aws:SecureTransport`, `s3:prefix`. Names are case-insensitive. */
  context?: Record<string, string | string[] | boolean | undefined>;
}

export interface Decision {
  allowed: boolean;
  /** Which statement decided, or why none did: shown in AccessDenied messages. */
  reason: string;
}

export class UnsupportedPolicyError extends Error {
  override name = 'UnsupportedPolicyError';
}

export function evaluate(
  request: AuthorizationRequest,
  identityPolicies: PolicyDocument[],
  resourcePolicies: PolicyDocument[] = [],
  options: { principalArn?: string } = {},
): Decision {
  const identity = identityPolicies.flatMap(statements);
  const resource = resourcePolicies
    .flatMap(statements)
    .filter((s) => namesPrincipal(s, options.principalArn));
  for (const statement of [...identity, ...resource]) refuseVariables(statement);
  for (const statement of [...identity, ...resource])
    if (statement.Effect === 'Deny' && applies(statement, request))
      return { allowed: false, reason: `explicitly denied by ${label(statement)}` };
  for (const statement of [...identity, ...resource])
    if (statement.Effect === 'Allow' && applies(statement, request))
      return { allowed: true, reason: `allowed by ${label(statement)}` };
  return { allowed: false, reason: 'no identity-based policy allows the action' };
}

function statements(doc: PolicyDocument): PolicyStatement[] {
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

function label(statement: PolicyStatement): string {
  return statement.Sid
    ? `statement ${statement.Sid}`
    : `a statement on ${JSON.stringify(statement.Action ?? statement.NotAction)}`;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function applies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  const actionMatches =
    statement.Action !== undefined
      ? list(statement.Action).some((p) => wildcard(p, request.action, true))
      : !list(statement.NotAction).some((p) => wildcard(p, request.action, true));
  if (!actionMatches) return false;
  const resourceMatches =
    statement.Resource !== undefined
      ? list(statement.Resource).some((p) => wildcard(p, request.resource, false))
      : statement.NotResource !== undefined
        ? !list(statement.NotResource).some((p) => wildcard(p, request.resource, false))
        : true;
  if (!resourceMatches) return false;
  return conditionsHold(statement.Condition ?? {}, request.context ?? {});
}

/**
 * Whether a resource policy's statement is about this principal. `Principal` names it by ARN (with
 * wildcards), `*`, or its account (`123456789012` or `arn:aws:iam::123456789012:root`: every
 * principal of that account); `NotPrincipal` is everyone it does not name. An Allow that names
 * only the principal's own account grants nothing by itself: it delegates to the account's
 * identity policies, which are evaluated anyway. A Deny that names the account applies to all of it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
function namesPrincipal(statement: PolicyStatement, principalArn: string | undefined): boolean {
  if (statement.NotPrincipal !== undefined) {
    if (statement.Principal !== undefined)
      throw new UnsupportedPolicyError('A statement has both Principal and NotPrincipal.');
    // Only a principal NotPrincipal names itself is exempt: naming an account's root exempts the
    // root, not every principal of the account.
    return principalMatch(statement.NotPrincipal, principalArn) !== 'named';
  }
  const match = principalMatch(statement.Principal, principalArn);
  return match === 'named' || (match === 'account' && statement.Effect === 'Deny');
}

function principalMatch(principal: unknown, principalArn: string | undefined): 'named' | 'account' | false {
  if (principal === '*') return 'named';
  if (!principal || typeof principal !== 'object') return false;
  const aws = (principal as { AWS?: string | string[] }).AWS;
  if (aws === undefined) return false;
  const account = principalArn?.split(':')[4];
  let match: 'named' | 'account' | false = false;
  for (const p of list(aws)) {
    if (p === '*' || (principalArn !== undefined && wildcard(p, principalArn, false))) return 'named';
    const named = /^(?:arn:aws:iam::)?(\d{12})(?::root)?$/.exec(p)?.[1];
    if (named !== undefined && named === account) match = 'account';
  }
  return match;
}

/** Policy variables (`${aws:username}`) are not substituted here: refuse them rather than match literally. */
function refuseVariables(statement: PolicyStatement): void {
  const text = JSON.stringify([statement.Resource, statement.NotResource, statement.Condition]);
  if (/\$\{[^}]+\}/.test(text))
    throw new UnsupportedPolicyError(
      `The local account does not substitute policy variables (${/\$\{[^}]+\}/.exec(text)![0]}).`,
    );
}

/** IAM wildcards: `*` any run of characters, `?` one character. Actions compare case-insensitively. */
export function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
      .join('')}$`,
    ignoreCase ? 'is' : 's',
  );
  return regex.test(value);
}

function conditionsHold(
  conditions: NonNullable<PolicyStatement['Condition']>,
  context: NonNullable<AuthorizationRequest['context']>,
): boolean {
  const lowerContext = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(conditions).every(([operator, tests]) =>
    Object.entries(tests).every(([key, expected]) =>
      conditionHolds(operator, lowerContext.get(key.toLowerCase()), expected),
    ),
  );
}

function conditionHolds(
  rawOperator: string,
  actual: string | string[] | boolean | undefined,
  expected: string | string[] | boolean,
): boolean {
  let operator = rawOperator;
  let set: 'any' | 'all' | undefined;
  if (operator.startsWith('ForAnyValue:')) [set, operator] = ['any', operator.slice(12)];
  else if (operator.startsWith('ForAllValues:')) [set, operator] = ['all', operator.slice(13)];
  const ifExists = operator.endsWith('IfExists');
  if (ifExists) operator = operator.slice(0, -'IfExists'.length);
  const expectedValues = (Array.isArray(expected) ? expected : [expected]).map(String);

  if (operator === 'Null') {
    const isNull = actual === undefined;
    return expectedValues.some((e) => (e === 'true') === isNull);
  }
  // A key missing from the request: ForAllValues holds (nothing fails it), ForAnyValue does not
  // (nothing matches it), whatever the operator; otherwise negated operators hold and others do not
  // (unless ...IfExists). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
  if (actual === undefined) {
    if (set === 'all') return true;
    if (set === 'any') return false;
    return ifExists || /Not/.test(operator);
  }
  const actualValues = (Array.isArray(actual) ? actual : [actual]).map(String);
  const test = comparator(operator);
  const one = (a: string) => test(a, expectedValues);
  if (set === 'all') return actualValues.every(one);
  return actualValues.some(one);
}

function comparator(operator: string): (actual: string, expected: string[]) => boolean {
  switch (operator) {
    case 'StringEquals':
      return (a, e) => e.includes(a);
    case 'StringNotEquals':
      return (a, e) => !e.includes(a);
    case 'StringEqualsIgnoreCase':
      return (a, e) => e.some((x) => x.toLowerCase() === a.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return (a, e) => !e.some((x) => x.toLowerCase() === a.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
    case 'ArnEquals':
      return (a, e) => e.some((x) => wildcard(x, a, false));
    case 'StringNotLike':
    case 'ArnNotLike':
    case 'ArnNotEquals':
      return (a, e) => !e.some((x) => wildcard(x, a, false));
    case 'Bool':
      return (a, e) => e.some((x) => x.toLowerCase() === a.toLowerCase());
    default:
      throw new UnsupportedPolicyError(
        `The local account does not evaluate the condition operator ${operator}.`,
      );
  }
}
