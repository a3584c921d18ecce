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
});
