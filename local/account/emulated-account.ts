import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalWorkflow } from '../workflow/local-workflow.js';
import { AccountIam } from './account-iam.js';
import { AwsEndpoint } from './aws-endpoint.js';
import { HttpApi } from './http-api.js';
import { ConcurrencyQuota, NEW_ACCOUNT_CONCURRENCY } from './lambda/concurrency-quota.js';
import { FaultPlan } from './lambda/fault-plan.js';
import { LambdaFunction } from './lambda/lambda-function.js';
import { Principals, type Principal } from './principals.js';
import { CloudFormationService } from './services/cloudformation.js';
import { CloudWatchService } from './services/cloudwatch.js';
import { DynamoDbService } from './services/dynamodb.js';
import { EventRules } from './services/event-rules.js';
import { S3Service, type S3Backend } from './services/s3.js';
import { SecretsManagerService } from './services/secrets-manager.js';
import { StepFunctionsService } from './services/step-functions.js';
import type { CloudAssembly } from './synth.js';
import { LOCAL_ACCOUNT, TemplateResolver, type CloudFormationTemplate } from './template.js';

/** Step Functions' limit on a state's input or output (UTF-8): 256 KiB. */
const MAX_STATE_BYTES = 256 * 1024;

export interface EmulatedAccountOptions {
  assembly: CloudAssembly;
  /** The template to run, if not the assembly's own (tests run a copy with a grant removed). */
  template?: CloudFormationTemplate;
  /** The physical name of the video bucket (the configured VIDEO_BUCKET). */
  videoBucket: string;
  /** The stack's name, as DescribeStacks answers (the CDK app's: `Clipbay`). */
  stackName?: string;
  /** The HTTP API's URL: the local server (what `ApiEndpoint` resolves to). */
  apiEndpoint: string;
  s3Backend: S3Backend;
  /**
   * Where the services outside AWS are (TOKENBAY_BASE_URL, SLACK_API_URL, DISCORD_API_BASE): the
   * only variables the account adds to a function's environment beyond the template's own and the
   * ones the Lambda runtime sets.
   */
  outsideWorld: Record<string, string>;
  /**
   * Stack outputs that name an outside service, by output key, with the variable that locates it
   * here (`{ TokenBayBaseUrl: 'TOKENBAY_BASE_URL' }`): DescribeStacks answers with the outside
   * world's value, as it answers with the HTTP API's local URL.
   */
  outputsServedOutside?: Readonly<Record<string, string>>;
  /** Port for the AWS endpoint (0: any). */
  endpointPort?: number;
  /** Host names the endpoint answers besides loopback. */
  allowedHosts?: readonly string[];
  /** Virtual time for tests: every Wait state and retry interval takes this many ms. */
  waitMs?: number;
  retryIntervalMs?: number;
  /**
   * Freeze each function's processes between invocations, as Lambda does (default true).
   * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
   */
  freezeBetweenInvocations?: boolean;
  /** Processes per function at most (this machine's limit; invocations beyond it wait). */
  maxConcurrency?: number;
  /**
   * Lambda's concurrency quota for the account (default: a new account's, NEW_ACCOUNT_CONCURRENCY):
   * invocations beyond it are throttled, as in AWS.
   */
  accountConcurrency?: number;
  /** Every line a function prints, with its name. */
  onFunctionLog?: (functionName: string, line: string) => void;
  log?: (line: string) => void;
}

/**
 * An AWS account on this machine running the synthesized template: each Lambda from its bundle in
 * its own processes under its own role, one AWS endpoint (Secrets Manager, Step Functions, S3,
 * DynamoDB, and for the operator's tools CloudFormation and CloudWatch) that
 * verifies signatures and enforces the template's IAM, the state machine in a local interpreter
 * whose Tasks invoke the functions, and the HTTP API's routes.
 */
export class EmulatedAccount {
  private constructor(
    readonly resolver: TemplateResolver,
    readonly principals: Principals,
    readonly iam: AccountIam,
    readonly endpoint: AwsEndpoint,
    readonly secrets: SecretsManagerService,
    readonly stepFunctions: StepFunctionsService,
    readonly s3: S3Service,
    readonly dynamoDb: DynamoDbService,
    readonly workflow: LocalWorkflow,
    readonly httpApi: HttpApi,
    readonly functions: Map<string, LambdaFunction>,
    /** The template's EventBridge rules; Step Functions puts its execution status changes here. */
    readonly events: EventRules,
    /** Faults tests plan for a run's invocations (a throttle, a crash, a timeout, an error). */
    readonly faults: FaultPlan,
    /** Lambda's concurrency quota shared by the functions that reserve none. */
    readonly concurrency: ConcurrencyQuota,
    /** The template's alarms (DescribeAlarms); a test sets one's state with `setAlarmState`. */
    readonly cloudWatch: CloudWatchService,
    private readonly workDir: string,
  ) {}

  get stateMachineArn(): string {
    return this.workflow.stateMachineArn;
  }

  get operator(): Principal {
    return this.principals.operator;
  }

