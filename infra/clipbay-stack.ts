import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import { HttpApi, HttpMethod, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type CfnBucket,
} from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { byPlatform, PLATFORMS, readChatEnvironment, type RegisteredPlatform } from '@clipbay/platforms';
import { loadConfig, settingsReadBy, type SettingReader } from '../functions/core/config.js';
import { CHAT_IMAGE_PREFIX } from '../functions/core/storage/chat-image-object.js';
import { CONTEXT_KEYS, STACK_OPTIONS } from './context-keys.js';
import { ConfigError } from '../functions/core/errors.js';
import { HISTORY_INDEX } from '../functions/core/usage/history-index.js';
import { AlarmNotification } from './alarm-notification.js';
import { ClipbayFunction } from './clipbay-function.js';
import { alarmNamePrefix, OperationsAlarms } from './operations-alarms.js';
import { OperationsDashboard } from './operations-dashboard.js';
import { VideoWorkflow } from './video-workflow.js';

export interface ClipbayStackProps extends StackProps {
  /**
   * The settings a team deploys with, by their variable names (POLL_INTERVAL_SECONDS,
   * LIMIT_CONCURRENT_PER_USER, DISCORD_APPLICATION_ID…): CDK context under the same names. Checked
   * here once, by the schema the functions use (functions/core/config.ts), and given to exactly
   * the functions that read each (SETTING_READERS; a platform's own to its ingress only). Unset:
   * the schema's default.
   */
  settings?: Readonly<Record<string, string>>;
  /**
   * For tests that register a platform of their own: a tsconfig (relative to the project root)
   * whose `paths` map `@clipbay/platforms` and `@clipbay/notifiers` to their registry. Every
   * function is bundled with it, and the synth must run under it too (local/account/synth.ts).
   */
  registryTsconfig?: string;
  /**
   * Who is told when an alarm fires and when it clears (`-c alarmEmail=ops@example.com`): an SNS
   * topic with this one e-mail subscription. Unset: no topic; the alarms and the dashboard are
   * still there.
   */
  alarmEmail?: string;
}

/** The TokenBay secret as the stack creates it: the key blank, so a function can tell "not filled". */
const TOKENBAY_UNFILLED = { apiKey: '' } as const;

/**
 * What each secret holds, as the stack creates it: the keys with empty values. A secret still in
 * this shape (or holding anything without the expected keys) counts as "not configured", so a team
 * can fill only the platform it uses. The platforms' come from their registrations.
 */
export const UNFILLED_SECRETS = {
  tokenBay: TOKENBAY_UNFILLED,
  ...byPlatform((platform): Readonly<Record<string, string>> => platform.secret.unfilled),
};

/** PostLink may stream a clip of up to 1 GB to Slack; its upload gives up after 4 minutes. */
export const POST_LINK_TIMEOUT_SECONDS = 300;

/** The HTTP API stage's throttle: a token bucket of `burst` requests refilled at `rate` a second. */
export const STAGE_THROTTLE = { burst: 400, rate: 100 } as const;

/** The environment variable that names each secret, for the functions that read it. */
export const SECRET_ENV = {
  tokenBay: 'TOKENBAY_SECRET_ARN',
  ...byPlatform((platform): string => platform.secret.variable),
};

/**
 * Everything clipbay needs in one account: a private bucket, the secrets (empty until filled),
 * the Lambdas, the state machine, an HTTP API for Slack, Discord and share links, and the alarms
 * and dashboard that operate it.
 */
