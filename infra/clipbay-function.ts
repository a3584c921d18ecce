import { Duration, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  LogLevel,
  NodejsFunction,
  OutputFormat,
  type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_BUNDLING, LEFT_OUT_MODULE, PROJECT_ROOT } from './lambda-bundling.js';

export interface ClipbayFunctionProps extends Omit<NodejsFunctionProps, 'entry'> {
  /** The Lambda entry (exporting `handler`), relative to the project root: `functions/submit.ts`. */
  entry: string;
  /** Packages to leave out of the bundle (none by default: the AWS SDK is bundled too). */
  externalModules?: string[];
  /**
   * Map stack traces to the sources at run time (`--enable-source-maps`). It costs about 250 ms of
   * every cold start for a 1.7 MB bundle, so the ingress functions, which must answer within
   * 3 seconds, turn it off; their source maps still ship for reading a trace offline.
   */
  sourceMapsAtRuntime?: boolean;
  /** The tsconfig esbuild resolves imports with (its `paths` name the platform registry); the root's by default. */
  tsconfig?: string;
}

/**
 * clipbay's Lambda defaults in one place: Node.js 24 on arm64 (the code also runs on Node 20, used
 * locally), esbuild bundle (no Docker), minified with source maps, X-Ray tracing, its own log
 * group with a retention, and a role that may write only to that log group (no managed policy).
 */
export class ClipbayFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ClipbayFunctionProps) {
    const { entry, externalModules = [], environment, sourceMapsAtRuntime = true, tsconfig, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    super(scope, id, {
      entry: `${PROJECT_ROOT}${entry}`,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      role,
      logGroup,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      // esbuild runs here, whatever folder the synth was started from (LEFT_OUT_MODULE is relative).
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      environment: {
        ...(sourceMapsAtRuntime ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        POWERTOOLS_SERVICE_NAME: 'clipbay',
        ...environment,
      },
      bundling: {
        format: OutputFormat.CJS,
        logLevel: LogLevel.ERROR,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourceMap,
        target: LAMBDA_BUNDLING.target,
        externalModules: [...LAMBDA_BUNDLING.external, ...externalModules],
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        esbuildArgs: { '--alias': LAMBDA_BUNDLING.leftOut.map((name) => `${name}=./${LEFT_OUT_MODULE}`) },
        ...(tsconfig ? { tsconfig: `${PROJECT_ROOT}${tsconfig}` } : {}),
      },
      ...rest,
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; AWS requires "*".',
    });
  }
}
