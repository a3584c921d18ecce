import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';
import { settingsReadBy, type SettingReader } from '../../functions/core/config.js';
import { ClipbayStack } from '../../infra/clipbay-stack.js';
import { stateMachineDefinition } from '../helpers/synthesized-definition.js';

type State = {
  Type: string;
  Next?: string;
  Seconds?: number;
  Default?: string;
  Choices?: { Next: string }[];
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { Next: string }[];
};
type States = Record<string, State>;

/** One synth for the whole file (6–9 s), with cdk-nag's AwsSolutions checks as in infra/bin. */
describe('ClipbayStack template', () => {
  let template: Template;
  let json: string;

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new ClipbayStack(app, 'Clipbay');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // Throws ValidationFailed if cdk-nag has any unacknowledged finding.
    const synthesized = app.synth().getStackByName('Clipbay').template as Record<string, unknown>;
    template = Template.fromJSON(synthesized);
    json = JSON.stringify(synthesized);
  });

  it('keeps the video bucket private, encrypted, SSL-only, expiring, with no stale multipart uploads', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'clips/', ExpirationInDays: 30, Status: 'Enabled' }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        ]),
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'videos/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('waits 15 s per loop: Submit → WaitForVideo → CheckStatus → IsVideoReady → back to WaitForVideo', () => {
    const resources = JSON.parse(json) as Parameters<typeof stateMachineDefinition>[0];
    const definition = stateMachineDefinition(resources);
    const states = definition.States as States;
    expect(definition.StartAt).toBe('Submit');
    expect(states.Submit!.Next).toBe('IsSubmitted');
    expect(states.WaitForVideo).toMatchObject({ Type: 'Wait', Seconds: 15, Next: 'CheckStatus' });
    expect(states.CheckStatus!.Next).toBe('IsVideoReady');
    expect(states.IsVideoReady!.Default).toBe('WaitForVideo');
    expect(states.IsVideoReady!.Choices!.map((c) => c.Next)).toEqual(['SaveToS3', 'ReportFailure']);
    expect(states.SaveToS3!.Next).toBe('PostLink');
    // Every Task but ReportFailure and the usage settlement after it ends in a message to the
    // user when it fails.
    const tasks = Object.entries(states).filter(
      ([name, state]) =>
        state.Type === 'Task' && !['ReportFailure', 'SettleUsage', 'SettleFailedRunUsage'].includes(name),
    );
    expect(tasks.map(([name]) => name)).toEqual(['Submit', 'CheckStatus', 'SaveToS3', 'PostLink']);
    for (const [name, state] of tasks) expect(state.Catch?.[0]?.Next, name).toBe('ReportFailure');
    // Submit is retried only when the request certainly never reached TokenBay; a 429 loops
    // through WaitToResubmit for as long as TokenBay asked.
    expect(states.Submit!.Retry).toEqual([
      expect.objectContaining({ ErrorEquals: ['Lambda.TooManyRequestsException'] }),
      expect.objectContaining({ ErrorEquals: ['TokenBayNotSentError'] }),
    ]);
    expect(states.IsSubmitted).toMatchObject({ Type: 'Choice', Default: 'WaitForVideo' });
    expect(states.WaitToResubmit).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.task.retryAfterSeconds',
      Next: 'Submit',
    });
    // After delivery (or the failure message), usage is settled: one poll interval later when a
    // task exists whose quota TokenBay had not settled yet.
    // A run reaches the settle Choice without $.status when its first poll failed: the first
    // Choice only tests presence, the second compares what the first proved present.
    for (const [after, isKnown, ended, wait, settle, end] of [
      ['PostLink', 'IsQuotaKnown', 'DidTaskEnd', 'WaitForQuota', 'SettleUsage', 'Done'],
      [
        'ReportFailure',
        'IsFailedRunQuotaKnown',
        'DidFailedRunTaskEnd',
        'WaitForFailedRunQuota',
        'SettleFailedRunUsage',
        'WasTheFailureTold',
      ],
    ] as const) {
      expect(states[after]!.Next).toBe(isKnown);
      expect(states[isKnown]).toEqual({
        Type: 'Choice',
        Default: settle,
        Choices: [
          {
            And: [
              { Variable: '$.task.taskId', IsPresent: true },
              { Variable: '$.status.quota', IsPresent: false },
              { Variable: '$.status.outcome', IsPresent: true },
            ],
            Next: ended,
          },
        ],
      });
      expect(states[ended]).toEqual({
        Type: 'Choice',
        Default: settle,
        Choices: [
          {
            Or: [
              { Variable: '$.status.outcome', StringEquals: 'ready' },
              { Variable: '$.status.outcome', StringEquals: 'failed' },
            ],
            Next: wait,
          },
        ],
      });
      expect(states[wait]).toMatchObject({ Type: 'Wait', Seconds: 15, Next: settle });
      expect(states[settle]!.Next).toBe(end);
    }
    // A failed run ends in VideoFailedUntold when ReportFailure itself failed, so that RunEnded
    // (the EventBridge backstop) tells the channel.
    expect(states.WasTheFailureTold).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.reportError', IsPresent: true, Next: 'VideoFailedUntold' }],
      Default: 'VideoFailed',
    });
  });

  it('gives every Task room above its function timeout, and retries a throttled invoke on every Task', () => {
    const resources = JSON.parse(json) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const states = stateMachineDefinition(resources as never).States as Record<
      string,
      State & { Resource?: string; TimeoutSeconds?: number }
    >;
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
    expect(tasks).toHaveLength(7);
    for (const [name, state] of tasks) {
      const logicalId = /function:([^:]+)$/.exec(state.Resource!)![1]!;
      const fnTimeout = resources.Resources[logicalId]!.Properties.Timeout as number;
      // The state's clock includes init (up to 10 s) and the invoke: Lambda's own timeout
      // (Sandbox.Timedout, which the Retry lists name) must be able to fire first.
      expect(state.TimeoutSeconds, name).toBe(fnTimeout + 30);
      expect(
        state.Retry!.some((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException')),
        name,
      ).toBe(true);
    }
    expect(states.SaveToS3!.TimeoutSeconds).toBe(930);
  });

  it('keeps a usage ledger: on-demand, encrypted, recoverable, expiring rows, least-privilege grants', () => {
    const template = JSON.parse(json) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const tables = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const [tableId, table] = tables[0]!;
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    // Who may touch the table, and how: each role's DynamoDB actions, all on this table only.
    const grants: Record<string, string[]> = {};
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const roles = (resource.Properties.Roles as { Ref: string }[]).map((r) => r.Ref);
      const statements = (
        resource.Properties.PolicyDocument as {
          Statement: { Action: string | string[]; Resource: unknown }[];
        }
      ).Statement;
      for (const statement of statements) {
        const actions = [statement.Action].flat().filter((a) => a.startsWith('dynamodb:'));
        if (actions.length === 0) continue;
        const resources = JSON.stringify(statement.Resource);
        expect(resources).toContain(tableId);
        // A Query reaches the two history indexes by name, never `index/*`; nothing else an index.
        if (actions.includes('dynamodb:Query')) {
          expect(resources).toMatch(/\/index\/ByRequester/);
          expect(resources).toMatch(/\/index\/ByChannel/);
        } else expect(resources).not.toContain('/index/');
        expect(resources).not.toContain('index/*');
        for (const role of roles) {
          const fn = role.replace(/Role[A-F0-9]+$/, '');
          grants[fn] = [...(grants[fn] ?? []), ...actions].sort();
        }
      }
    }
    const ingress = [
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    expect(grants).toEqual({
      SlackEventsFn: ingress,
      DiscordInteractionsFn: ingress,
      SettleUsageFn: ['dynamodb:UpdateItem'],
      RunEndedFn: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    });
  });

  it('logs the state machine and traces it', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('holds no secret values: secrets come from Secrets Manager by ARN', () => {
    expect(json).not.toMatch(/sk-[A-Za-z0-9]{8,}|xox[abp]-|xapp-/);
    const functions = template.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(functions)) {
      const env = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      for (const name of [
        'TOKENBAY_API_KEY',
        'SLACK_SIGNING_SECRET',
        'SLACK_BOT_TOKEN',
        'DISCORD_BOT_TOKEN',
        'DISCORD_PUBLIC_KEY',
      ])
        expect(env).not.toHaveProperty(name);
      // Secrets are named only by ARN (which function names which: test/account/secrets-and-roles).
      for (const variable of ['TOKENBAY_SECRET_ARN', 'SLACK_SECRET_ARN', 'DISCORD_SECRET_ARN'])
        if (variable in env) expect(env[variable]).toEqual({ Ref: expect.stringMatching(/Secret|ApiKey/) });
    }
    template.resourceCountIs('AWS::SecretsManager::Secret', 3);
  });

  it('grants no IAM action with a wildcard', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const actions = Object.values(policies).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) =>
        [s.Action].flat(),
      ),
    );
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('runs Node.js 24 on arm64, and serves the three routes with throttling', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    for (const route of ['POST /slack/events', 'POST /discord/interactions', 'GET /v/{id}'])
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: route });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      // Room for the promised burst of 200 commands at once (test/reliability/deployed-faults).
      DefaultRouteSettings: { ThrottlingBurstLimit: 400, ThrottlingRateLimit: 100 },
    });
    for (const output of ['SlackRequestUrl', 'DiscordInteractionsUrl', 'ShareBaseUrl'])
      template.hasOutput(output, {});
  });

  it('checks its settings with the functions’ schema, naming the variable: a poll interval under 5 s, a misspelt key', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new ClipbayStack(app, 'Fast', { settings: { POLL_INTERVAL_SECONDS: '4' } })).toThrow(
      'Invalid configuration: POLL_INTERVAL_SECONDS must be at least 5 (got 4): TokenBay allows at most one poll every 5 seconds',
    );
    expect(() => new ClipbayStack(app, 'Typo', { settings: { POLL_INTERVAL: '20' } })).toThrow(
      /Invalid configuration: POLL_INTERVAL is not a setting clipbay deploys with/,
    );
    // A platform's own deploy setting is checked by the platform; what the stack provides is not a setting.
    expect(() => new ClipbayStack(app, 'App', { settings: { DISCORD_APPLICATION_ID: 'not-an-id' } })).toThrow(
      'Invalid configuration: DISCORD_APPLICATION_ID must be a Discord id, 15 to 21 digits (got "not-an-id")',
    );
    expect(() => new ClipbayStack(app, 'Bucket', { settings: { VIDEO_BUCKET: 'mine' } })).toThrow(
      /Invalid configuration: VIDEO_BUCKET is not a setting clipbay deploys with/,
    );
  });
});