  /** A function by the start of its logical id (`SubmitFn`, `SlackEventsFn`). */
  fn(prefix: string): LambdaFunction {
    const found = [...this.functions.values()].find((f) => f.logicalId.startsWith(prefix));
    if (!found) throw new Error(`No function ${prefix}.`);
    return found;
  }

  static async start(options: EmulatedAccountOptions): Promise<EmulatedAccount> {
    const template = options.template ?? options.assembly.template;
    const [videoBucketId] = Object.entries(template.Resources).find(
      ([, r]) => r.Type === 'AWS::S3::Bucket' && JSON.stringify(r.Properties ?? {}).includes('"clips/"'),
    ) ?? [undefined];
    const resolver = new TemplateResolver(template, {
      bucketNames: videoBucketId ? { [videoBucketId]: options.videoBucket } : {},
      apiEndpoint: options.apiEndpoint.replace(/\/$/, ''),
    });
    const principals = new Principals();
    const iam = new AccountIam(resolver);
    const workDir = await mkdtemp(join(tmpdir(), 'clipbay-account-'));

    const s3 = new S3Service(iam, options.s3Backend);
    const secrets = new SecretsManagerService(resolver, iam);
    const functions = new Map<string, LambdaFunction>();
    const faults = new FaultPlan();
    const concurrency = new ConcurrencyQuota(options.accountConcurrency ?? NEW_ACCOUNT_CONCURRENCY);
    const events = new EventRules(resolver, functions, {
      retryIntervalMs: options.retryIntervalMs ?? 1000,
      ...(options.log ? { log: options.log } : {}),
    });
    const workflow = stateMachine(resolver, iam, principals, functions, events, options);
    const stepFunctions = new StepFunctionsService(workflow, iam);
    const dynamoDb = await DynamoDbService.start(resolver, iam);
    // DescribeStacks answers with the template's outputs as this machine serves them.
    const cloudFormation = new CloudFormationService(iam, options.stackName ?? 'Clipbay', () =>
      Object.entries(template.Outputs ?? {}).map(([key, output]) => ({
        key,
        value:
          options.outsideWorld[options.outputsServedOutside?.[key] ?? ''] ?? resolver.string(output.Value),
        description: (output as { Description?: string }).Description,
      })),
    );
    const cloudWatch = new CloudWatchService(resolver, iam);
    const endpoint = new AwsEndpoint(
      principals,
      {
        s3,
        json: {
          secretsmanager: {
            handle: (op, body, p) => secrets.handle(op, body, p),
            contentType: 'application/x-amz-json-1.1',
          },
          AWSStepFunctions: {
            handle: (op, body, p) => stepFunctions.handle(op, body, p),
            contentType: 'application/x-amz-json-1.0',
          },
          DynamoDB_20120810: {
            handle: (op, body, p) => dynamoDb.handle(op, body, p),
            contentType: 'application/x-amz-json-1.0',
          },
          // CloudWatch (AWS JSON 1.0, what the SDK's client and the AWS CLI send).
          GraniteServiceVersion20100801: {
            handle: (op, body, p) => cloudWatch.handle(op, body, p),
            contentType: 'application/x-amz-json-1.0',
          },
        },
        query: { cloudformation: (params, p) => cloudFormation.handle(params, p) },
      },
      options.log,
    );
    await endpoint.listen(options.endpointPort ?? 0, options.allowedHosts ?? []);

    for (const [id, resource] of resolver.resourcesOfType('AWS::Lambda::Function')) {
      const props = resource.Properties!;
      const asset = resource.Metadata?.['aws:asset:path'];
      if (typeof asset !== 'string')
        throw new Error(`Function ${id} has no bundled asset (was bundling skipped?).`);
      const codeDir = join(workDir, id);
      // As Lambda unpacks it: the bundle alone, with no project package.json above it.
      await cp(join(options.assembly.dir, asset), codeDir, { recursive: true });
      const roleArn = resolver.string(props.Role);
      const credentials = principals.forRole(roleArn, id);
      const runtime = String(props.Runtime);
      const templateEnv = resolver.resolve(
        (props.Environment as { Variables?: object } | undefined)?.Variables ?? {},
      ) as Record<string, string>;
      functions.set(
        id,
        new LambdaFunction(
          id,
          roleArn,
          {
            functionName: id,
            functionArn: resolver.getAtt(id, 'Arn'),
            codeDir,
            handler: String(props.Handler),
            memoryMb: Number(props.MemorySize ?? 128),
            timeoutSeconds: Number(props.Timeout ?? 3),
            freezeBetweenInvocations: options.freezeBetweenInvocations ?? true,
            env: {
              PATH: '/usr/local/bin:/usr/bin:/bin',
              LANG: 'en_US.UTF-8',
              TZ: 'UTC',
              AWS_REGION: LOCAL_ACCOUNT.region,
              AWS_DEFAULT_REGION: LOCAL_ACCOUNT.region,
              AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
              AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${id}`,
              AWS_ACCESS_KEY_ID: credentials.accessKeyId,
              AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
              AWS_SESSION_TOKEN: credentials.sessionToken!,
              AWS_ENDPOINT_URL: endpoint.url,
              // The deployed runtime is newer than this machine's Node; the SDK would warn on each start.
              AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
              ...templateEnv,
              ...options.outsideWorld,
            },
            onLog: (line) => options.onFunctionLog?.(id, line),
          },
          options.maxConcurrency,
          faults,
          props.ReservedConcurrentExecutions === undefined
            ? concurrency
            : new ConcurrencyQuota(Number(props.ReservedConcurrentExecutions)),
        ),
      );
    }
    const httpApi = new HttpApi(resolver, functions, options.log);
    return new EmulatedAccount(
      resolver,
      principals,
      iam,
      endpoint,
      secrets,
      stepFunctions,
      s3,
      dynamoDb,
      workflow,
      httpApi,
      functions,
      events,
      faults,
      concurrency,
      cloudWatch,
      workDir,
    );
  }

  /** Credentials for something outside the template (the operator), as SDK options. */
  operatorClientConfig() {
    return {
      endpoint: this.endpoint.url,
      region: LOCAL_ACCOUNT.region,
      credentials: { accessKeyId: this.operator.accessKeyId, secretAccessKey: this.operator.secretAccessKey },
    };
  }

  /** Waits until no execution runs and no event is being delivered. */
  async settle(): Promise<void> {
    await this.workflow.settle();
    await this.events.idle();
  }

  async close(): Promise<void> {
    this.workflow.stopAll();
    for (const fn of this.functions.values()) fn.stop();
    await this.endpoint.close();
    await this.dynamoDb.close();
    await rm(this.workDir, { recursive: true, force: true });
  }
}

/** The state machine of the template, each Lambda Task invoking its function under the machine's role. */
function stateMachine(
  resolver: TemplateResolver,
  iam: AccountIam,
  principals: Principals,
  functions: Map<string, LambdaFunction>,
  events: EventRules,
  options: EmulatedAccountOptions,
): LocalWorkflow {
  const [[machineId, machine] = []] = resolver.resourcesOfType('AWS::StepFunctions::StateMachine');
  if (!machineId || !machine) throw new Error('The template has no state machine.');
  const definition = JSON.parse(resolver.string(machine.Properties!.DefinitionString)) as {
    States: Record<string, { Type: string; Resource?: string; Parameters?: { FunctionName?: string } }>;
  };
  const role = principals.forRole(resolver.string(machine.Properties!.RoleArn), machineId);
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const functionArn = state.Resource?.startsWith('arn:aws:lambda:')
      ? state.Resource
      : state.Parameters?.FunctionName;
    if (!functionArn)
      throw new Error(`Task ${name} is not a Lambda invoke; the local account runs only those.`);
    handlers[name] = async (input) => {
      const decision = iam.decide(role, { action: 'lambda:InvokeFunction', resource: functionArn });
      if (!decision.allowed)
        throw Object.assign(
          new Error(
            `User: ${role.arn} is not authorized to perform: lambda:InvokeFunction on resource: ${functionArn} because ${decision.reason}`,
          ),
          { name: 'Lambda.AWSLambdaException' },
        );
      const fn = [...functions.values()].find(
        (f) => f.functionArn === functionArn || functionArn.startsWith(`${f.functionArn}:`),
      );
      if (!fn)
        throw Object.assign(new Error(`Function not found: ${functionArn}`), {
          name: 'Lambda.ResourceNotFoundException',
        });
      let output: unknown;
      try {
        output = await fn.invoke(input);
      } catch (error) {
        // As Step Functions reports a Lambda's error: Error is its type, Cause the JSON of the error.
        const { name, message } = error as Error;
        throw Object.assign(
          new Error(JSON.stringify({ errorType: name, errorMessage: message, trace: [] })),
          { name },
        );
      }
      // A state's output is at most 256 KiB; past it the execution fails with
      // States.DataLimitExceeded, which no Retry or Catch (not even States.ALL) handles.
      const bytes = Buffer.byteLength(JSON.stringify(input)) + Buffer.byteLength(JSON.stringify(output));
      if (bytes > MAX_STATE_BYTES)
        throw Object.assign(
          new Error(
            `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
          ),
          { name: 'States.DataLimitExceeded', isCatchable: false, isRetryable: false },
        );
      return output;
    };
  }
  const stateMachineArn = resolver.ref(machineId);
  return new LocalWorkflow({
    definition: definition as unknown as Record<string, unknown>,
    handlers,
    stateMachineArn,
    roleArn: resolver.string(machine.Properties!.RoleArn),
    // "Step Functions Execution Status Change", as Step Functions sends it to EventBridge.
    // https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
    onEnded: (e) =>
      events.put({
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        resources: [e.executionArn],
        detail: {
          executionArn: e.executionArn,
          stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: e.startDate.getTime(),
          stopDate: e.stopDate?.getTime() ?? null,
          input: e.input,
          output: e.output === undefined ? null : JSON.stringify(e.output),
          inputDetails: { included: true },
          outputDetails: e.output === undefined ? null : { included: true },
          error: e.error ?? null,
          cause: e.cause ?? null,
        },
      }),
    ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
  });
}
