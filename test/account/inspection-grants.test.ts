import { ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsEndpoint } from '../../local/account/aws-endpoint.js';
import { Principals, type Principal } from '../../local/account/principals.js';
import { S3Service } from '../../local/account/services/s3.js';
import { StepFunctionsService } from '../../local/account/services/step-functions.js';
import { closeServer, listenOnLoopback } from '../../local/http/http-helpers.js';
import { LocalWorkflow } from '../../local/workflow/local-workflow.js';
import { templateIam, type TemplateIam } from '../helpers/template-iam.js';

/** What the backend answers: enough of S3's XML for the SDK to parse. */
const LIST_BUCKETS =
  '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets><Bucket><Name>videos</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>';
const LIST_OBJECTS =
  '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>videos</Name><Prefix>clips/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>';

/**
 * What an operator inspects (issue 27: `aws stepfunctions get-execution-history`, `aws s3 ls`) is
 * refused to a function whose role lacks the grant, as AWS refuses it, through the account's one
 * endpoint with the template's IAM: the ingress may describe its runs and read their history (Cancel),
 * Submit may not; the share link may list clips/ but not the account's buckets. The operator may do both.
 */
describe('GetExecutionHistory and ListBuckets: the operator may, a role without the grant may not', () => {
  let t: TemplateIam;
  let principals: Principals;
  let endpoint: AwsEndpoint;
  let backend: Server;
  const backendRequests: string[] = [];
  let executionArn: string;
  let bucket: string;

  const roleOf = (prefix: string): Principal => {
    const [id, fn] = t.functionOf(prefix);
    return principals.forRole(t.resolver.string(fn.Properties!.Role), id);
  };
  const credentials = (p: Principal) => ({
    accessKeyId: p.accessKeyId,
    secretAccessKey: p.secretAccessKey,
    ...(p.sessionToken ? { sessionToken: p.sessionToken } : {}),
  });
  const sfn = (p: Principal) =>
    new SFNClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: credentials(p) });
  const s3 = (p: Principal) =>
    new S3Client({
      endpoint: endpoint.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: credentials(p),
    });

  beforeAll(async () => {
    t = await templateIam();
    principals = new Principals();
    backend = createServer((req, res) => {
      backendRequests.push(`${req.method} ${req.url}`);
      res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(req.url === '/' ? LIST_BUCKETS : LIST_OBJECTS);
    });
    const backendPort = await listenOnLoopback(backend, 0);

    const [machineId] = t.resolver.resourcesOfType('AWS::StepFunctions::StateMachine')[0]!;
    const workflow = new LocalWorkflow({
      definition: { StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } },
      handlers: {},
      stateMachineArn: t.resolver.ref(machineId),
    });
    const execution = workflow.start('inspected', '{}');
    await execution.done;
    executionArn = execution.executionArn;
    const [bucketId] = t.resolver
      .resourcesOfType('AWS::S3::Bucket')
      .find(([, b]) => JSON.stringify(b.Properties ?? {}).includes('"clips/"'))!;
    bucket = t.resolver.ref(bucketId);

    const stepFunctions = new StepFunctionsService(workflow, t.iam);
    endpoint = new AwsEndpoint(principals, {
      s3: new S3Service(t.iam, {
        endpoint: `http://127.0.0.1:${backendPort}`,
        region: 'us-east-1',
        keys: { accessKeyId: 'BACKEND', secretAccessKey: 'BACKEND' },
      }),
      json: {
        AWSStepFunctions: {
          handle: (op, body, p) => stepFunctions.handle(op, body, p),
          contentType: 'application/x-amz-json-1.0',
        },
      },
    });
    await endpoint.listen(0);
  });
  afterAll(async () => {
    await endpoint?.close();
    await closeServer(backend);
  });

  it('states:GetExecutionHistory: the ingress may read its run’s (Cancel reads the latest state); Submit may not', async () => {
    const ingress = sfn(roleOf('SlackEventsFn'));
    await expect(ingress.send(new DescribeExecutionCommand({ executionArn }))).resolves.toMatchObject({
      status: 'SUCCEEDED',
    });
    await expect(
      ingress.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 2 })),
    ).resolves.toMatchObject({ events: [{ type: 'ExecutionSucceeded' }, { type: 'PassStateExited' }] });
    const submit = sfn(roleOf('SubmitFn'));
    await expect(submit.send(new GetExecutionHistoryCommand({ executionArn }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringMatching(/not authorized to perform: states:GetExecutionHistory on resource: /),
    });

    const { events = [] } = await sfn(principals.operator).send(
      new GetExecutionHistoryCommand({ executionArn }),
    );
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('s3:ListAllMyBuckets: the share link may list clips/, not the buckets; refused before the backend', async () => {
    const shareLink = s3(roleOf('ShareLinkFn'));
    backendRequests.length = 0;
    await expect(shareLink.send(new ListBucketsCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('s3:ListAllMyBuckets'),
    });
    expect(backendRequests).toEqual([]);
    await expect(
      shareLink.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'clips/', Delimiter: '/' })),
    ).resolves.toMatchObject({ Prefix: 'clips/' });
    // Forwarded as sent: ListObjectsV2 (list-type=2) with its prefix.
    expect(backendRequests).toEqual([
      expect.stringMatching(new RegExp(`^GET /${bucket}/?\\?(?=.*list-type=2)(?=.*prefix=clips%2F)`)),
    ]);

    const { Buckets = [] } = await s3(principals.operator).send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name)).toEqual(['videos']);
    expect(backendRequests.at(-1)).toBe('GET /');
  });
});
