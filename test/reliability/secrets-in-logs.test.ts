import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBaySimulator } from '../../local/simulator/tokenbay-simulator.js';
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
});
