import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUOTA_PER_SECOND, TokenBaySimulator } from '../../local/simulator/tokenbay-simulator.js';
import { slackHeaders } from '../../local/stack/request-signing.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';

const SECRETS = {
  TOKENBAY_API_KEY: 'sk-known-tokenbay-key-0123456789abcdef',
  SLACK_SIGNING_SECRET: 'known-signing-secret-fedcba9876543210',
  // Shaped so no secret scanner mistakes this test value for a real Slack token.
  SLACK_BOT_TOKEN: 'xoxb-test.known_bot_token.000111',
  DISCORD_BOT_TOKEN: 'known-discord-bot-token.AAAA.BBBB',
};

/**
 * A whole video through the deployed shape — the Lambda bundles in their own processes, secrets
 * read from the account's Secrets Manager, Powertools logging — with known secret values. Every
 * line the functions print is scanned: no secret, no session credential and no presigned URL
 * signature may appear.
 */
describe('logs hold no secrets', () => {
  let sim: TokenBaySimulator;
  let running: StackWithFakeChat;

  beforeAll(async () => {
    sim = new TokenBaySimulator({ apiKey: SECRETS.TOKENBAY_API_KEY, generationSeconds: 1 });
    await sim.start();
    running = await startStackWithFakeChat({ ...SECRETS, TOKENBAY_BASE_URL: sim.url });
  });
  afterAll(async () => {
    await running.close();
    await sim.stop();
  });

  it('from a signed Slack command, through every step, to the posted link', async () => {
    const { stack, chat, functionLogs } = running;
    const body = slackCommandBody({
      text: 'a secretive corgi --duration 4',
      triggerId: 'secrets.1.x',
      responseUrl: `${chat.url}/hooks/secrets`,
    });
    const ack = await fetch(`${stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(SECRETS.SLACK_SIGNING_SECRET, body),
      body,
    });
    expect(ack.status).toBe(200);

    const execution = stack.workflow.list().find((e) => e.name === 'secrets.1.x')!;
    expect((await execution.done).status).toBe('SUCCEEDED');
    // The result was posted (chat.update / chat.postMessage with the bot token, or the response_url).
    const posted = chat.requests.filter(
      (r) => r.path.startsWith('/slack/api/chat.') || r.path.startsWith('/hooks/secrets'),
    );
    expect(posted.length).toBeGreaterThan(0);

    const json = functionLogs.filter(({ line }) => line.startsWith('{'));
    expect(json.length).toBeGreaterThanOrEqual(4); // Submit, CheckStatus, SaveToS3, PostLink at least: the scan is not vacuous
    const steps = json.map(({ line }) => JSON.parse(line) as { correlation_id?: string; step?: string });
    expect(steps.filter((l) => l.step).every((l) => l.correlation_id === 'secrets.1.x')).toBe(true);
    const sessionSecrets = [...stack.account.functions.values()].flatMap((fn) => [
      fn.spec.env.AWS_SECRET_ACCESS_KEY!,
      fn.spec.env.AWS_SESSION_TOKEN!,
    ]);
    for (const { line } of functionLogs) {
      for (const secret of [...Object.values(SECRETS), ...sessionSecrets]) expect(line).not.toContain(secret);
      expect(line).not.toMatch(/X-Amz-Signature|X-Amz-Credential|x-amz-security-token/i);
    }
  });
  it("carries clipbay's metrics as CloudWatch embedded metric format: commands, ack latency, videos, quota", async () => {
    const { stack, chat, functionLogs } = running;
    const from = functionLogs.length;
    // One clip, and one that TokenBay fails (the simulator fails a prompt with [fail]), on Slack.
    const send = async (text: string, triggerId: string) => {
      const body = slackCommandBody({ text, triggerId, responseUrl: `${chat.url}/hooks/${triggerId}` });
      const ack = await fetch(`${stack.url}/slack/events`, {
        method: 'POST',
        headers: slackHeaders(SECRETS.SLACK_SIGNING_SECRET, body),
        body,
      });
      expect(ack.status).toBe(200);
      return (await stack.workflow.list().find((e) => e.name === triggerId)!.done).status;
    };
    expect(
      await Promise.all([
        send('a measured corgi --duration 4', 'metrics.1.x'),
        send('a measured corgi [fail] --duration 4', 'metrics.2.x'),
      ]),
    ).toEqual(['SUCCEEDED', 'FAILED']);
    await stack.account.settle();

    type Emf = {
      _aws: {
        Timestamp: number;
        CloudWatchMetrics: {
          Namespace: string;
          Dimensions: string[][];
          Metrics: { Name: string; Unit: string }[];
        }[];
      };
    } & Record<string, unknown>;
    const emf = functionLogs.slice(from).flatMap(({ fn, line }) => {
      if (!line.startsWith('{')) return [];
      const record = JSON.parse(line) as Partial<Emf>;
      return record._aws ? [{ fn: fn.replace(/[0-9A-F]{8}$/, ''), record: record as Emf }] : [];
    });
    const of = (fn: string) => emf.filter((e) => e.fn === fn).map((e) => e.record);

    // The ingress: one line per request, AckLatency under the platform, CommandsAccepted per run started.
    const ingress = of('SlackEventsFn');
    expect(ingress).toHaveLength(2);
    for (const record of ingress) {
      expect(record._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'Clipbay',
          Dimensions: [['service', 'platform']],
          Metrics: [
            { Name: 'CommandsAccepted', Unit: 'Count' },
            { Name: 'AckLatency', Unit: 'Milliseconds' },
          ],
        },
      ]);
      expect(record).toMatchObject({ service: 'clipbay', platform: 'slack', CommandsAccepted: 1 });
      expect(record.AckLatency).toBeGreaterThanOrEqual(0);
      expect(record.AckLatency).toBeLessThan(3000);
      expect(Math.abs(record._aws.Timestamp - Date.now())).toBeLessThan(120_000);
    }

    // SettleUsage: each run once, its outcome and the quota TokenBay settled (a failed task costs 0).
    const settled = of('SettleUsageFn');
    expect(settled.map((r) => r._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual([
      [['service']],
      [['service']],
    ]);
    const byOutcome = Object.fromEntries(
      settled.map((r) => [
        r._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name,
        [r._aws.CloudWatchMetrics[0]!.Metrics.map((m) => `${m.Name} ${m.Unit}`), r.TokenBayQuota],
      ]),
    );
    expect(byOutcome).toEqual({
      VideosSucceeded: [['VideosSucceeded Count', 'TokenBayQuota Count'], 4 * QUOTA_PER_SECOND],
      VideosFailed: [['VideosFailed Count', 'TokenBayQuota Count'], 0],
    });
    // Nothing else counts a run: RunEnded found both settled.
    expect(emf.map((e) => e.fn).sort()).toEqual([
      'SettleUsageFn',
      'SettleUsageFn',
      'SlackEventsFn',
      'SlackEventsFn',
    ]);
  });
});
