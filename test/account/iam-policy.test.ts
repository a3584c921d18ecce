import { describe, expect, it } from 'vitest';
import {
  evaluate,
  UnsupportedPolicyError,
  type PolicyDocument,
  type PolicyStatement,
} from '../../local/account/iam-policy.js';

const BUCKET = 'arn:aws:s3:::clipbay-videos';
const identity: PolicyDocument = {
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${BUCKET}/clips/*` },
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: BUCKET,
      Condition: { StringLike: { 's3:prefix': ['clips/*'] } },
    },
    {
      Effect: 'Allow',
      Action: 'secretsmanager:Get*',
      Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:Slack-??????',
    },
  ],
};
/** CDK's enforceSSL bucket policy. */
const bucketPolicy: PolicyDocument = {
  Statement: [
    {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
};

/** AWS's documented evaluation logic, for the statement forms a CDK template uses. */
describe('IAM policy evaluation', () => {
  it.each([
    ['an allowed action on a matching resource', 's3:GetObject', `${BUCKET}/clips/a.mp4`, {}, true],
    ['actions compared without case', 'S3:getobject', `${BUCKET}/clips/a.mp4`, {}, true],
    ['a resource outside the prefix', 's3:GetObject', `${BUCKET}/other/a.mp4`, {}, false],
    ['an action nobody granted', 's3:DeleteObject', `${BUCKET}/clips/a.mp4`, {}, false],
    ['a condition that holds', 's3:ListBucket', BUCKET, { 's3:prefix': 'clips/x' }, true],
    ['a condition that fails', 's3:ListBucket', BUCKET, { 's3:prefix': 'secrets/x' }, false],
    ['a condition key that is missing', 's3:ListBucket', BUCKET, {}, false],
    [
      'an action wildcard',
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:Slack-AbCdEf',
      {},
      true,
    ],
    [
      'a `?` wildcard that needs exactly six characters',
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:Slack-AbCdE',
      {},
      false,
    ],
  ])('%s', (_name, action, resource, context, allowed) => {
    expect(evaluate({ action, resource, context }, [identity]).allowed).toBe(allowed);
  });

  it('matches a wildcard in the middle of a resource as a whole pattern, not as a prefix', () => {
    const thumbs: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*/thumbs` }],
    };
    const allowed = (resource: string) =>
      evaluate({ action: 's3:GetObject', resource, context: {} }, [thumbs]).allowed;
    expect(allowed(`${BUCKET}/clips/thumbs`)).toBe(true);
    expect(allowed(`${BUCKET}/a/b/thumbs`)).toBe(true); // `*` crosses slashes in IAM
    expect(allowed(`${BUCKET}/clips/thumbs/x.png`)).toBe(false);
    expect(allowed(`${BUCKET}/clips/a.mp4`)).toBe(false);
    expect(allowed(`${BUCKET}/thumbs`)).toBe(false);
  });

  it('lets an explicit Deny in a resource policy win over an Allow', () => {
    const request = { action: 's3:GetObject', resource: `${BUCKET}/clips/a.mp4` };
    expect(
      evaluate({ ...request, context: { 'aws:SecureTransport': 'true' } }, [identity], [bucketPolicy])
        .allowed,
    ).toBe(true);
    const insecure = evaluate(
      { ...request, context: { 'aws:SecureTransport': 'false' } },
      [identity],
      [bucketPolicy],
    );
    expect(insecure).toEqual({ allowed: false, reason: expect.stringMatching(/explicitly denied/) });
  });

  it('treats a negated operator on a missing key as holding, and NotAction as everything else', () => {
    const doc: PolicyDocument = {
      Statement: [
        {
          Effect: 'Allow',
          NotAction: 's3:DeleteObject',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'x' } },
        },
      ],
    };
    expect(evaluate({ action: 's3:GetObject', resource: 'r' }, [doc]).allowed).toBe(true);
    expect(evaluate({ action: 's3:DeleteObject', resource: 'r' }, [doc]).allowed).toBe(false);
  });

  it('refuses loudly what it cannot evaluate instead of guessing', () => {
    const doc: PolicyDocument = {
      Statement: [
        {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        },
      ],
    };
    expect(() =>
      evaluate({ action: 's3:GetObject', resource: 'r', context: { 'aws:SourceIp': '10.1.1.1' } }, [doc]),
    ).toThrow(UnsupportedPolicyError);
  });

  describe('the forms that used to fail open', () => {
    const ROLE = 'arn:aws:iam::123456789012:role/SaveToS3FnRole';
    const request = { action: 's3:GetObject', resource: `${BUCKET}/clips/a.mp4`, context: {} };
    const deny = (principal: Partial<PolicyStatement>): PolicyDocument => ({
      Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: `${BUCKET}/*`, ...principal }],
    });
    const decide = (resourcePolicy: PolicyDocument) =>
      evaluate(request, [identity], [resourcePolicy], { principalArn: ROLE }).allowed;

    it('a resource-policy Deny naming the account (root ARN or bare id) applies to every role in it', () => {
      expect(decide(deny({ Principal: { AWS: 'arn:aws:iam::123456789012:root' } }))).toBe(false);
      expect(decide(deny({ Principal: { AWS: '123456789012' } }))).toBe(false);
      expect(decide(deny({ Principal: { AWS: ['arn:aws:iam::999999999999:root'] } }))).toBe(true);
    });

    it('an Allow naming only the account grants nothing by itself (it defers to identity policies)', () => {
      const allowAccount: PolicyDocument = {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '123456789012' },
            Action: 's3:DeleteObject',
            Resource: `${BUCKET}/*`,
          },
        ],
      };
      expect(
        evaluate({ ...request, action: 's3:DeleteObject' }, [identity], [allowAccount], {
          principalArn: ROLE,
        }).allowed,
      ).toBe(false);
    });

    it('NotPrincipal in a Deny applies to everyone but those it names', () => {
      expect(decide(deny({ NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/Other' } }))).toBe(false);
      expect(decide(deny({ NotPrincipal: { AWS: ROLE } }))).toBe(true);
      // Naming the account's root exempts the root, not every role of the account.
      expect(decide(deny({ NotPrincipal: { AWS: ['arn:aws:iam::123456789012:root'] } }))).toBe(false);
    });

    it('ForAnyValue with the key absent does not hold, even with a negated operator; ForAllValues does', () => {
      const withCondition = (operator: string): PolicyDocument => ({
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: '*',
            Condition: { [operator]: { 'aws:TagKeys': 'x' } },
          },
        ],
      });
      const allowed = (operator: string) => evaluate(request, [withCondition(operator)]).allowed;
      expect(allowed('ForAnyValue:StringEquals')).toBe(false);
      expect(allowed('ForAnyValue:StringNotEquals')).toBe(false);
      expect(allowed('ForAllValues:StringEquals')).toBe(true);
      expect(allowed('StringNotEquals')).toBe(true);
    });

    it('refuses policy variables instead of matching them literally', () => {
      const variable: PolicyDocument = {
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` },
        ],
      };
      expect(() => evaluate(request, [variable])).toThrow(
        /does not substitute policy variables \(\$\{aws:username\}\)/,
      );
    });
  });

  describe('every form it evaluates, one case each way', () => {
    const ROLE = 'arn:aws:iam::123456789012:role/SaveToS3FnRole';
    const request = { action: 's3:GetObject', resource: `${BUCKET}/clips/a.mp4` };
    /** Whether one Allow with this condition lets the request through, given this context. */
    const holds = (
      condition: NonNullable<PolicyStatement['Condition']>,
      context: Record<string, string | string[] | boolean | undefined>,
    ) =>
      evaluate({ ...request, context }, [
        { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: condition } },
      ]).allowed;

    it.each([
      ['StringEquals', 'clips/a', 'clips/a', true],
      ['StringEquals', 'clips/a', 'Clips/a', false],
      ['StringNotEquals', 'clips/a', 'clips/b', true],
      ['StringNotEquals', 'clips/a', 'clips/a', false],
      ['StringEqualsIgnoreCase', 'Clips/A', 'clips/a', true],
      ['StringEqualsIgnoreCase', 'clips/a', 'clips/b', false],
      ['StringNotEqualsIgnoreCase', 'Clips/A', 'clips/a', false],
      ['StringNotEqualsIgnoreCase', 'clips/a', 'clips/b', true],
      ['StringLike', 'clips/*', 'clips/a', true],
      ['StringLike', 'clips/*', 'CLIPS/a', false],
      ['StringNotLike', 'clips/*', 'clips/a', false],
      ['StringNotLike', 'clips/*', 'thumbs/a', true],
      ['ArnLike', 'arn:aws:iam::*:role/Save*', ROLE, true],
      ['ArnLike', 'arn:aws:iam::*:role/Post*', ROLE, false],
      ['ArnEquals', ROLE, ROLE, true],
      ['ArnEquals', 'arn:aws:iam::123456789012:role/Other', ROLE, false],
      ['ArnNotLike', 'arn:aws:iam::*:role/Save*', ROLE, false],
      ['ArnNotLike', 'arn:aws:iam::*:role/Post*', ROLE, true],
      ['ArnNotEquals', ROLE, ROLE, false],
      ['ArnNotEquals', 'arn:aws:iam::123456789012:role/Other', ROLE, true],
      ['Bool', 'true', 'TRUE', true],
      ['Bool', 'true', 'false', false],
      // Any one of several expected values.
      ['StringEqualsIgnoreCase', ['A', 'b'], 'B', true],
      ['StringNotEqualsIgnoreCase', ['A', 'b'], 'B', false],
      ['ArnNotLike', ['arn:aws:iam::*:role/Save*', 'arn:aws:iam::*:role/Post*'], ROLE, false],
      // ARNs compare with case.
      ['ArnNotLike', 'arn:aws:iam::*:role/savetos3*', ROLE, true],
    ] as [string, string | string[], string, boolean][])(
      '%s %s against %s: %s',
      (operator, expected, actual, allowed) => {
        expect(holds({ [operator]: { 'test:key': expected } }, { 'test:key': actual })).toBe(allowed);
      },
    );

    it('holds a condition only when every key holds, matching any of several expected values', () => {
      const both = { StringEquals: { 's3:prefix': 'clips/', 's3:delimiter': '/' } };
      expect(holds(both, { 's3:prefix': 'clips/', 's3:delimiter': '/' })).toBe(true);
      expect(holds(both, { 's3:prefix': 'clips/', 's3:delimiter': '-' })).toBe(false);
      expect(
        holds({ StringLike: { 's3:prefix': ['thumbs/*', 'clips/*'] } }, { 's3:prefix': 'clips/x' }),
      ).toBe(true);
      expect(
        holds({ Bool: { 'aws:SecureTransport': ['false', 'true'] } }, { 'aws:SecureTransport': true }),
      ).toBe(true);
      // A multi-valued key without a set operator: any of its values may match.
      expect(holds({ StringEquals: { 'aws:TagKeys': 'b' } }, { 'aws:TagKeys': ['a', 'b'] })).toBe(true);
    });

    it('ForAnyValue needs one value to match, ForAllValues every one', () => {
      const tags = (operator: string, expected: string[], actual: string[]) =>
        holds({ [operator]: { 'aws:TagKeys': expected } }, { 'aws:TagKeys': actual });
      expect(tags('ForAnyValue:StringEquals', ['b'], ['a', 'b'])).toBe(true);
      expect(tags('ForAnyValue:StringEquals', ['c'], ['a', 'b'])).toBe(false);
      expect(tags('ForAllValues:StringEquals', ['a', 'b', 'c'], ['a', 'b'])).toBe(true);
      expect(tags('ForAllValues:StringEquals', ['a'], ['a', 'b'])).toBe(false);
      expect(tags('ForAllValues:StringLike', ['a*'], ['ab', 'ac'])).toBe(true);
    });

    it('…IfExists holds when the key is missing, and compares it when present', () => {
      const ifExists = { StringLikeIfExists: { 's3:prefix': 'clips/*' } };
      expect(holds(ifExists, {})).toBe(true);
      expect(holds(ifExists, { 's3:prefix': 'clips/x' })).toBe(true);
      expect(holds(ifExists, { 's3:prefix': 'secrets/x' })).toBe(false);
      expect(holds({ StringLike: { 's3:prefix': 'clips/*' } }, {})).toBe(false);
    });

    it('Null tests whether the key is missing', () => {
      expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } }, {})).toBe(true);
      expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': 'x' })).toBe(false);
      expect(holds({ Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': 'x' })).toBe(true);
      expect(holds({ Null: { 'aws:TokenIssueTime': 'false' } }, {})).toBe(false);
      expect(holds({ Null: { 'aws:TokenIssueTime': true } }, {})).toBe(true);
      // Either answer listed: it holds whether the key is there or not.
      expect(holds({ Null: { 'aws:TokenIssueTime': ['true', 'false'] } }, {})).toBe(true);
      expect(
        holds({ Null: { 'aws:TokenIssueTime': ['true', 'false'] } }, { 'aws:TokenIssueTime': 'x' }),
      ).toBe(true);
    });

    it('names the deciding statement: its Sid, or its actions', () => {
      const allow = (statement: Partial<PolicyStatement>) =>
        evaluate(request, [{ Statement: { Effect: 'Allow', Resource: '*', ...statement } }]);
      expect(allow({ Sid: 'ReadClips', Action: 's3:GetObject' })).toEqual({
        allowed: true,
        reason: 'allowed by statement ReadClips',
      });
      expect(allow({ Action: ['s3:GetObject', 's3:PutObject'] })).toEqual({
        allowed: true,
        reason: 'allowed by a statement on ["s3:GetObject","s3:PutObject"]',
      });
      expect(allow({ NotAction: 's3:DeleteObject' })).toEqual({
        allowed: true,
        reason: 'allowed by a statement on "s3:DeleteObject"',
      });
      expect(evaluate(request, [{ Statement: { Effect: 'Deny', Action: 's3:*', Resource: '*' } }])).toEqual({
        allowed: false,
        reason: 'explicitly denied by a statement on "s3:*"',
      });
      expect(allow({ Action: 's3:PutObject' })).toEqual({
        allowed: false,
        reason: 'no identity-based policy allows the action',
      });
    });

    it('NotAction matches no listed action, without case; NotResource no listed resource, with case', () => {
      const allowed = (statement: Partial<PolicyStatement>, action: string, resource = request.resource) =>
        evaluate({ action, resource }, [{ Statement: { Effect: 'Allow', ...statement } }]).allowed;
      const notWrite = { NotAction: ['s3:DeleteObject', 's3:PutObject'], Resource: '*' };
      expect(allowed(notWrite, 's3:GetObject')).toBe(true);
      expect(allowed(notWrite, 's3:PutObject')).toBe(false);
      expect(allowed({ NotAction: 's3:deleteobject', Resource: '*' }, 's3:DeleteObject')).toBe(false);
      const notSecrets = { Action: 's3:GetObject', NotResource: [`${BUCKET}/secrets/*`, `${BUCKET}/keys/*`] };
      expect(allowed(notSecrets, 's3:GetObject')).toBe(true);
      expect(allowed(notSecrets, 's3:GetObject', `${BUCKET}/keys/k`)).toBe(false);
      expect(allowed(notSecrets, 's3:GetObject', `${BUCKET}/Keys/k`)).toBe(true);
      // Resources compare with case, and `*` crosses any character, a newline in a key included.
      expect(
        allowed(
          { Action: 's3:GetObject', Resource: `${BUCKET}/clips/*` },
          's3:GetObject',
          `${BUCKET}/CLIPS/a`,
        ),
      ).toBe(false);
      expect(
        allowed(
          { Action: 's3:GetObject', Resource: `${BUCKET}/clips/*` },
          's3:GetObject',
          `${BUCKET}/clips/a\nb`,
        ),
      ).toBe(true);
      // A statement naming no resource (a trust policy's) applies to any.
      expect(allowed({ Action: 'sts:AssumeRole' }, 'sts:AssumeRole', ROLE)).toBe(true);
    });

    it('reads a Statement given as one object, not a list', () => {
      expect(
        evaluate(request, [
          { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` } },
        ]).allowed,
      ).toBe(true);
    });

    describe('resource policies, by who they name', () => {
      const decide = (statement: Partial<PolicyStatement>, principalArn: string | undefined = ROLE) =>
        evaluate(
          { ...request, action: 's3:PutObject' },
          [],
          [{ Statement: { Resource: `${BUCKET}/*`, Action: 's3:*', Effect: 'Allow', ...statement } }],
          {
            ...(principalArn ? { principalArn } : {}),
          },
        ).allowed;

      it('Principal "*" names everyone; a statement naming no principal, or only a service, names no role', () => {
        expect(decide({ Principal: '*' })).toBe(true);
        expect(decide({ Principal: { AWS: '*' } })).toBe(true);
        expect(decide({})).toBe(false);
        expect(decide({ Principal: { Service: 'lambda.amazonaws.com' } })).toBe(false);
        expect(decide({ Principal: { AWS: ROLE } })).toBe(true);
      });

      it('names a role of the account only by its own ARN, not by one that merely starts or ends like the account', () => {
        const denyWith = (aws: string, principalArn: string | null = ROLE) =>
          evaluate(
            request,
            [identity],
            [
              {
                Statement: {
                  Effect: 'Deny',
                  Principal: { AWS: aws },
                  Action: 's3:*',
                  Resource: `${BUCKET}/*`,
                },
              },
            ],
            {
              ...(principalArn ? { principalArn } : {}),
            },
          ).allowed;
        expect(denyWith('arn:aws:iam::123456789012:role/Other')).toBe(true);
        expect(denyWith('arn:aws:iam::999999999999:role/ci-123456789012')).toBe(true);
        expect(denyWith(ROLE)).toBe(false);
        // Without a known caller, a Deny naming some role applies to nobody in particular.
        expect(denyWith('arn:aws:iam::123456789012:role/Other', null)).toBe(true);
      });

      it('refuses a statement with both Principal and NotPrincipal', () => {
        expect(() => decide({ Principal: '*', NotPrincipal: { AWS: ROLE } })).toThrow(
          expect.objectContaining({
            name: 'UnsupportedPolicyError',
            message: 'A statement has both Principal and NotPrincipal.',
          }),
        );
      });
    });

    it('refuses an operator it does not know, by name', () => {
      expect(() =>
        holds({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.1.1' }),
      ).toThrow(
        expect.objectContaining({
          name: 'UnsupportedPolicyError',
          message: 'The local account does not evaluate the condition operator IpAddress.',
        }),
      );
    });
  });
});
