import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../local/s3/local-s3.js';
import { TokenBaySimulator } from '../../local/simulator/tokenbay-simulator.js';
import { slackHeaders } from '../../local/stack/request-signing.js';
import { LocalWorkflow } from '../../local/workflow/local-workflow.js';
import { startStepFunctionsEndpoint } from '../../local/workflow/step-functions-endpoint.js';
import { FakeChatServer } from '../helpers/fake-chat-server.js';
import { workflowDefinition } from '../helpers/workflow-harness.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';

const SECRETS = {
  TOKENBAY_API_KEY: 'sk-known-tokenbay-key-0123456789abcdef',
  SLACK_SIGNING_SECRET: 'known-signing-secret-fedcba9876543210',
  // Shaped so no secret scanner mistakes this test value for a real Slack token.
  SLACK_BOT_TOKEN: 'xoxb-test.known_bot_token.000111',
  DISCORD_BOT_TOKEN: 'known-discord-bot-token.AAAA.BBBB',
};

/**
 * A whole video through the real Lambda handler modules (functions/*.ts: Powertools Logger, config
 * from the environment, clients per cold start), with known secret values. Every byte written to
 * stdout and stderr is scanned: no secret, and no presigned URL signature, may appear.
 */
describe('logs hold no secrets', () => {
  const lines: string[] = [];
  let sim: TokenBaySimulator;
  let s3: LocalS3;
  let chat: FakeChatServer;
  let workflow: LocalWorkflow;
  let endpoint: { url: string; close: () => Promise<void> };
  let directory: string;

  beforeAll(async () => {
    sim = new TokenBaySimulator({ apiKey: SECRETS.TOKENBAY_API_KEY, generationSeconds: 1 });
    await sim.start();
    directory = await mkdtemp(join(tmpdir(), 'clipbay-logs-'));
    s3 = await startLocalS3({ directory, bucket: 'clipbay-videos' });
    chat = new FakeChatServer();
    await chat.start();

    for (const [name, value] of Object.entries({
      ...SECRETS,
      TOKENBAY_BASE_URL: sim.url,
      S3_ENDPOINT: s3.endpoint,
      VIDEO_BUCKET: 'clipbay-videos',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      SLACK_API_URL: `${chat.url}/slack/api/`,
      DISCORD_API_BASE: `${chat.url}/discord/api`,
      SHARE_BASE_URL: 'https://share.example/',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    }))
      vi.stubEnv(name, value);

    const [submit, checkStatus, saveToS3, postLink, reportFailure] = await Promise.all([
      import('../../functions/submit.js'),
      import('../../functions/check-status.js'),
      import('../../functions/save-to-s3.js'),
      import('../../functions/post-link.js'),
      import('../../functions/report-failure.js'),
    ]);
    workflow = new LocalWorkflow({
      definition: workflowDefinition(),
      waitMs: 100,
      retryIntervalMs: 10,
      handlers: {
        Submit: submit.handler,
        CheckStatus: checkStatus.handler,
        SaveToS3: saveToS3.handler,
        PostLink: postLink.handler,
        ReportFailure: reportFailure.handler,
      },
    });
    endpoint = await startStepFunctionsEndpoint(workflow);
    vi.stubEnv('AWS_ENDPOINT_URL_SFN', endpoint.url);
    vi.stubEnv('STATE_MACHINE_ARN', workflow.stateMachineArn);

    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
      });
    }
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    workflow.stopAll();
    await endpoint.close();
    await chat.stop();
    await sim.stop();
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('from a signed Slack command, through every step, to the posted link', async () => {
    const { handler: slackEvents } = await import('../../functions/slack-events.js');
    const body = slackCommandBody({
      text: 'a secretive corgi --duration 4',
      triggerId: 'secrets.1.x',
      responseUrl: `${chat.url}/hooks/secrets`,
    });
    const ack = await slackEvents(
      {
        version: '2.0',
        routeKey: 'POST /slack/events',
        rawPath: '/slack/events',
        rawQueryString: '',
        headers: slackHeaders(SECRETS.SLACK_SIGNING_SECRET, body),
        body,
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST', path: '/slack/events' } },
      } as never,
      {} as never,
    );
    expect(ack.statusCode).toBe(200);

    const execution = workflow.list().find((e) => e.name === 'secrets.1.x')!;
    expect((await execution.done).status).toBe('SUCCEEDED');
    // With a bot token the result was posted with chat.update / chat.postMessage.
    const posted = chat.requests.filter((r) => r.path.startsWith('/slack/api/chat.'));
    expect(JSON.stringify(posted.at(-1)!.body)).toContain('X-Amz-Signature');

    const json = lines.filter((line) => line.startsWith('{'));
    expect(json.length).toBeGreaterThanOrEqual(5); // one line per step at least: the scan is not vacuous
    const steps = json.map((line) => JSON.parse(line) as { correlation_id?: string; step?: string });
    expect(steps.filter((l) => l.step).every((l) => l.correlation_id === 'secrets.1.x')).toBe(true);
    for (const line of lines) {
      for (const secret of Object.values(SECRETS)) expect(line).not.toContain(secret);
      expect(line).not.toMatch(/X-Amz-Signature|X-Amz-Credential|x-amz-security-token/i);
    }
  });
});