describe('usage limits as CDK context', () => {
  const limits = {
    LIMIT_VIDEOS_PER_USER_PER_DAY: '5',
    LIMIT_CONCURRENT_PER_USER: 3,
    LIMIT_QUOTA_PER_MONTH: '40000',
    ALLOWED_CHANNELS: 'C1,C2',
    CLIPBAY_ADMINS: 'UADMIN',
  };
  const noBundling = { 'aws:cdk:bundling-stacks': [] };

  it('reach the two ingress functions under their own names, and no other function', () => {
    const stack = createApp({ context: { ...limits, ...noBundling } })
      .synth()
      .getStackByName('Clipbay');
    const functions = Object.entries(
      (stack.template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> })
        .Resources,
    ).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    const limited = functions
      .filter(([, r]) => JSON.stringify(r.Properties).includes('LIMIT_CONCURRENT_PER_USER'))
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''));
    expect(limited.sort()).toEqual(['DiscordInteractionsFn', 'SlackEventsFn']);
    const [, slack] = functions.find(([id]) => id.startsWith('SlackEventsFn'))!;
    expect((slack.Properties.Environment as { Variables: object }).Variables).toMatchObject({
      ...limits,
      LIMIT_CONCURRENT_PER_USER: '3',
    });
  });

  it('stop the synth with the setting’s name when one is not valid', () => {
    expect(() => createApp({ context: { LIMIT_CONCURRENT_PER_USER: 'three', ...noBundling } })).toThrow(
      'Invalid configuration: LIMIT_CONCURRENT_PER_USER must be a whole number of at least 1, or unset for no limit (got "three")',
    );
  });
});

