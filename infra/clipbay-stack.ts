import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
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
import { ClipbayFunction } from './clipbay-function.js';
import { VideoWorkflow } from './video-workflow.js';

export interface ClipbayStackProps extends StackProps {
  /** Seconds between polls; 15 by default, never below 5. */
  pollIntervalSeconds?: number;
  /** Days before a clip is deleted from the bucket. */
  videoExpiryDays?: number;
  /** Presigned link lifetime asked for (capped by the signing credentials). */
  linkExpirySeconds?: number;
  defaultModel?: string;
}

/**
 * Everything clipbay needs in one account: a private bucket, the secrets (empty until filled),
 * the Lambdas, the state machine, and an HTTP API for Slack, Discord and share links.
 */
export class ClipbayStack extends Stack {
  constructor(scope: Construct, id: string, props: ClipbayStackProps = {}) {
    super(scope, id, props);
    const pollIntervalSeconds = props.pollIntervalSeconds ?? 15;
    const editTimeoutSeconds = 600;

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
        { prefix: 'clips/', expiration: Duration.days(props.videoExpiryDays ?? 30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const secrets = {
      tokenBay: new Secret(this, 'TokenBayApiKey', {
        description: 'clipbay: the TokenBay API key, as plain text',
      }),
      slack: new Secret(this, 'SlackSecrets', {
        description: 'clipbay: JSON with signingSecret and botToken from the Slack app',
      }),
      discord: new Secret(this, 'DiscordSecrets', {
        description: 'clipbay: JSON with publicKey and botToken from the Discord application',
      }),
    };
    for (const secret of Object.values(secrets))
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Third-party credentials (TokenBay, Slack, Discord) are rotated in those services, not by Secrets Manager.',
      });

    const api = new HttpApi(this, 'Api', {
      description: 'clipbay: Slack events, Discord interactions and share links',
      corsPreflight: { allowMethods: [CorsHttpMethod.GET], allowOrigins: ['*'] },
    });
    const apiLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    const stage = api.defaultStage!.node.defaultChild as CfnStage;
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 20 };
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

    const common = {
      VIDEO_BUCKET: videos.bucketName,
      POLL_INTERVAL_SECONDS: String(pollIntervalSeconds),
      LINK_EXPIRY_SECONDS: String(props.linkExpirySeconds ?? 604_800),
      SHARE_BASE_URL: shareBaseUrl,
      TOKENBAY_SECRET_ARN: secrets.tokenBay.secretArn,
      SLACK_SECRET_ARN: secrets.slack.secretArn,
      DISCORD_SECRET_ARN: secrets.discord.secretArn,
      ...(props.defaultModel ? { DEFAULT_MODEL: props.defaultModel } : {}),
    };
    const fn = (
      id: string,
      handlerFile: string,
      extra: Partial<ConstructorParameters<typeof ClipbayFunction>[2]> = {},
    ) =>
      new ClipbayFunction(this, id, {
        handlerFile,
        ...extra,
        environment: { ...common, ...extra.environment },
      });

    const submit = fn('SubmitFn', 'submit.ts');
    const checkStatus = fn('CheckStatusFn', 'check-status.ts');
    const saveToS3 = fn('SaveToS3Fn', 'save-to-s3.ts', { timeout: Duration.minutes(15), memorySize: 512 });
    const postLink = fn('PostLinkFn', 'post-link.ts');
    const reportFailure = fn('ReportFailureFn', 'report-failure.ts');
    const shareLink = fn('ShareLinkFn', 'share-link.ts', { timeout: Duration.seconds(10) });

    const objects = videos.arnForObjects('clips/*');
    saveToS3.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [objects],
      }),
    );
    for (const reader of [postLink, shareLink])
      reader.addToRolePolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: [objects] }),
      );
    for (const user of [saveToS3, postLink, shareLink])
      Validations.of(user.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(videos.node.defaultChild as CfnBucket)}.Arn>/clips/*]`,
        reason:
          'Clips are objects under clips/ with random names; only that prefix of clipbay’s own bucket is reachable.',
      });

    secrets.tokenBay.grantRead(submit);
    secrets.tokenBay.grantRead(checkStatus);
    secrets.tokenBay.grantRead(saveToS3);
    for (const notifier of [checkStatus, postLink, reportFailure]) {
      secrets.slack.grantRead(notifier);
      secrets.discord.grantRead(notifier);
    }

    const workflow = new VideoWorkflow(this, 'VideoWorkflow', {
      submit,
      checkStatus,
      saveToS3,
      postLink,
      reportFailure,
      pollIntervalSeconds,
      editTimeoutSeconds,
      logGroup: new LogGroup(this, 'WorkflowLogs', { retention: RetentionDays.ONE_MONTH }),
    });

    const ingress = (id: string, handlerFile: string, secret: Secret): ClipbayFunction => {
      const f = fn(id, handlerFile, {
        timeout: Duration.seconds(10),
        memorySize: 512,
        environment: { STATE_MACHINE_ARN: workflow.stateMachine.stateMachineArn },
      });
      workflow.stateMachine.grantStartExecution(f);
      // Re-roll / Vertical read the original request back from its execution.
      workflow.stateMachine.grantExecution(f, 'states:DescribeExecution');
      const machineId = this.getLogicalId(workflow.stateMachine.node.defaultChild as CfnStateMachine);
      Validations.of(f.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}:*]`,
        reason:
          'DescribeExecution on the executions of clipbay’s own state machine (execution names are not known in advance).',
      });
      secret.grantRead(f);
      return f;
    };
    const slackIngress = ingress('SlackEventsFn', 'slack-events.ts', secrets.slack);
    const discordIngress = ingress('DiscordInteractionsFn', 'discord-interactions.ts', secrets.discord);

    api.addRoutes({
      path: '/slack/events',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Slack', slackIngress),
    });
    api.addRoutes({
      path: '/discord/interactions',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Discord', discordIngress),
    });
    api.addRoutes({
      path: '/v/{id}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('Share', shareLink),
    });

    this.acknowledgeFindings(api);

    new CfnOutput(this, 'SlackRequestUrl', {
      value: `${api.apiEndpoint}/slack/events`,
      description: 'Slack: slash command and interactivity URL',
    });
    new CfnOutput(this, 'DiscordInteractionsUrl', {
      value: `${api.apiEndpoint}/discord/interactions`,
      description: 'Discord: Interactions Endpoint URL',
    });
    new CfnOutput(this, 'ShareBaseUrl', { value: shareBaseUrl });
    new CfnOutput(this, 'VideoBucketName', { value: videos.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'TokenBaySecretName', { value: secrets.tokenBay.secretName });
    new CfnOutput(this, 'SlackSecretName', { value: secrets.slack.secretName });
    new CfnOutput(this, 'DiscordSecretName', { value: secrets.discord.secretName });
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
