import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.js';
import { settingsReadBy, type SettingReader } from '../../functions/core/config.js';
import { ClipbayStack } from '../../infra/clipbay-stack.js';
import { PLATFORMS } from '@clipbay/platforms';
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
      // The steps that talk to chat read and record the run's message on its row; PostLink also
      // claims the run's one clip upload there.
      CheckStatusFn: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      PostLinkFn: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      ReportFailureFn: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
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

  it('alarms on failed and timed-out runs, ingress errors, the API’s 5xx and 429, SaveToS3 and PostLink errors', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Record<string, unknown>,
    );
    const byName = Object.fromEntries(alarms.map((a) => [a.AlarmName as string, a]));
    const ref = (prefix: string) => ({ Ref: expect.stringMatching(`^${prefix}`) as unknown });
    const machine = { StateMachineArn: ref('VideoWorkflowStateMachine') };
    const fn = (prefix: string) => ({ FunctionName: ref(prefix) });
    type Expected = [string, string, string, Record<string, unknown>, number, number];
    const expected: Expected[] = [
      // name, namespace, metric, dimension, threshold, period (s)
      ['ExecutionsFailed', 'AWS/States', 'ExecutionsFailed', machine, 3, 900],
      ['ExecutionsTimedOut', 'AWS/States', 'ExecutionsTimedOut', machine, 1, 300],
      ...PLATFORMS.map((p): Expected => [
        `${p.label}IngressErrors`,
        'AWS/Lambda',
        'Errors',
        fn(p.ingress.functionId),
        1,
        300,
      ]),
      ['Api5xx', 'AWS/ApiGateway', '5xx', { ApiId: ref('Api') }, 3, 300],
      ['SaveToS3Errors', 'AWS/Lambda', 'Errors', fn('SaveToS3Fn'), 3, 900],
      ['PostLinkErrors', 'AWS/Lambda', 'Errors', fn('PostLinkFn'), 3, 900],
    ];
    for (const [name, namespace, metric, dimension, threshold, period] of expected)
      expect(byName[`Clipbay-${name}`], name).toEqual({
        AlarmName: `Clipbay-${name}`,
        AlarmDescription: expect.stringMatching(/.{80,}/) as unknown,
        Namespace: namespace,
        MetricName: metric,
        Dimensions: Object.entries(dimension).map(([Name, Value]) => ({ Name, Value })),
        Statistic: 'Sum',
        Period: period,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    // 429: HTTP APIs publish no throttling metric; the stage's access log is counted instead.
    expect(byName['Clipbay-ApiThrottled']).toMatchObject({
      Namespace: 'Clipbay',
      MetricName: 'ApiThrottled',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^ApiAccessLogs') },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [{ MetricNamespace: 'Clipbay', MetricName: 'ApiThrottled', MetricValue: '1' }],
    });
    expect(Object.keys(byName).sort()).toEqual(
      [...expected.map(([name]) => `Clipbay-${name}`), 'Clipbay-ApiThrottled'].sort(),
    );
    // The ingress alarms say which platform, and every description says what to do.
    expect(byName['Clipbay-ExecutionsFailed']!.AlarmDescription).toMatch(/npm run doctor/);
    // Without alarmEmail nobody is told: no topic, no actions.
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of alarms) expect(alarm).not.toHaveProperty('AlarmActions');
  });

  it('draws one dashboard from the functions’ metrics: commands, videos, ack latency p50/p99, quota per day', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard!.Properties.DashboardName).toBe('Clipbay');
    // The body is a Fn::Join of JSON text and references: the references as placeholders.
    const [, parts] = dashboard!.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as {
      widgets: {
        properties: {
          title?: string;
          metrics?: unknown[][];
          period?: number;
          start?: string;
          alarms?: string[];
          annotations?: { horizontal?: { value: number }[] };
        };
      }[];
    };
    const widget = (title: string) => body.widgets.find((w) => w.properties.title === title)!.properties;
    /**
     * A graph's metrics: `[namespace, name, key, value, key, value…, options]`, its dimensions as an
     * object; a period left out is CloudWatch's default for a graph, 300 s.
     */
    const metrics = (title: string) =>
      widget(title).metrics!.map((m) => {
        const [namespace, name, ...pairs] = m.filter((x): x is string => typeof x === 'string');
        const dimensions = Object.fromEntries(
          pairs.flatMap((key, i) => (i % 2 === 0 ? [[key, pairs[i + 1]]] : [])),
        ) as Record<string, string>;
        const options = m.find((x) => typeof x === 'object') as
          { stat?: string; period?: number } | undefined;
        return {
          namespace,
          name,
          dimensions,
          stat: options?.stat,
          period: options?.period ?? 300,
        };
      });
    const service = { service: 'clipbay' };
    expect(metrics('Commands accepted (video runs started)')).toEqual(
      PLATFORMS.map((p) => ({
        namespace: 'Clipbay',
        name: 'CommandsAccepted',
        dimensions: { ...service, platform: p.id },
        stat: 'Sum',
        period: 300,
      })),
    );
    expect(metrics('Videos').map((m) => [m.name, m.dimensions, m.stat])).toEqual([
      ['VideosSucceeded', service, 'Sum'],
      ['VideosFailed', service, 'Sum'],
    ]);
    expect(metrics('Ack latency (ms)').map((m) => [m.name, m.dimensions, m.stat])).toEqual(
      PLATFORMS.flatMap((p) =>
        ['p50', 'p99'].map((stat) => ['AckLatency', { ...service, platform: p.id }, stat]),
      ),
    );
    expect(widget('Ack latency (ms)').annotations!.horizontal![0]!.value).toBe(3000);
    expect(metrics('TokenBay quota per day')).toEqual([
      { namespace: 'Clipbay', name: 'TokenBayQuota', dimensions: service, stat: 'Sum', period: 86400 },
    ]);
    expect(widget('TokenBay quota per day').start).toBe('-P14D');
    expect(metrics('HTTP API errors').map((m) => m.name)).toEqual(['5xx', '4xx', 'ApiThrottled']);
    expect(widget('Alarms').alarms).toHaveLength(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length,
    );
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

describe('alarmEmail as CDK context', () => {
  it('adds an SNS topic, TLS-only, e-mailing that address, on every alarm’s ALARM and OK; cdk-nag stays clean', () => {
    // createApp runs cdk-nag's AwsSolutions checks: the synth throws on an unacknowledged finding.
    const stack = createApp({ context: { alarmEmail: 'ops@example.com', 'aws:cdk:bundling-stacks': [] } })
      .synth()
      .getStackByName('Clipbay');
    const template = Template.fromJSON(stack.template as Record<string, unknown>);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms)
      expect(alarm.Properties).toMatchObject({
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
  });

  it('refuses a value that is not an e-mail address, naming alarmEmail', () => {
    expect(() => createApp({ context: { alarmEmail: 'ops', 'aws:cdk:bundling-stacks': [] } })).toThrow(
      'Invalid configuration: alarmEmail must be an e-mail address (got "ops")',
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
      ReportFailureFn: 'report-failure',
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