describe('each function gets only the settings it reads', () => {
  it('matches SETTING_READERS: every deploy setting set, each function’s environment holds exactly its own', () => {
    const settings: Record<string, string> = {
      TOKENBAY_BASE_URL: 'https://api.tokenbay.test',
      DEFAULT_MODEL: 'seedance-1-0-pro',
      POLL_INTERVAL_SECONDS: '20',
      GENERATION_TIMEOUT_SECONDS: '200',
      EDIT_TIMEOUT_SECONDS: '500',
      LINK_EXPIRY_SECONDS: '3600',
      CLIPBAY_INLINE: 'off',
      VIDEO_EXPIRY_DAYS: '7',
      LIMIT_VIDEOS_PER_USER_PER_DAY: '5',
      LIMIT_CONCURRENT_PER_USER: '2',
      LIMIT_QUOTA_PER_MONTH: '1000',
      ALLOWED_CHANNELS: 'C1',
      CLIPBAY_ADMINS: 'UADMIN',
      DISCORD_APPLICATION_ID: '100000000000000001',
    };
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const template = Template.fromStack(new ClipbayStack(app, 'Settings', { settings }));
    // What the stack itself provides, and the runtime's own.
    const provided =
      /^(?:[A-Z]+_SECRET_ARN|STATE_MACHINE_ARN|SHARE_BASE_URL|VIDEO_BUCKET|USAGE_TABLE|NODE_OPTIONS|POWERTOOLS_SERVICE_NAME)$/;
    const readerOf: Record<string, SettingReader | undefined> = {
      SubmitFn: 'submit',
      CheckStatusFn: 'check-status',
      SaveToS3Fn: 'save-to-s3',
      PostLinkFn: 'post-link',
      ReportFailureFn: undefined,
      ShareLinkFn: 'share-link',
      SettleUsageFn: 'settle-usage',
      RunEndedFn: 'run-ended',
      SlackEventsFn: 'ingress',
      DiscordInteractionsFn: 'ingress',
    };
    const functions = template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
    >;
    const seen: string[] = [];
    for (const [logicalId, fn] of Object.entries(functions)) {
      const id = Object.keys(readerOf).find((name) => logicalId.startsWith(name));
      if (!id) continue;
      seen.push(id);
      const reader = readerOf[id];
      const own = Object.keys(fn.Properties.Environment?.Variables ?? {})
        .filter((name) => !provided.test(name))
        .sort();
      const expected = [
        ...(reader ? settingsReadBy(reader).filter((name) => name in settings) : []),
        ...(id === 'DiscordInteractionsFn' ? ['DISCORD_APPLICATION_ID'] : []),
      ].sort();
      expect({ id, variables: own }).toEqual({ id, variables: expected });
    }
    expect(seen.sort()).toEqual(Object.keys(readerOf).sort());
    // The state machine and the bucket read theirs at synth.
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7 })]) },
    });
  });
});