export class ClipbayStack extends Stack {
  constructor(scope: Construct, id: string, props: ClipbayStackProps = {}) {
    super(scope, id, props);
    const settings = deploySettings(props.settings ?? {});
    const alarmEmail = checkedAlarmEmail(props.alarmEmail);
    const config = loadConfig(settings);
    // Each platform checks its own deploy settings (DISCORD_APPLICATION_ID…), naming the variable.
    readChatEnvironment(settings);
    /** The deployed settings a function reads (the stack provides VIDEO_BUCKET and USAGE_TABLE itself). */
    const readBy = (reader: SettingReader): Record<string, string> =>
      Object.fromEntries(
        settingsReadBy(reader).flatMap((name) => (settings[name] ? [[name, settings[name]]] : [])),
      );

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log bucket of the video bucket; logging it to itself would loop.',
    });

    const videos = new Bucket(this, 'Videos', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'videos/',
      lifecycleRules: [
        { prefix: 'clips/', expiration: Duration.days(config.videoExpiryDays) },
        // Copies of images shared in chat, kept only until TokenBay has read them.
        { prefix: CHAT_IMAGE_PREFIX, expiration: Duration.days(1) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const secret = (id: string, description: string, unfilled: object) =>
      new Secret(this, id, {
        description,
        // An explicit "unfilled" value: with no value, CloudFormation would generate 32 random
        // characters, which the functions could not tell from a real key.
        secretStringValue: SecretValue.unsafePlainText(JSON.stringify(unfilled)),
      });
    const secrets: Record<keyof typeof SECRET_ENV, Secret> = {
      tokenBay: secret(
        'TokenBayApiKey',
        'clipbay: JSON {"apiKey": "sk-..."} with the TokenBay API key',
        UNFILLED_SECRETS.tokenBay,
      ),
      ...byPlatform((platform) =>
        secret(platform.secret.constructId, platform.secret.description, platform.secret.unfilled),
      ),
    };
    const chatSecrets = PLATFORMS.map((platform) => platform.id);
    for (const secret of Object.values(secrets))
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Third-party credentials (TokenBay and the chat platforms) are rotated in those services, not by Secrets Manager.',
      });

    // No CORS: no web page needs to call these routes from a browser.
    const api = new HttpApi(this, 'Api', {
      description: `clipbay: ${PLATFORMS.map((platform) => platform.label).join(' and ')} ingress, and share links`,
    });
    const apiLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    const stage = api.defaultStage!.node.defaultChild as CfnStage;
    // Sized for the burst docs/OPERATING.md promises under "Capacity" (200 commands at once, each
    // one request) with room for their share-link visits; the sustained rate is far above any team's typing. Requests over
    // it get 429 before any Lambda runs (the emulated account enforces the same bucket).
    stage.defaultRouteSettings = {
      throttlingBurstLimit: STAGE_THROTTLE.burst,
      throttlingRateLimit: STAGE_THROTTLE.rate,
    };
    stage.accessLogSettings = {
      destinationArn: apiLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        route: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
      }),
    };
    const shareBaseUrl = api.apiEndpoint + '/';

    const bucket = { VIDEO_BUCKET: videos.bucketName };
    const fn = (
      id: string,
      entry: string,
      extra: Partial<ConstructorParameters<typeof ClipbayFunction>[2]> = {},
    ) =>
      new ClipbayFunction(this, id, {
        entry,
        ...(props.registryTsconfig ? { tsconfig: props.registryTsconfig } : {}),
        ...extra,
      });

    const submit = fn('SubmitFn', 'functions/submit.ts', {
      environment: { ...readBy('submit'), ...bucket },
    });
    const checkStatus = fn('CheckStatusFn', 'functions/check-status.ts', {
      environment: readBy('check-status'),
    });
    const saveToS3 = fn('SaveToS3Fn', 'functions/save-to-s3.ts', {
      timeout: Duration.minutes(15),
      memorySize: 512,
      environment: { ...readBy('save-to-s3'), ...bucket },
    });
    // Uploading the clip to chat streams it from S3 (Slack takes up to 1 GB): minutes, not seconds.
    const postLink = fn('PostLinkFn', 'functions/post-link.ts', {
      timeout: Duration.seconds(POST_LINK_TIMEOUT_SECONDS),
      environment: { ...readBy('post-link'), ...bucket, SHARE_BASE_URL: shareBaseUrl },
    });
    const reportFailure = fn('ReportFailureFn', 'functions/report-failure.ts', {
      environment: readBy('report-failure'),
    });
    const shareLink = fn('ShareLinkFn', 'functions/share-link.ts', {
      timeout: Duration.seconds(10),
      environment: { ...readBy('share-link'), ...bucket },
    });

    // The usage ledger: one row per execution plus the counters the limits read (see
    // functions/core/usage/usage-ledger.ts). Rows carry their own expiry for TTL.
    const usage = new Table(this, 'Usage', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // `/video history`: a person's runs and a channel's, newest first, each one Query.
    // CloudFormation adds one index per update: a stack made before history is upgraded with
    // USAGE_HISTORY_INDEXES=requester first (docs/OPERATING.md).
    const historyIndexes: string[] = [];
    for (const [index, { name, partitionKey, sortKey }] of Object.entries(HISTORY_INDEX))
      if (config.usageHistoryIndexes === 'all' || index === 'requester') {
        historyIndexes.push(name);
        usage.addGlobalSecondaryIndex({
          indexName: name,
          partitionKey: { name: partitionKey, type: AttributeType.STRING },
          sortKey: { name: sortKey, type: AttributeType.NUMBER },
          projectionType: ProjectionType.ALL,
        });
      }
    const settleUsage = fn('SettleUsageFn', 'functions/settle-usage.ts', {
      environment: { ...readBy('settle-usage'), USAGE_TABLE: usage.tableName },
    });
    /**
     * The ledger's rows, or only the indexes named: Table.grant would add `index/*` to every grant
     * once the table has indexes, which only the ingress needs (and only two of, to Query).
     */
    const grantLedger = (fn: ClipbayFunction, actions: string[], indexes: string[] = []) =>
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions,
          resources: indexes.length
            ? indexes.map((index) => `${usage.tableArn}/index/${index}`)
            : [usage.tableArn],
        }),
      );
    // Frees the slot, closes the run's row (conditionally: once), then counts.
    grantLedger(settleUsage, ['dynamodb:UpdateItem']);
    // PostLink also claims the run's one upload of its clip on the run's row (conditionally: once).
    // The steps that talk to chat record a message they post anew on the run's row, and read it
    // back first, so a retried step edits that message instead of posting a second one.
    for (const notifying of [checkStatus, postLink, reportFailure]) {
      notifying.addEnvironment('USAGE_TABLE', usage.tableName);
      grantLedger(notifying, ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    }

    const objects = videos.arnForObjects('clips/*');
    saveToS3.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [objects],
      }),
    );
    // To find (and abort) a multipart upload that a killed earlier attempt left behind.
    saveToS3.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:ListBucketMultipartUploads'],
        resources: [videos.bucketArn],
      }),
    );
    for (const reader of [postLink, shareLink])
      reader.addToRolePolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [objects] }),
      );
    // Without s3:ListBucket, S3 answers 403 (not 404) for a missing key: the share link needs it to
    // tell an expired clip (404) from a broken permission. Narrowed to the clips/ prefix.
    shareLink.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:ListBucket'],
        resources: [videos.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['clips/*'] } },
      }),
    );
    // Submit copies an image shared in chat under images/ and signs TokenBay's link to it.
    const images = videos.arnForObjects(`${CHAT_IMAGE_PREFIX}*`);
    // An image cut off at the size cap mid-upload has its multipart upload aborted, not left open.
    submit.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [images],
      }),
    );
    Validations.of(submit.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(videos.node.defaultChild as CfnBucket)}.Arn>/${CHAT_IMAGE_PREFIX}*]`,
      reason:
        'Copies of chat images are objects under images/<run>/ with names known only at run time; only that prefix is reachable.',
    });
    for (const user of [saveToS3, postLink, shareLink])
      Validations.of(user.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(videos.node.defaultChild as CfnBucket)}.Arn>/clips/*]`,
        reason:
          'Clips are objects under clips/ with random names; only that prefix of clipbay’s own bucket is reachable.',
      });

    // Each function names in its environment exactly the secrets its role may read.
    const reads = (fn: ClipbayFunction, ...names: (keyof typeof secrets)[]) => {
      for (const name of names) {
        secrets[name].grantRead(fn);
        fn.addEnvironment(SECRET_ENV[name], secrets[name].secretArn);
      }
    };
    // Submit reads a chat file with the platform's bot token (Slack's private files).
    reads(submit, 'tokenBay', ...chatSecrets);
    reads(checkStatus, 'tokenBay', ...chatSecrets);
    reads(saveToS3, 'tokenBay');
    reads(postLink, ...chatSecrets);
    reads(reportFailure, ...chatSecrets);
    // SettleUsage asks TokenBay once more for a quota that was not settled yet.
    reads(settleUsage, 'tokenBay');

    const workflow = new VideoWorkflow(this, 'VideoWorkflow', {
      submit,
      checkStatus,
      saveToS3,
      postLink,
      reportFailure,
      settleUsage,
      pollIntervalSeconds: config.pollIntervalSeconds,
      editTimeoutSeconds: config.editTimeoutSeconds,
      logGroup: new LogGroup(this, 'WorkflowLogs', { retention: RetentionDays.ONE_MONTH }),
    });

    // The backstop: every end of an execution reaches RunEnded, which settles (and tells the
    // channel about) a run the workflow could not settle itself: stopped by the execution timeout
    // or by hand, failed with an error no Catch catches, or whose own settle failed for good.
    const runEnded = fn('RunEndedFn', 'functions/run-ended.ts', {
      environment: { ...readBy('run-ended'), USAGE_TABLE: usage.tableName },
    });
    // A RunEnded that throws (chat down, DynamoDB throttling) is tried twice more by Lambda, over
    // up to 2 hours; after that the event is dropped (a run left holding its slot until its day ends).
    runEnded.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(2) });
    // Frees the slot, closes the row, and reads it back when a retried delivery must know whether
    // the message is still owed.
    grantLedger(runEnded, ['dynamodb:UpdateItem', 'dynamodb:GetItem']);
    reads(runEnded, ...chatSecrets);
    new Rule(this, 'RunEndedRule', {
      description: 'Every end of a clipbay execution, to settle a run the workflow did not settle.',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [workflow.stateMachine.stateMachineArn],
          status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
        },
      },
      // EventBridge retries handing the event to Lambda (throttling, service errors) this often;
      // once Lambda took it, Lambda's own asynchronous retries apply (below).
      targets: [new LambdaTarget(runEnded, { retryAttempts: 8, maxEventAge: Duration.hours(2) })],
    });

    // Each registered platform: one ingress function behind one route, reading only its own secret.
    const ingress = (platform: RegisteredPlatform): ClipbayFunction => {
      const deployed = Object.fromEntries(
        platform.deployVariables.flatMap((name) => {
          const value = settings[name];
          return value ? [[name, value]] : [];
        }),
      );
      const f = fn(platform.ingress.functionId, platform.ingress.entry, {
        timeout: Duration.seconds(10),
        memorySize: 512,
        sourceMapsAtRuntime: false,
        environment: {
          STATE_MACHINE_ARN: workflow.stateMachine.stateMachineArn,
          ...readBy('ingress'),
          USAGE_TABLE: usage.tableName,
          SHARE_BASE_URL: shareBaseUrl,
          ...deployed,
        },
      });
      // Opens the run's row, reserves slots and counts (conditional writes), undoes a refusal,
      // and reads the counters for `/video usage`.
      grantLedger(f, [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchGetItem',
      ]);
      // `/video history`: a Query of the two history indexes, nothing else.
      grantLedger(f, ['dynamodb:Query'], historyIndexes);
      workflow.stateMachine.grantStartExecution(f);
      // Re-roll / Vertical read the original request back from its execution; Cancel reads who
      // asked, what TokenBay said of the task so far (its latest state, in the history), and stops it.
      workflow.stateMachine.grantExecution(
        f,
        'states:DescribeExecution',
        'states:StopExecution',
        'states:GetExecutionHistory',
      );
      const machineId = this.getLogicalId(workflow.stateMachine.node.defaultChild as CfnStateMachine);
      Validations.of(f.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}:*]`,
        reason:
          'DescribeExecution on the executions of clipbay’s own state machine (execution names are not known in advance).',
      });
      reads(f, platform.id);
      return f;
    };
    const ingressFunctions: { platform: RegisteredPlatform; fn: ClipbayFunction }[] = [];
    for (const platform of PLATFORMS) {
      const f = ingress(platform);
      ingressFunctions.push({ platform, fn: f });
      api.addRoutes({
        path: platform.ingress.path,
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration(platform.label, f),
      });
      new CfnOutput(this, platform.ingress.output.id, {
        value: `${api.apiEndpoint}${platform.ingress.path}`,
        description: platform.ingress.output.description,
      });
    }
    api.addRoutes({
      path: '/v/{id}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('Share', shareLink),
    });

    this.acknowledgeFindings(api);

    // Operating it: alarms (told by e-mail with alarmEmail) and one dashboard (docs/OPERATING.md).
    const notification = alarmEmail
      ? new AlarmNotification(this, 'AlarmNotification', {
          email: alarmEmail,
          alarmNamePattern: `${alarmNamePrefix(this)}*`,
        })
      : undefined;
    const { alarms } = new OperationsAlarms(this, 'Alarms', {
      stateMachine: workflow.stateMachine,
      ingress: ingressFunctions,
      api,
      apiAccessLogs: apiLogs,
      saveToS3,
      postLink,
      ...(notification ? { notify: notification.topic } : {}),
    });
    new OperationsDashboard(this, 'Operations', { platforms: PLATFORMS, api, alarms });

    new CfnOutput(this, 'ShareBaseUrl', { value: shareBaseUrl });
    new CfnOutput(this, 'VideoBucketName', { value: videos.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'UsageTableName', {
      value: usage.tableName,
      description: 'The usage ledger (USAGE_TABLE for Socket Mode in front of this stack)',
    });
    new CfnOutput(this, 'TokenBaySecretName', { value: secrets.tokenBay.secretName });
    new CfnOutput(this, 'TokenBayBaseUrl', {
      value: config.tokenBay.baseUrl,
      description: 'The TokenBay API the functions call (npm run connect and doctor check the key there)',
    });
    for (const platform of PLATFORMS)
      new CfnOutput(this, `${platform.label}SecretName`, { value: secrets[platform.id].secretName });
  }

  /** Findings that are deliberate, each with its reason. */
  private acknowledgeFindings(api: HttpApi): void {
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Slack and Discord cannot send AWS credentials; every request is verified by its platform signature (HMAC / Ed25519) in the Lambda, and /v/{id} serves only unguessable clip ids.',
    });
  }
}

/** The alarm e-mail as given (blank counts as unset), or a ConfigError naming `alarmEmail`. */
function checkedAlarmEmail(given: string | undefined): string | undefined {
  const email = given?.trim();
  if (!email) return undefined;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new ConfigError(STACK_OPTIONS.alarmEmail, `must be an e-mail address (got "${email}")`);
  return email;
}

/**
 * The settings as the functions will read them: the ones set (blank counts as unset), each a
 * setting the stack or a function reads or a registered platform's deploy setting; anything else
 * is refused at synth, naming it, so a misspelt context key is not silently ignored.
 */
function deploySettings(given: Readonly<Record<string, string>>): Record<string, string> {
  const known = new Set<string>(CONTEXT_KEYS);
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!known.has(name))
      throw new ConfigError(name, `is not a setting clipbay deploys with (${[...known].join(', ')})`);
    if (value.trim() !== '') set[name] = value.trim();
  }
  return set;
}
